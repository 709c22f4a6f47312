/* zr_dispatch_recovery: a new leader's recovery in the dispatch core: whom to ask, the
 * deadline, and what each answer's entries do to the job table. */
#include "actors/work/zr_dispatch_internal.h"

static void recovery_end(zr_dispatch_t *self, int64_t now_ms)
{
    dispatch_recovery_t *recovery = &self->recovery;
    recovery->active = false;
    self->stats.recovery_late += recovery->waiting.count;
    recovery->waiting.count = 0;
    self->stats.recovery_ms = now_ms - recovery->started_at;
}

void zr_dispatch_recovery_begin(zr_dispatch_t *self, int64_t now_ms, int64_t wait_ms, int64_t reask_ms)
{
    dispatch_recovery_t *recovery = &self->recovery;
    *recovery = (dispatch_recovery_t) { .active = true, .started_at = now_ms, .deadline = now_ms + wait_ms,
                                        .reask_ms = reask_ms > 0 ? reask_ms : 1, .next_ask = now_ms };
    zr_id_set_add(&recovery->waiting, self->self_id);
    for (size_t i = 0; i < self->worker_total; i++)
        if (self->workers[i].alive)
            zr_id_set_add(&recovery->waiting, self->workers[i].id);
    self->stats.recovery_ms = -1;
}

bool zr_dispatch_recovering(const zr_dispatch_t *self)
{
    return self->recovery.active;
}

size_t zr_dispatch_recovery_due(zr_dispatch_t *self, int64_t now_ms, int64_t *ids, size_t cap)
{
    dispatch_recovery_t *recovery = &self->recovery;
    if (!recovery->active || now_ms < recovery->next_ask)
        return 0;
    size_t count = 0;
    for (size_t i = 0; i < recovery->waiting.count && count < cap; i++)
        ids[count++] = recovery->waiting.ids[i];
    recovery->next_ask = now_ms + recovery->reask_ms;
    return count;
}

zr_dispatch_verdict_t zr_dispatch_recovered_result(zr_dispatch_t *self, int64_t worker_id, uint64_t epoch,
                                                   int64_t gateway_id, uint64_t request_id,
                                                   const void *result, size_t len)
{
    (void) worker_id;
    if (epoch != self->epoch) {
        self->stats.verdicts[ZR_DISPATCH_STALE_EPOCH]++;
        return ZR_DISPATCH_STALE_EPOCH;
    }
    zr_dispatch_verdict_t verdict = zr_dispatch_adopt_completed(self, gateway_id, request_id, result, len);
    self->stats.recovered_results += verdict != ZR_DISPATCH_DUPLICATE;
    return verdict;
}

/* The job, known or new, now waits for worker's result. */
static void adopt(zr_dispatch_t *self, job_t *job, zr_dispatch_worker_stats_t *worker, int64_t now_ms)
{
    job->adopted = true;
    job->queued_at = now_ms;   /* the timeout runs from here */
    dispatch_job_assign(self, job, worker);
    self->stats.adopted++;
}

zr_dispatch_verdict_t zr_dispatch_recovered_running(zr_dispatch_t *self, int64_t worker_id, uint64_t epoch,
                                                    int64_t gateway_id, uint64_t request_id, int64_t now_ms)
{
    zr_job_key_t key = { gateway_id, request_id };
    zr_dispatch_worker_stats_t *worker = dispatch_worker_find(self, worker_id);
    job_t *job = zhashx_lookup(self->jobs, &key);
    zr_dispatch_verdict_t verdict = ZR_DISPATCH_ADOPTED;
    if (epoch != self->epoch)
        verdict = ZR_DISPATCH_STALE_EPOCH;
    else if (!worker || !worker->alive)
        verdict = ZR_DISPATCH_FAILED_WORKER;
    else if (zr_result_cache_contains(self->done, key))
        verdict = ZR_DISPATCH_DUPLICATE;
    else if (job && job->unconfirmed && job->worker == worker_id)
        dispatch_rejoin_confirm(self, job, now_ms);   /* its worker's new incarnation still runs it */
    else if (job && job->worker != NO_WORKER)
        verdict = ZR_DISPATCH_IN_FLIGHT;   /* assigned already (recovery ended without this answer) */
    else
        adopt(self, job ? job : dispatch_job_new(self, key, NULL, 0), worker, now_ms);
    self->stats.verdicts[verdict]++;
    return verdict;
}

bool zr_dispatch_recovery_answered(zr_dispatch_t *self, int64_t worker_id, uint64_t epoch, int64_t now_ms)
{
    dispatch_recovery_t *recovery = &self->recovery;
    if (epoch != self->epoch || !recovery->active || !zr_id_set_remove(&recovery->waiting, worker_id))
        return false;
    if (recovery->waiting.count == 0)
        recovery_end(self, now_ms);
    return true;
}

void dispatch_recovery_forget(zr_dispatch_t *self, int64_t worker_id, int64_t now_ms)
{
    dispatch_recovery_t *recovery = &self->recovery;
    if (recovery->active && zr_id_set_remove(&recovery->waiting, worker_id) && recovery->waiting.count == 0)
        recovery_end(self, now_ms);
}

int64_t dispatch_recovery_deadline(const zr_dispatch_t *self)
{
    const dispatch_recovery_t *recovery = &self->recovery;
    if (!recovery->active)
        return -1;
    return recovery->next_ask < recovery->deadline ? recovery->next_ask : recovery->deadline;
}

void dispatch_recovery_tick(zr_dispatch_t *self, int64_t now_ms)
{
    if (self->recovery.active && now_ms >= self->recovery.deadline)
        recovery_end(self, now_ms);
}
