/* zr_job_status: how a compile-and-run job ended, as WORK_RESULT carries it on the wire, and the
 * HTTP status each outcome maps to. Shared by the runner, the actors and the HTTP front. */
#ifndef ZR_JOB_STATUS_H
#define ZR_JOB_STATUS_H

typedef enum {
    ZR_JOB_OK = 0,            /* 200: body is what run() returned ("null" for null) */
    ZR_JOB_COMPILE_ERROR = 1, /* 400: "Code did not compile:..." or no class name */
    ZR_JOB_RUNTIME_ERROR = 2, /* 400: getMessage() + "\n" + stack trace */
    ZR_JOB_LIMIT = 3,         /* 400: first line names the limit that was hit */
    ZR_JOB_INTERNAL = 4,      /* 500: the service, not the code, failed */
} zr_job_status_t;

/* "OK", "COMPILE_ERROR", "RUNTIME_ERROR", "LIMIT", "INTERNAL" (INTERNAL out of range). */
const char *zr_job_status_name(zr_job_status_t status);
/* 200 for OK, 500 for INTERNAL, 400 for the others. */
int zr_job_status_http(zr_job_status_t status);

#endif
