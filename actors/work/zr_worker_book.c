/* zr_worker_book: running jobs in a zhashx by job key (their stamps); held results in a bounded
 * result cache (oldest first), whose evictions and refusals are the book's drops. */
#include "actors/work/zr_worker_book.h"
#include "actors/work/zr_result_cache.h"

struct _zr_worker_book_t {
    zhashx_t *running;            /* job key -> zr_worker_stamp_t (owned) */
    zr_result_cache_t *held;
    zr_worker_book_stats_t stats;
};

static void stamp_free(void **item)
{
    free(*item);
    *item = NULL;
}

zr_worker_book_t *zr_worker_book_new(size_t max_held, size_t max_held_bytes)
{
    zr_worker_book_t *self = zmalloc(sizeof *self);
    self->running = zr_job_key_hashx_new();
    zhashx_set_destructor(self->running, stamp_free);
    self->held = zr_result_cache_new(max_held, max_held_bytes);
    return self;
}

void zr_worker_book_destroy(zr_worker_book_t **self_p)
{
    zr_worker_book_t *self = *self_p;
    if (!self)
        return;
    zhashx_destroy(&self->running);
    zr_result_cache_destroy(&self->held);
    free(self);
    *self_p = NULL;
}

zr_worker_start_t zr_worker_book_start(zr_worker_book_t *self, zr_job_key_t key, zr_worker_stamp_t stamp)
{
    if (zr_result_cache_contains(self->held, key)) {
        self->stats.answered_held++;
        return ZR_WORKER_START_HELD;
    }
    zr_worker_stamp_t *running = zhashx_lookup(self->running, &key);
    if (running) {
        if (stamp.epoch > running->epoch)
            *running = stamp;
        self->stats.joined++;
        return ZR_WORKER_START_RUNNING;
    }
    running = zmalloc(sizeof *running);
    *running = stamp;
    zhashx_insert(self->running, &key, running);   /* the hashx copies the key */
    self->stats.started++;
    return ZR_WORKER_START_RUN;
}

const uint8_t *zr_worker_book_held(zr_worker_book_t *self, zr_job_key_t key, size_t *len)
{
    return zr_result_cache_get(self->held, key, len);
}

bool zr_worker_book_running_stamp(const zr_worker_book_t *self, zr_job_key_t key, zr_worker_stamp_t *stamp)
{
    const zr_worker_stamp_t *running = zhashx_lookup(self->running, &key);
    if (running)
        *stamp = *running;
    return running != NULL;
}

bool zr_worker_book_finish(zr_worker_book_t *self, zr_job_key_t key, const void *result, size_t len)
{
    if (!zhashx_lookup(self->running, &key))
        return false;
    zhashx_delete(self->running, &key);
    zr_result_cache_put(self->held, key, result, len);
    return true;
}

bool zr_worker_book_acknowledge(zr_worker_book_t *self, zr_job_key_t key)
{
    bool held = zr_result_cache_remove(self->held, key);
    self->stats.acknowledged += held;
    return held;
}

typedef struct {
    zr_worker_book_visit_fn visit;
    void *arg;
    size_t index, total;
} collect_t;

static void visit_held(void *arg, zr_job_key_t key, const uint8_t *bytes, size_t len)
{
    collect_t *collect = arg;
    collect->visit(collect->arg, key, bytes, len, collect->index++, collect->total);
}

size_t zr_worker_book_collect(zr_worker_book_t *self, zr_worker_stamp_t stamp, zr_worker_book_visit_fn visit,
                              void *arg)
{
    zr_result_cache_stats_t held;
    zr_result_cache_stats(self->held, &held);
    collect_t collect = { visit, arg, 0, held.results + zhashx_size(self->running) };
    zr_result_cache_each(self->held, visit_held, &collect);
    for (zr_worker_stamp_t *running = zhashx_first(self->running); running; running = zhashx_next(self->running)) {
        const zr_job_key_t *key = zhashx_cursor(self->running);
        visit(arg, *key, NULL, 0, collect.index++, collect.total);
        *running = stamp;
    }
    self->stats.collected += held.results;
    return collect.total;
}

void zr_worker_book_stats(const zr_worker_book_t *self, zr_worker_book_stats_t *out)
{
    zr_result_cache_stats_t held;
    zr_result_cache_stats(self->held, &held);
    *out = self->stats;
    out->running = zhashx_size(self->running);
    out->held = held.results;
    out->held_bytes = held.bytes;
    out->dropped = held.evicted + held.refused;
}
