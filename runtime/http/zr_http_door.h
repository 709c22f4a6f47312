/* zr_http_door: the public door's bookkeeping: open connections and jobs in flight per client
 * address, the bound on jobs held, and the deadline by which a connection must send its headers.
 * Pure: no sockets, no clock (now_ms comes from the caller), no libmicrohttpd. */
#ifndef ZR_HTTP_DOOR_H
#define ZR_HTTP_DOOR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int max_pending;                 /* jobs admitted at once (all clients); then 503 */
    int max_in_flight_per_client;    /* jobs admitted at once per client address; then 429 */
    int max_connections_per_client;  /* open connections per client address; then refused */
    int header_timeout_ms;           /* from connecting, or from its last answer, to the next headers */
    int retry_after_s;               /* the Retry-After of 429 and 503 */
} zr_http_door_config_t;

/* The defaults of the README's configuration table (32, 64, 1024, 5000 ms, 1 s). */
void zr_http_door_config_defaults(zr_http_door_config_t *config);

typedef enum {
    ZR_DOOR_ADMIT = 0,
    ZR_DOOR_CLIENT_BUSY,   /* the client has max_in_flight_per_client jobs in flight: 429 */
    ZR_DOOR_FULL,          /* max_pending jobs are held: 503 */
} zr_door_verdict_t;

typedef struct {
    uint64_t refused_connections;    /* over max_connections_per_client */
    uint64_t cut_slow_headers;       /* no headers within header_timeout_ms */
    uint64_t refused_busy, refused_full;
    size_t connections, in_flight, clients;
} zr_http_door_stats_t;

typedef struct zr_http_door zr_http_door_t;
typedef struct zr_door_conn zr_door_conn_t;
#define ZR_DOOR_CLIENT_MAX 64   /* a client key (an IP address as text) is shorter */

zr_http_door_t *zr_http_door_new(const zr_http_door_config_t *config);
/* Every connection must have been disconnected first. */
void zr_http_door_destroy(zr_http_door_t **self_p);
const zr_http_door_config_t *zr_http_door_config(const zr_http_door_t *self);

/* ---- connections ---- */
/* May one more connection from client be accepted? (A refusal is counted.) */
bool zr_http_door_may_connect(zr_http_door_t *self, const char *client);
/* A connection from client opened at now_ms; it must send its headers by the deadline. user is
 * the caller's (e.g. its connection), returned by zr_door_conn_user. */
zr_door_conn_t *zr_http_door_connected(zr_http_door_t *self, const char *client, void *user,
                                       int64_t now_ms);
void zr_http_door_headers_done(zr_http_door_t *self, zr_door_conn_t *conn);
/* A request on conn was answered: the connection may send another request's headers, within
 * header_timeout_ms from now_ms. */
void zr_http_door_request_done(zr_http_door_t *self, zr_door_conn_t *conn, int64_t now_ms);
void zr_http_door_disconnected(zr_http_door_t *self, zr_door_conn_t **conn_p);
const char *zr_door_conn_client(const zr_door_conn_t *conn);
void *zr_door_conn_user(const zr_door_conn_t *conn);

/* When the next connection becomes overdue (ms), or -1 when none waits for headers. */
int64_t zr_http_door_next_deadline(const zr_http_door_t *self);
/* The next connection overdue at now_ms (counted, and not returned again), or NULL. The caller
 * closes it; it stays open in the door's books until zr_http_door_disconnected. */
zr_door_conn_t *zr_http_door_next_overdue(zr_http_door_t *self, int64_t now_ms);

/* ---- jobs ---- */
/* A job from client: ADMIT (it holds a slot until zr_http_door_release), or why not. */
zr_door_verdict_t zr_http_door_admit(zr_http_door_t *self, const char *client);
void zr_http_door_release(zr_http_door_t *self, const char *client);

void zr_http_door_stats(const zr_http_door_t *self, zr_http_door_stats_t *out);

#endif
