/* zr_http_request: the state of one HTTP request while the front handles it.
 * Holds the request id, the body as it streams in (bounded), and the owner's answer. */
#ifndef ZR_HTTP_REQUEST_H
#define ZR_HTTP_REQUEST_H
#include <czmq.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct MHD_Connection;

typedef enum {
    ZR_HTTP_RECEIVING,   /* headers seen, body may still be arriving */
    ZR_HTTP_WAITING,     /* job sent to the owner, connection suspended */
    ZR_HTTP_ANSWERED,    /* owner answered, connection resumed, response not yet queued */
    ZR_HTTP_REPLIED,     /* a response is queued */
    ZR_HTTP_GONE,        /* the client hung up while WAITING: the connection is to be closed */
    ZR_HTTP_REFUSED,     /* the door said no from the headers: the body is read and dropped
                            (bounded, as for a 413), then fail_status/fail_reason go out, so
                            the client is reading when the answer comes */
} zr_http_request_state_t;

typedef struct {
    uint64_t id;                    /* unique for the life of the process */
    struct MHD_Connection *connection;
    zr_http_request_state_t state;
    bool want_json;                 /* the client sent Accept: application/json */
    char *body;                     /* NUL-terminated; grows up to the limit */
    size_t body_len;
    size_t body_cap;
    size_t body_limit;
    bool too_large;                 /* more than body_limit bytes arrived */
    uint64_t received;              /* body bytes that arrived, kept or not */
    int64_t deadline_ms;            /* while WAITING: when it gets 504 (0: never) */
    zframe_t *result;               /* the owner's RESULT: an encoded WORK_RESULT */
    int fail_status;                /* set by the owner's FAIL (with fail_reason) */
    char *fail_reason;
    int fd;                         /* while WAITING: its socket, watched for a hang-up (-1: none) */
    char client[64];                /* the client's address (the door's key) */
    bool admitted;                  /* a job holding one of the door's slots until it ends */
} zr_http_request_t;

/* Creates a request with a fresh id. */
zr_http_request_t *zr_http_request_new(struct MHD_Connection *connection, size_t body_limit);
void zr_http_request_destroy(zr_http_request_t **self_p);

/* Appends body bytes; once the total exceeds the limit, keeps nothing more and sets too_large.
 * Returns false when the body is (now) too large. */
bool zr_http_request_append(zr_http_request_t *self, const char *data, size_t size);

/* Stores the owner's answer (takes the WORK_RESULT frame) and moves to ANSWERED. */
void zr_http_request_set_result(zr_http_request_t *self, zframe_t **result_p);
void zr_http_request_set_failure(zr_http_request_t *self, int status, const char *reason);
/* The door refuses it (401, 429, 503): REFUSED with that status and reason. */
void zr_http_request_refuse(zr_http_request_t *self, int status, const char *reason);

#endif
