/* zr_dispatch: jobs live in a zlistx in submission order (owner) and a zhashx by job key; a
 * queue and a timer list (by timeout) hold the same jobs; workers are a plain array. */
#include "actors/work/zr_dispatch_internal.h"

static void job_free(void **item_p)
{
    job_t *job = *item_p;
    if (job) {
        free(job->source);
        free(job);
        *item_p = NULL;
    }
}

static int job_compare_timeout_at(const void *a, const void *b)
{
    const job_t *left = a, *right = b;
    return (left->timeout_at > right->timeout_at) - (left->timeout_at < right->timeout_at);
}

zr_dispatch_t *zr_dispatch_new(int64_t self_id, uint64_t epoch)
{
    zr_dispatch_t *self = zmalloc(sizeof *self);
    self->self_id = self_id;
    self->epoch = epoch;
    self->leader = (zr_dispatch_worker_stats_t) { .id = self_id, .alive = true };
    self->jobs = zr_job_key_hashx_new();
    self->order = zlistx_new();
    zlistx_set_destructor(self->order, job_free);
    self->queue = zlistx_new();
    self->timers = zlistx_new();
    zlistx_set_comparator(self->timers, job_compare_timeout_at);
    self->done = zr_result_cache_new(ZR_DISPATCH_DEFAULT_RESULTS, ZR_DISPATCH_DEFAULT_RESULT_BYTES);
    return self;
}

void zr_dispatch_destroy(zr_dispatch_t **self_p)
{
    zr_dispatch_t *self = *self_p;
    if (!self)
        return;
    zlistx_destroy(&self->timers);
    zlistx_destroy(&self->queue);
    zhashx_destroy(&self->jobs);
    zlistx_destroy(&self->order);
    zr_result_cache_destroy(&self->done);
    free(self->workers);
    free(self);
    *self_p = NULL;
}

void zr_dispatch_set_timeout(zr_dispatch_t *self, int64_t timeout_ms)
{
    self->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
}

void zr_dispatch_set_cache_limits(zr_dispatch_t *self, size_t max_results, size_t max_bytes)
{
    zr_result_cache_set_limits(self->done, max_results, max_bytes);
}

/* ---- workers ---- */

zr_dispatch_worker_stats_t *dispatch_worker_find(const zr_dispatch_t *self, int64_t id)
{
    if (id == self->self_id)
        return (zr_dispatch_worker_stats_t *) &self->leader;
    for (size_t i = 0; i < self->worker_total; i++)
        if (self->workers[i].id == id)
            return &self->workers[i];
    return NULL;
}

static bool any_told(const zr_dispatch_t *self)
{
    for (size_t i = 0; i < self->worker_total; i++)
        if (self->workers[i].alive && self->workers[i].slots > 0)
            return true;
    return false;
}

/* A told worker while it has a free slot; an untold one only while nobody has told. */
static bool has_free_slot(const zr_dispatch_worker_stats_t *worker, bool told)
{
    return worker->alive && (worker->slots > 0 ? worker->in_flight < worker->slots : !told);
}

/* The next eligible worker with a free slot after the previous pick; the leader itself if no
 * worker is left; NULL if every eligible one is full. */
static zr_dispatch_worker_stats_t *worker_next(zr_dispatch_t *self)
{
    if (self->worker_alive == 0)
        return &self->leader;
    bool told = any_told(self);
    for (size_t step = 0; step < self->worker_total; step++) {
        size_t index = (self->cursor + step) % self->worker_total;
        zr_dispatch_worker_stats_t *worker = &self->workers[index];
        if (has_free_slot(worker, told)) {
            self->cursor = (index + 1) % self->worker_total;
            return worker;
        }
    }
    return NULL;
}

size_t zr_dispatch_untold(const zr_dispatch_t *self, int64_t *ids, size_t cap)
{
    size_t count = 0;
    for (size_t i = 0; i < self->worker_total && count < cap; i++)
        if (self->workers[i].alive && self->workers[i].slots == 0)
            ids[count++] = self->workers[i].id;
    return count;
}

bool zr_dispatch_set_slots(zr_dispatch_t *self, int64_t worker_id, unsigned slots)
{
    zr_dispatch_worker_stats_t *worker = worker_id < 0 ? NULL : dispatch_worker_find(self, worker_id);
    if (worker)
        worker->slots = slots;
    return worker != NULL;
}

