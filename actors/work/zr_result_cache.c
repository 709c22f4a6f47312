/* zr_result_cache: completed results in a zhashx by job key plus a zlistx in completion order;
 * the list's head is the oldest and goes first when a count or byte limit is exceeded. */
#include "actors/work/zr_result_cache.h"

typedef struct {
    zr_job_key_t key;
    uint8_t *bytes;       /* len bytes, never NULL */
    size_t len;
    void *handle;         /* in by_age */
} cached_t;

struct _zr_result_cache_t {
    zhashx_t *by_key;     /* key -> cached_t (not owned) */
    zlistx_t *by_age;     /* cached_t, oldest first (owns them) */
    size_t max_results;
    size_t max_bytes;
    zr_result_cache_stats_t stats;
};

static void cached_free(void **item_p)
{
    cached_t *cached = *item_p;
    if (cached) {
        free(cached->bytes);
        free(cached);
        *item_p = NULL;
    }
}

zr_result_cache_t *zr_result_cache_new(size_t max_results, size_t max_bytes)
{
    zr_result_cache_t *self = zmalloc(sizeof *self);
    self->by_key = zr_job_key_hashx_new();
    self->by_age = zlistx_new();
    zlistx_set_destructor(self->by_age, cached_free);
    self->max_results = max_results;
    self->max_bytes = max_bytes;
    return self;
}

void zr_result_cache_destroy(zr_result_cache_t **self_p)
{
    zr_result_cache_t *self = *self_p;
    if (!self)
        return;
    zhashx_destroy(&self->by_key);
    zlistx_destroy(&self->by_age);
    free(self);
    *self_p = NULL;
}

/* Forgets the oldest results until `extra_bytes` more fit in one more slot (0: just fit). */
static void evict_for(zr_result_cache_t *self, size_t slots, size_t extra_bytes)
{
    while (zlistx_size(self->by_age) > 0
           && (zlistx_size(self->by_age) + slots > self->max_results
               || self->stats.bytes + extra_bytes > self->max_bytes)) {
        cached_t *oldest = zlistx_detach(self->by_age, NULL);
        zhashx_delete(self->by_key, &oldest->key);
        self->stats.bytes -= oldest->len;
        self->stats.evicted++;
        cached_free((void **) &oldest);
    }
    self->stats.results = zlistx_size(self->by_age);
}

void zr_result_cache_set_limits(zr_result_cache_t *self, size_t max_results, size_t max_bytes)
{
    self->max_results = max_results;
    self->max_bytes = max_bytes;
    evict_for(self, 0, 0);
}

bool zr_result_cache_put(zr_result_cache_t *self, zr_job_key_t key, const void *bytes, size_t len)
{
    if (zhashx_lookup(self->by_key, &key))
        return false;
    if (len > self->max_bytes || self->max_results == 0) {
        self->stats.refused++;
        return false;
    }
    evict_for(self, 1, len);
    cached_t *cached = zmalloc(sizeof *cached);
    cached->key = key;
    cached->len = len;
    cached->bytes = zmalloc(len ? len : 1);
    if (len)
        memcpy(cached->bytes, bytes, len);
    cached->handle = zlistx_add_end(self->by_age, cached);
    zhashx_insert(self->by_key, &cached->key, cached);
    self->stats.bytes += len;
    self->stats.results = zlistx_size(self->by_age);
    self->stats.stored++;
    return true;
}

const uint8_t *zr_result_cache_get(zr_result_cache_t *self, zr_job_key_t key, size_t *len)
{
    cached_t *cached = zhashx_lookup(self->by_key, &key);
    if (len)
        *len = cached ? cached->len : 0;
    return cached ? cached->bytes : NULL;
}

bool zr_result_cache_remove(zr_result_cache_t *self, zr_job_key_t key)
{
    cached_t *cached = zhashx_lookup(self->by_key, &key);
    if (!cached)
        return false;
    zhashx_delete(self->by_key, &key);
    self->stats.bytes -= cached->len;
    zlistx_delete(self->by_age, cached->handle);
    self->stats.results = zlistx_size(self->by_age);
    return true;
}

void zr_result_cache_each(zr_result_cache_t *self, zr_result_cache_visit_fn visit, void *arg)
{
    for (cached_t *cached = zlistx_first(self->by_age); cached; cached = zlistx_next(self->by_age))
        visit(arg, cached->key, cached->bytes, cached->len);
}

bool zr_result_cache_contains(zr_result_cache_t *self, zr_job_key_t key)
{
    return zhashx_lookup(self->by_key, &key) != NULL;
}

void zr_result_cache_stats(const zr_result_cache_t *self, zr_result_cache_stats_t *stats)
{
    *stats = self->stats;
}
