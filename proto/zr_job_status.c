/* zr_job_status: names and HTTP statuses of job outcomes.
 * The numbering is the wire's (PROTOCOL.md, WORK_RESULT status byte). */
#include "proto/zr_job_status.h"

const char *zr_job_status_name(zr_job_status_t status)
{
    static const char *const names[] = { "OK", "COMPILE_ERROR", "RUNTIME_ERROR", "LIMIT", "INTERNAL" };
    return (unsigned) status <= ZR_JOB_INTERNAL ? names[status] : "INTERNAL";
}

int zr_job_status_http(zr_job_status_t status)
{
    return status == ZR_JOB_OK ? 200 : status == ZR_JOB_INTERNAL ? 500 : 400;
}