bool zr_dispatch_add_worker(zr_dispatch_t *self, int64_t worker_id)
{
    zr_dispatch_worker_stats_t *known = worker_id < 0 ? NULL : dispatch_worker_find(self, worker_id);
    if (known && known != &self->leader && !known->alive) {   /* a new incarnation of it */
        known->alive = true;
        known->slots = 0;   /* untold until the new incarnation says hello */
        self->worker_alive++;
        return true;
    }
    if (worker_id < 0 || known)
        return false;
    zr_dispatch_worker_stats_t *grown =
        realloc(self->workers, (self->worker_total + 1) * sizeof *grown);
    if (!grown)
        return false;
    self->workers = grown;
    self->workers[self->worker_total++] =
        (zr_dispatch_worker_stats_t) { .id = worker_id, .alive = true };
    self->worker_alive++;
    return true;
}

size_t zr_dispatch_worker_count(const zr_dispatch_t *self)
{
    return self->worker_alive;
}

/* ---- the job table ---- */

static void job_enqueue(zr_dispatch_t *self, job_t *job, int64_t now_ms)
{
    job->queued_at = now_ms;
    job->queue_handle = zlistx_add_end(self->queue, job);
}

/* Takes the job away from its assignee (if any) and stops its timer. */
static void job_unassign(zr_dispatch_t *self, job_t *job)
{
    if (job->worker != NO_WORKER)
        dispatch_worker_find(self, job->worker)->in_flight--;
    job->worker = NO_WORKER;
    job->unconfirmed = false;
    if (job->timer_handle)
        zlistx_detach(self->timers, job->timer_handle);
    job->timer_handle = NULL;
}

void dispatch_job_requeue(zr_dispatch_t *self, job_t *job, int64_t now_ms)
{
    job_unassign(self, job);
    job_enqueue(self, job, now_ms);
}

void dispatch_job_assign(zr_dispatch_t *self, job_t *job, zr_dispatch_worker_stats_t *worker)
{
    if (job->queue_handle)
        zlistx_detach(self->queue, job->queue_handle);
    job->queue_handle = NULL;
    job->worker = worker->id;
    worker->in_flight++;
    if (!job->adopted) {
        job->attempt++;
        worker->assigned++;
        self->stats.assigned++;
    }
    if (self->timeout_ms > 0) {
        uint32_t doublings = job->timeouts < MAX_TIMEOUT_DOUBLINGS ? job->timeouts : MAX_TIMEOUT_DOUBLINGS;
        int64_t since = job->queued_at > self->now_ms ? job->queued_at : self->now_ms;   /* it may have waited for a slot */
        dispatch_job_set_timer(self, job, since + (self->timeout_ms << doublings));
    }
}

void dispatch_job_set_timer(zr_dispatch_t *self, job_t *job, int64_t at_ms)
{
    if (job->timer_handle)
        zlistx_detach(self->timers, job->timer_handle);
    job->timeout_at = at_ms;
    job->timer_handle = zlistx_insert(self->timers, job, false);
}

/* Out of every list and the table; the order list frees it. */
void dispatch_job_drop(zr_dispatch_t *self, job_t *job)
{
    job_unassign(self, job);
    if (job->queue_handle)
        zlistx_detach(self->queue, job->queue_handle);
    zhashx_delete(self->jobs, &job->key);
    zlistx_delete(self->order, job->order_handle);
}

void dispatch_job_finish(zr_dispatch_t *self, job_t *job, int64_t by, const void *result, size_t len)
{
    if (by != NO_WORKER)
        dispatch_worker_find(self, by)->completed++;
    zr_result_cache_put(self->done, job->key, result, len);
    dispatch_job_drop(self, job);
}

job_t *dispatch_job_new(zr_dispatch_t *self, zr_job_key_t key, const void *source, size_t len)
{
    job_t *job = zmalloc(sizeof *job);
    *job = (job_t) { .key = key, .worker = NO_WORKER, .previous = NO_WORKER, .adopted = source == NULL };
    if (source) {
        job->source = zmalloc(len ? len : 1);
        job->source_len = len;
        if (len)
            memcpy(job->source, source, len);
    }
    job->order_handle = zlistx_add_end(self->order, job);
    zhashx_insert(self->jobs, &job->key, job);
    return job;
}

