/* zr_latency: start times in a czmq hash keyed by the request id's text; the histogram is a
 * plain zr_histogram_t. */
#include "runtime/zr_latency.h"
#include <czmq.h>

struct zr_latency {
    zhashx_t *started;     /* "%llu" id -> int64_t start (ms) */
    size_t max_open;
    zr_histogram_t histogram;
};

static void free_start(void **item)
{
    free(*item);
    *item = NULL;
}

zr_latency_t *zr_latency_new(size_t max_open)
{
    zr_latency_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->started = zhashx_new();
    zhashx_set_destructor(self->started, free_start);
    self->max_open = max_open;
    return self;
}

void zr_latency_destroy(zr_latency_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zhashx_destroy(&(*self_p)->started);
    free(*self_p);
    *self_p = NULL;
}

static void key_of(uint64_t id, char key[24])
{
    snprintf(key, 24, "%llu", (unsigned long long) id);
}

void zr_latency_start(zr_latency_t *self, uint64_t id, int64_t now_ms)
{
    char key[24];
    key_of(id, key);
    if (zhashx_size(self->started) >= self->max_open || zhashx_lookup(self->started, key))
        return;
    int64_t *start = malloc(sizeof *start);
    if (!start)
        abort();
    *start = now_ms;
    zhashx_insert(self->started, key, start);
}

bool zr_latency_stop(zr_latency_t *self, uint64_t id, int64_t now_ms, int64_t *elapsed_ms)
{
    char key[24];
    key_of(id, key);
    int64_t *start = zhashx_lookup(self->started, key);
    if (!start)
        return false;
    *elapsed_ms = now_ms > *start ? now_ms - *start : 0;
    zr_histogram_observe_ms(&self->histogram, *elapsed_ms);
    zhashx_delete(self->started, key);
    return true;
}

void zr_latency_forget(zr_latency_t *self, uint64_t id)
{
    char key[24];
    key_of(id, key);
    zhashx_delete(self->started, key);
}

const zr_histogram_t *zr_latency_histogram(const zr_latency_t *self) { return &self->histogram; }
size_t zr_latency_running(const zr_latency_t *self) { return zhashx_size(self->started); }
