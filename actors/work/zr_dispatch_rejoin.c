/* zr_dispatch_rejoin: a live worker back as a new incarnation in the dispatch core: its jobs wait,
 * unconfirmed, until the new incarnation says which it still runs; the rest are queued again. */
#include "actors/work/zr_dispatch_internal.h"

int zr_dispatch_rejoin_worker(zr_dispatch_t *self, int64_t worker_id, int64_t now_ms, int64_t wait_ms)
{
    self->now_ms = now_ms;
    zr_dispatch_worker_stats_t *worker = dispatch_worker_find(self, worker_id);
    if (!worker || worker == &self->leader || !worker->alive)
        return -1;
    worker->slots = 0;   /* untold: no new work before the new incarnation's hello */
    int waiting = 0;
    for (job_t *job = zlistx_first(self->order); job; job = zlistx_next(self->order)) {
        if (job->previous == worker_id)
            job->previous = NO_WORKER;   /* timed out there: a late answer now comes from the new one */
        if (job->worker == worker_id) {
            job->unconfirmed = true;
            dispatch_job_set_timer(self, job, now_ms + (wait_ms > 0 ? wait_ms : 0));
            waiting++;
        }
    }
    return waiting;
}

void dispatch_rejoin_confirm(zr_dispatch_t *self, job_t *job, int64_t now_ms)
{
    job->unconfirmed = false;
    self->stats.adopted++;
    if (self->timeout_ms > 0)   /* the job's own timeout runs again, from now */
        dispatch_job_set_timer(self, job, now_ms + self->timeout_ms);
    else if (job->timer_handle) {   /* no timeouts: only the rejoin's deadline was set */
        zlistx_detach(self->timers, job->timer_handle);
        job->timer_handle = NULL;
    }
}

size_t zr_dispatch_rejoin_answered(zr_dispatch_t *self, int64_t worker_id, uint64_t epoch, int64_t now_ms)
{
    self->now_ms = now_ms;
    if (epoch != self->epoch)
        return 0;
    size_t requeued = 0;
    job_t *job = zlistx_first(self->order);
    while (job) {
        job_t *next = zlistx_next(self->order);
        if (job->worker == worker_id && job->unconfirmed) {
            if (job->source) {
                dispatch_job_requeue(self, job, now_ms);
                requeued++;
            } else
                dispatch_job_drop(self, job);   /* adopted, never re-sent: a re-send will queue it anew */
        }
        job = next;
    }
    self->stats.reassigned_failover += requeued;
    return requeued;
}
