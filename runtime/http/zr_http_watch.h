/* zr_http_watch: the sockets of suspended connections (jobs waiting for their answer, which
 * libmicrohttpd no longer polls), watched for the client hanging up so its job can be dropped. */
#ifndef ZR_HTTP_WATCH_H
#define ZR_HTTP_WATCH_H
#include <stdbool.h>
#include <stdint.h>

typedef struct zr_http_watch zr_http_watch_t;

zr_http_watch_t *zr_http_watch_new(void);
void zr_http_watch_destroy(zr_http_watch_t **self_p);
/* Readable when some watched client hung up (put it in the poll set). */
int zr_http_watch_fd(const zr_http_watch_t *self);
/* Watches fd (a connected socket) for the request id; -1 if it cannot. */
int zr_http_watch_add(zr_http_watch_t *self, int fd, uint64_t id);
void zr_http_watch_remove(zr_http_watch_t *self, int fd);
/* Without blocking: the id of a request whose client hung up (closed, reset, or shut its
 * sending side), or false when none did. The caller removes it. */
bool zr_http_watch_next_gone(zr_http_watch_t *self, uint64_t *id);

#endif
