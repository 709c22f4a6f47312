/* zr_http_guard: libmicrohttpd's side of the public door (zr_http_door): the accept policy, the
 * connection notifications, cutting connections whose headers are overdue, the file limit. */
#ifndef ZR_HTTP_GUARD_H
#define ZR_HTTP_GUARD_H
#include <microhttpd.h>
#include <stdio.h>
#include "runtime/http/zr_http_door.h"

struct zr_http_server;

/* Raises the process's open-file limit to its hard limit; returns how many connections the
 * front may hold at once (the limit, less a reserve for everything else the process opens). */
unsigned zr_http_guard_raise_file_limit(void);

/* "127.0.0.1", "::1": the client key of an address (at most ZR_DOOR_CLIENT_MAX - 1 characters). */
void zr_http_guard_client_key(const struct sockaddr *address, char out[ZR_DOOR_CLIENT_MAX]);

/* MHD_AcceptPolicyCallback (cls: the server): refuses a client at its connection limit. */
enum MHD_Result zr_http_guard_accept(void *cls, const struct sockaddr *address, socklen_t length);
/* MHD_NotifyConnectionCallback (cls: the server): opens and closes the door's books. */
void zr_http_guard_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
                          enum MHD_ConnectionNotificationCode code);
/* The door's record of a connection (NULL if it has none). */
zr_door_conn_t *zr_http_guard_conn(struct MHD_Connection *connection);

/* Shuts the sockets of connections whose headers are overdue (libmicrohttpd then reads their
 * end and closes them). */
void zr_http_guard_cut_overdue(struct zr_http_server *server, int64_t now_ms);

/* The door's figures as exposition lines. */
void zr_http_guard_metrics(const struct zr_http_server *server, FILE *out);

#endif
