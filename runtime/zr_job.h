/* zr_job: a compile-and-run job's result, and how it crosses an actor pipe.
 * Shared by the runner pool (which produces results) and the HTTP front (which answers). */
#ifndef ZR_JOB_H
#define ZR_JOB_H
#include <czmq.h>
#include <stdint.h>

typedef enum {
    ZR_JOB_OK = 0,            /* 200: body is what run() returned ("null" for null) */
    ZR_JOB_COMPILE_ERROR = 1, /* 400: "Code did not compile:..." or no class name */
    ZR_JOB_RUNTIME_ERROR = 2, /* 400: getMessage() + "\n" + stack trace */
    ZR_JOB_LIMIT = 3,         /* 400: first line names the limit that was hit */
    ZR_JOB_INTERNAL = 4,      /* 500/503: the service, not the code, failed */
} zr_job_status_t;

typedef struct {
    uint64_t request_id;
    zr_job_status_t status;
    int http_status;
    char *body;   size_t body_len;   /* NUL-terminated too, for convenience */
    char *out;    size_t out_len;    /* what the job printed to System.out */
    char *err;    size_t err_len;    /* what the job printed to System.err */
    uint32_t compile_ms;
    uint32_t run_ms;
    int worker_id;                   /* node that executed it; 0 in standalone mode */
} zr_job_result_t;

/* "OK", "COMPILE_ERROR", "RUNTIME_ERROR", "LIMIT", "INTERNAL". */
const char *zr_job_status_name(zr_job_status_t status);
int zr_job_http_status(zr_job_status_t status);

/* Builds a result that owns copies of the given texts (stdout/stderr empty). */
zr_job_result_t *zr_job_result_new(uint64_t request_id, zr_job_status_t status,
                                   const char *body, size_t body_len);
void zr_job_result_set_output(zr_job_result_t *self, const char *out, size_t out_len,
                              const char *err, size_t err_len);
void zr_job_result_destroy(zr_job_result_t **self_p);

/* Sends "RESULT" followed by the result's frames to a zsock or zactor; returns 0 or -1. */
int zr_job_result_send(void *dest, const zr_job_result_t *result);
/* Decodes the frames after "RESULT" (msg positioned after the command frame).
 * Returns NULL if the frames are missing or malformed. Does not destroy msg. */
zr_job_result_t *zr_job_result_from_msg(zmsg_t *msg);

#endif
