/* zr_http_front: the HTTP front actor: one thread serves all HTTP with libmicrohttpd (no thread
 * per request) and hands compile-and-run jobs to its owner over the actor pipe (zr_inproc.h). */
#ifndef ZR_HTTP_FRONT_H
#define ZR_HTTP_FRONT_H
#include <czmq.h>
#include <stddef.h>
#include <stdint.h>
#include "runtime/zr_config.h"
#include "runtime/zr_inproc.h"
#include "runtime/http/zr_http_door.h"

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
    const char *pages_endpoint; /* binds a PULL there: PAGE and METRICS from any actor of the
                                   process (zr_inproc_pages_connect); NULL: the pipe only */
    const char *tokens_file;    /* jobs need Authorization: Bearer <a token of it>; NULL: no */
    zr_http_door_config_t door; /* per-client and total limits (zr_http_door_config_defaults) */
} zr_http_front_config_t;

void zr_http_front_config_defaults(zr_http_front_config_t *config);

/* The front of node_id in a cluster file: its address and HTTP port, the body limit, its logs
 * (summary and verbose paths are written into paths, which must outlive the config), the door's
 * limits, and for the gateway the tokens file. */
typedef struct {
    char summary[600], verbose[600];
} zr_http_front_paths_t;
void zr_http_front_config_from_cluster(zr_http_front_config_t *config, zr_http_front_paths_t *paths,
                                       const zr_config_t *cluster, int node_id);

/* Starts the front of node_id in a cluster file (as zr_http_front_config_from_cluster says);
 * NULL with "cannot serve HTTP on <address>:<port>: <reason>" in err. */
zactor_t *zr_http_front_for_node(const zr_config_t *cluster, int node_id, char *err, size_t err_size);
/* The same for a process's actors: the front also takes pages from the env's pages endpoint. */
zactor_t *zr_http_front_for_env(const zr_env_t *env, char *err, size_t err_size);

/* The actor function; args is a zr_http_front_config_t (copied before the actor signals). */
void zr_http_front_actor(zsock_t *pipe, void *args);

/* Starts the actor and waits for READY. On success returns it and sets *port (if port is
 * not NULL); on failure returns NULL and sets *error (malloc'ed, one line; may be NULL). */
zactor_t *zr_http_front_new(const zr_http_front_config_t *config, int *port, char **error);

#endif
