/* zr_pool_jobs: the jobs a role actor has handed to the runner pool, keyed by pool job id,
 * so each RESULT is matched back to its request and the peer that must get the answer. */
#ifndef ZR_POOL_JOBS_H
#define ZR_POOL_JOBS_H
#include <czmq.h>
#include <stdint.h>
#include "runtime/zr_job.h"

typedef struct {
    int64_t gateway_id;
    uint64_t request_id;
    zframe_t *reply_to;   /* ROUTER identity to answer, or NULL (the caller knows where) */
} zr_pool_job_t;

typedef struct zr_pool_jobs zr_pool_jobs_t;

zr_pool_jobs_t *zr_pool_jobs_new(void);
void zr_pool_jobs_destroy(zr_pool_jobs_t **self_p);
/* Sends "RUN" to the pool under a fresh process-wide id and remembers the job
 * (reply_to is copied; it may be NULL). */
void zr_pool_jobs_start(zr_pool_jobs_t *self, zactor_t *pool, int64_t gateway_id,
                        uint64_t request_id, zframe_t *reply_to, const void *source, size_t len);
/* Takes one reply from the pool. Returns its result with request_id set back to the job's,
 * and fills job (the caller destroys job->reply_to); NULL if the reply matches no job here
 * (e.g. a job of a role actor that ran before this one). */
zr_job_result_t *zr_pool_jobs_finish(zr_pool_jobs_t *self, zactor_t *pool, zr_pool_job_t *job);
size_t zr_pool_jobs_running(const zr_pool_jobs_t *self);

#endif