int zr_dispatch_remove_worker(zr_dispatch_t *self, int64_t worker_id, int64_t now_ms)
{
    self->now_ms = now_ms;
    zr_dispatch_worker_stats_t *worker = dispatch_worker_find(self, worker_id);
    if (!worker || worker == &self->leader || !worker->alive)
        return -1;
    worker->alive = false;
    self->worker_alive--;
    dispatch_recovery_forget(self, worker_id, now_ms);
    int requeued = 0;
    job_t *job = zlistx_first(self->order);
    while (job) {
        job_t *next = zlistx_next(self->order);
        if (job->previous == worker_id)
            job->previous = NO_WORKER;
        if (job->worker == worker_id && !job->source)
            dispatch_job_drop(self, job);   /* adopted, never re-sent: a re-send will queue it anew */
        else if (job->worker == worker_id) {
            dispatch_job_requeue(self, job, now_ms);
            requeued++;
        }
        job = next;
    }
    self->stats.reassigned_failover += requeued;
    return requeued;
}

/* A re-sent request for a job adopted from a worker's recovery answer: it gets its source,
 * so it can be reassigned if that worker dies. */
static void give_source(job_t *job, const void *source, size_t len)
{
    job->source = zmalloc(len ? len : 1);
    job->source_len = len;
    if (len)
        memcpy(job->source, source, len);
}

zr_dispatch_verdict_t zr_dispatch_submit(zr_dispatch_t *self, int64_t gateway_id,
                                         uint64_t request_id, const void *source, size_t len,
                                         int64_t now_ms)
{
    self->now_ms = now_ms;
    zr_job_key_t key = { gateway_id, request_id };
    zr_dispatch_verdict_t verdict = ZR_DISPATCH_QUEUED;
    job_t *job = zhashx_lookup(self->jobs, &key);
    if (zr_result_cache_contains(self->done, key))
        verdict = ZR_DISPATCH_DONE;
    else if (job) {
        verdict = ZR_DISPATCH_IN_FLIGHT;
        if (!job->source)
            give_source(job, source, len);
    } else
        job_enqueue(self, dispatch_job_new(self, key, source ? source : "", len), now_ms);
    self->stats.verdicts[verdict]++;
    return verdict;
}

bool zr_dispatch_next_assignment(zr_dispatch_t *self, zr_dispatch_assignment_t *out)
{
    job_t *job = self->recovery.active ? NULL : zlistx_first(self->queue);
    zr_dispatch_worker_stats_t *worker = job ? worker_next(self) : NULL;
    if (!worker)
        return false;
    dispatch_job_assign(self, job, worker);
    *out = (zr_dispatch_assignment_t) {
        .gateway_id = job->key.gateway_id, .request_id = job->key.request_id,
        .worker_id = job->worker, .leader_id = self->self_id, .epoch = self->epoch,
        .source = job->source, .source_len = job->source_len, .attempt = job->attempt,
    };
    return true;
}

/* Decides whether a result may complete its job; *job_p is set when it is in flight. */
static zr_dispatch_verdict_t judge_result(zr_dispatch_t *self, zr_job_key_t key,
                                          int64_t worker_id, uint64_t epoch, job_t **job_p)
{
    if (epoch != self->epoch)
        return ZR_DISPATCH_STALE_EPOCH;
    const zr_dispatch_worker_stats_t *worker = dispatch_worker_find(self, worker_id);
    if (worker && !worker->alive)
        return ZR_DISPATCH_FAILED_WORKER;
    job_t *job = *job_p = zhashx_lookup(self->jobs, &key);
    if (!job)
        return zr_result_cache_contains(self->done, key) ? ZR_DISPATCH_DUPLICATE
                                                         : ZR_DISPATCH_UNKNOWN;
    if (!worker || (worker_id != job->worker && worker_id != job->previous))
        return ZR_DISPATCH_WRONG_WORKER;
    return ZR_DISPATCH_ACCEPTED;
}

zr_dispatch_verdict_t zr_dispatch_complete(zr_dispatch_t *self, int64_t gateway_id,
                                           uint64_t request_id, int64_t worker_id,
                                           uint64_t epoch, const void *result, size_t len)
{
    zr_job_key_t key = { gateway_id, request_id };
    job_t *job = NULL;
    zr_dispatch_verdict_t verdict = judge_result(self, key, worker_id, epoch, &job);
    if (verdict == ZR_DISPATCH_ACCEPTED)
        dispatch_job_finish(self, job, worker_id, result, len);
    self->stats.verdicts[verdict]++;
    return verdict;
}

