/* zr_http_server: the libmicrohttpd daemon of the HTTP front and its table of waiting requests.
 * Internal to runtime/zr_http_*.c; everything here runs on the front actor's single thread. */
#ifndef ZR_HTTP_SERVER_H
#define ZR_HTTP_SERVER_H
#include "runtime/http/zr_http_door.h"
#include "runtime/http/zr_http_metrics.h"
#include "runtime/http/zr_http_request.h"
#include "runtime/http/zr_http_tokens.h"
#include "runtime/http/zr_http_watch.h"
#include "proto/zr_work_result_msg.h"
#include "runtime/zr_clock.h"
#include "runtime/zr_log.h"
#include <czmq.h>

typedef struct {
    const char *bind_address;   /* IPv4 address to listen on */
    int port;                   /* 0: any free port */
    size_t body_limit;
    int connection_timeout_s;
    int job_timeout_ms;         /* a job unanswered this long gets 504; 0: wait forever */
    const char *summary_log;    /* may be NULL */
    const char *verbose_log;    /* may be NULL */
    const zr_http_tokens_t *tokens;   /* NULL: jobs need no bearer token */
    zr_http_door_config_t door;       /* connection and job limits */
} zr_http_server_config_t;

/* A read-only page the owner publishes (e.g. the gateway's /cluster). */
typedef struct {
    unsigned status;
    char *plain;                /* the default body */
    char *plain_type;           /* its Content-Type; NULL: text/plain (e.g. text/html for GET /) */
    char *json;                 /* the application/json body; NULL: none */
} zr_http_page_t;

typedef struct zr_http_server {
    zr_http_server_config_t config;  /* strings and tokens borrowed from the front, which outlives us */
    zsock_t *pipe;              /* to the owner: JOB goes out here */
    zr_log_t *log;
    struct MHD_Daemon *daemon;
    int epoll_fd;
    int port;                   /* the port really bound */
    zhashx_t *pending;          /* "<id>" -> zr_http_request_t, connection suspended */
    zr_http_metrics_t *metrics;
    char *owner_metrics;        /* exposition lines the owner supplied, or NULL */
    zhashx_t *pages;            /* path -> zr_http_page_t the owner published */
    zr_clock_t clock;
    int64_t next_expiry_ms;     /* when waiting jobs are next checked against their deadline */
    char last_mhd_error[256];
    int64_t mhd_logged_at;      /* when MHD's log last reached ours */
    uint64_t mhd_repeats;       /* lines left out since, because they repeated the last one */
    zr_http_door_t *door;       /* connections and jobs per client, header deadlines */
    zr_http_watch_t *watch;     /* waiting jobs' sockets, for clients that hang up */
    uint64_t clients_gone;      /* jobs whose client hung up while waiting */
} zr_http_server_t;

/* Starts listening; returns NULL and a malloc'ed one-line *error if it cannot. */
zr_http_server_t *zr_http_server_new(const zr_http_server_config_t *config, zsock_t *pipe,
                                     zr_log_t *log, char **error);
/* Answers every waiting request with 503 and stops the daemon. */
void zr_http_server_destroy(zr_http_server_t **self_p);

/* Poll timeout (ms, -1 for none) before the next zr_http_server_run: MHD's own, or sooner
 * when waiting jobs must be checked against their deadline. */
int zr_http_server_timeout(zr_http_server_t *self);
/* Answers 504 to jobs past their deadline, then lets MHD do whatever its sockets are ready
 * for; never blocks. */
void zr_http_server_run(zr_http_server_t *self);

/* Readable when a waiting job's client hung up: then call zr_http_server_clients_gone, which
 * tells the owner GONE for each such job and closes its connection. */
int zr_http_server_watch_fd(const zr_http_server_t *self);
void zr_http_server_clients_gone(zr_http_server_t *self);

/* Sends the request's body to the owner as JOB, files it as waiting, suspends its connection. */
void zr_http_server_submit(zr_http_server_t *self, zr_http_request_t *request);
/* Forgets a waiting request whose connection MHD is closing. */
void zr_http_server_forget(zr_http_server_t *self, zr_http_request_t *request);
/* The owner's answers: resume the waiting connection (or drop the answer if none waits). */
void zr_http_server_deliver_result(zr_http_server_t *self, zframe_t **frame,
                                   const zr_work_result_msg_t *result);
void zr_http_server_deliver_failure(zr_http_server_t *self, uint64_t id, int status,
                                    const char *reason);
/* Replaces the owner's lines in /metrics (a newline is added if missing). */
void zr_http_server_set_owner_metrics(zr_http_server_t *self, const char *lines);
/* Publishes (or replaces) the page served at GET path; json NULL or empty: plain only.
 * plain_type is the Content-Type of plain; NULL or empty: text/plain. */
void zr_http_server_set_page(zr_http_server_t *self, const char *path, unsigned status,
                             const char *plain, const char *plain_type, const char *json);

#endif
