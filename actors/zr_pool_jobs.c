/* zr_pool_jobs: a zhashx from pool job id to zr_pool_job_t; ids come from zr_job_ids so role
 * actors that follow each other on one pool never mistake each other's results. */
#include "actors/zr_pool_jobs.h"
#include "actors/zr_job_ids.h"

struct zr_pool_jobs {
    zhash_t *running;
};

static void job_free(void *item)
{
    zr_pool_job_t *job = item;
    zframe_destroy(&job->reply_to);
    free(job);
}

zr_pool_jobs_t *zr_pool_jobs_new(void)
{
    zr_pool_jobs_t *self = calloc(1, sizeof *self);
    self->running = zhash_new();
    return self;
}

void zr_pool_jobs_destroy(zr_pool_jobs_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zhash_destroy(&(*self_p)->running);
    free(*self_p);
    *self_p = NULL;
}

void zr_pool_jobs_start(zr_pool_jobs_t *self, zactor_t *pool, int64_t gateway_id,
                        uint64_t request_id, zframe_t *reply_to, const void *source, size_t len)
{
    zr_pool_job_t *job = calloc(1, sizeof *job);
    *job = (zr_pool_job_t) { gateway_id, request_id, reply_to ? zframe_dup(reply_to) : NULL };
    uint64_t pool_id = zr_job_ids_next();
    char key[24];
    snprintf(key, sizeof key, "%llu", (unsigned long long) pool_id);
    zhash_insert(self->running, key, job);
    zhash_freefn(self->running, key, job_free);
    zsock_send(pool, "s8b", "RUN", pool_id, source, len);
}

zr_job_result_t *zr_pool_jobs_finish(zr_pool_jobs_t *self, zactor_t *pool, zr_pool_job_t *job)
{
    zmsg_t *msg = zmsg_recv(pool);
    zr_job_result_t *result = msg ? zr_job_result_from_msg(msg) : NULL;
    zmsg_destroy(&msg);
    if (!result)
        return NULL;
    char key[24];
    snprintf(key, sizeof key, "%llu", (unsigned long long) result->request_id);
    zr_pool_job_t *found = zhash_lookup(self->running, key);
    if (!found) {
        zr_job_result_destroy(&result);
        return NULL;
    }
    *job = *found;
    found->reply_to = NULL;   /* ownership moves to the caller */
    result->request_id = job->request_id;
    zhash_delete(self->running, key);
    return result;
}

size_t zr_pool_jobs_running(const zr_pool_jobs_t *self)
{
    return zhash_size(self->running);
}