zr_dispatch_verdict_t zr_dispatch_adopt_completed(zr_dispatch_t *self, int64_t gateway_id,
                                                  uint64_t request_id, const void *result,
                                                  size_t len)
{
    zr_job_key_t key = { gateway_id, request_id };
    job_t *job = zhashx_lookup(self->jobs, &key);
    zr_dispatch_verdict_t verdict = ZR_DISPATCH_STORED;
    if (zr_result_cache_contains(self->done, key))
        verdict = ZR_DISPATCH_DUPLICATE;
    else if (job) {
        dispatch_job_finish(self, job, NO_WORKER, result, len);
        verdict = ZR_DISPATCH_ACCEPTED;
    }
    else
        zr_result_cache_put(self->done, key, result, len);
    self->stats.verdicts[verdict]++;
    return verdict;
}

const uint8_t *zr_dispatch_cached_result(zr_dispatch_t *self, int64_t gateway_id,
                                         uint64_t request_id, size_t *len)
{
    return zr_result_cache_get(self->done, (zr_job_key_t) { gateway_id, request_id }, len);
}

/* ---- timeouts ---- */

int64_t zr_dispatch_next_deadline(const zr_dispatch_t *self)
{
    const job_t *job = zlistx_head(self->timers);
    int64_t timer = job ? job->timeout_at : -1;
    int64_t recovery = dispatch_recovery_deadline(self);
    return timer < 0 || (recovery >= 0 && recovery < timer) ? recovery : timer;
}

size_t zr_dispatch_tick(zr_dispatch_t *self, int64_t now_ms)
{
    self->now_ms = now_ms;
    dispatch_recovery_tick(self, now_ms);
    size_t requeued = 0, requeued_unconfirmed = 0;
    job_t *job;
    while ((job = zlistx_head(self->timers)) && job->timeout_at <= now_ms) {
        if (!job->source) {   /* adopted, and its gateway never asked again: it has its answer */
            dispatch_job_drop(self, job);
            continue;
        }
        if (job->unconfirmed) {   /* its worker's new incarnation never said: as if it had failed */
            job->previous = job->worker;   /* should it answer after all, first answer wins */
            dispatch_job_requeue(self, job, now_ms);
            self->stats.reassigned_failover++;
            requeued_unconfirmed++;
            continue;
        }
        job->previous = job->worker;
        job->timeouts++;
        dispatch_job_requeue(self, job, now_ms);
        requeued++;
    }
    self->stats.reassigned_timeout += requeued;
    return requeued + requeued_unconfirmed;
}

/* ---- figures ---- */

bool zr_dispatch_worker_stats(const zr_dispatch_t *self, int64_t worker_id,
                              zr_dispatch_worker_stats_t *out)
{
    const zr_dispatch_worker_stats_t *worker = dispatch_worker_find(self, worker_id);
    if (worker)
        *out = *worker;
    return worker != NULL;
}

bool zr_dispatch_worker_stats_at(const zr_dispatch_t *self, size_t index,
                                 zr_dispatch_worker_stats_t *out)
{
    if (index > self->worker_total)
        return false;
    *out = index == 0 ? self->leader : self->workers[index - 1];
    return true;
}

void zr_dispatch_stats(const zr_dispatch_t *self, zr_dispatch_stats_t *out)
{
    *out = self->stats;
    out->queued = zlistx_size(self->queue);
    out->in_flight = zlistx_size(self->order);
}

void zr_dispatch_cache_stats(const zr_dispatch_t *self, zr_result_cache_stats_t *out)
{
    zr_result_cache_stats(self->done, out);
}

const char *zr_dispatch_verdict_name(zr_dispatch_verdict_t verdict)
{
    static const char *const names[ZR_DISPATCH_VERDICTS] = {
        "QUEUED", "IN_FLIGHT", "DONE", "ACCEPTED", "STORED", "DUPLICATE", "UNKNOWN",
        "WRONG_WORKER", "FAILED_WORKER", "STALE_EPOCH", "ADOPTED",
    };
    return verdict < ZR_DISPATCH_VERDICTS ? names[verdict] : "?";
}
