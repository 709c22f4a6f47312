/* zr_http_front: the HTTP front actor: one thread serves all HTTP with libmicrohttpd (no thread
 * per request) and hands compile-and-run jobs to its owner over the actor pipe.
 *
 * Pipe protocol (zsock pictures):
 *   front -> owner, once at start:  "READY" port(s, decimal)   listening on that port
 *                               or: "ERROR" reason(s)          not listening; send $TERM
 *   front -> owner:  "JOB" id(8) source(b)       one per accepted POST /compileandrun
 *   owner -> front:  "RESULT" ...                zr_job_result_send(); answers job id
 *                    "FAIL" id(8) status(i) reason(s)   answers job id with that HTTP status
 *                    "METRICS" lines(s)          exposition lines appended to /metrics
 *                    "PAGE" path(s) status(i) plain(s) json(s) [plain_type(s)]
 *                                                from now on, GET path answers status with
 *                                                plain (as plain_type, default text/plain), or
 *                                                with json (if not empty) to Accept:
 *                                                application/json (e.g. /cluster; / as text/html)
 *                    "$TERM"                     waiting clients get 503, the actor ends
 * As czmq's zsock_send writes them, '8' and 'i' frames are decimal text (use zsock_recv).
 * Every JOB must be answered by exactly one RESULT or FAIL; answers may come in any order.
 * An answer for a client that has gone is dropped (and counted). */
#ifndef ZR_HTTP_FRONT_H
#define ZR_HTTP_FRONT_H
#include <czmq.h>
#include <stddef.h>
#include <stdint.h>

#define ZR_HTTP_BODY_LIMIT_DEFAULT (1024 * 1024)

typedef struct {
    int port;                   /* 0: any free port (READY tells which) */
    const char *bind_address;   /* IPv4 address; default "0.0.0.0" */
    size_t body_limit;          /* largest accepted job body in bytes; default 1 MiB */
    int connection_timeout_s;   /* idle connections are closed after this; default 60 */
    int job_timeout_ms;         /* a JOB the owner leaves unanswered this long gets 504 and a
                                   late answer is dropped; 0 (default): the owner always answers */
    int node_id;                /* names the front's own log file */
    const char *log_dir;        /* front's log: <log_dir>/node-<id>-http.log; NULL: none */
    const char *summary_log;    /* file served at /logs/summary; NULL: 404 */
    const char *verbose_log;    /* file served at /logs/verbose; NULL: 404 */
} zr_http_front_config_t;

void zr_http_front_config_defaults(zr_http_front_config_t *config);

/* The actor function; args is a zr_http_front_config_t (copied before the actor signals). */
void zr_http_front_actor(zsock_t *pipe, void *args);

/* Starts the actor and waits for READY. On success returns it and sets *port (if port is
 * not NULL); on failure returns NULL and sets *error (malloc'ed, one line; may be NULL). */
zactor_t *zr_http_front_new(const zr_http_front_config_t *config, int *port, char **error);

/* Owner-side helpers for the messages above. */
int zr_http_front_fail(zactor_t *front, uint64_t id, int status, const char *reason);
int zr_http_front_set_metrics(zactor_t *front, const char *lines);
int zr_http_front_set_page(zactor_t *front, const char *path, int status, const char *plain,
                           const char *json);
/* A page with one body of the given Content-Type, whatever the Accept header says (e.g. GET /
 * with "text/html; charset=utf-8"). */
int zr_http_front_set_typed_page(zactor_t *front, const char *path, int status,
                                 const char *content_type, const char *body);

#endif
