/* zr_result_cache: a bounded memory of recently completed jobs and their encoded results, so a
 * re-sent request is answered without running twice. Oldest forgotten first; no I/O, no clock. */
#ifndef ZR_RESULT_CACHE_H
#define ZR_RESULT_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "runtime/zr_job_key.h"

typedef struct _zr_result_cache_t zr_result_cache_t;

typedef struct {
    size_t results;       /* jobs remembered now (<= max_results) */
    size_t bytes;         /* result bytes held now (<= max_bytes) */
    uint64_t stored;      /* results ever stored */
    uint64_t evicted;     /* forgotten to stay within the limits */
    uint64_t refused;     /* larger than max_bytes on their own, never stored */
} zr_result_cache_stats_t;

/* Limits: at most max_results jobs and max_bytes result bytes (plus ~100 bytes per job). */
zr_result_cache_t *zr_result_cache_new(size_t max_results, size_t max_bytes);
void zr_result_cache_destroy(zr_result_cache_t **self_p);
/* New limits; forgets the oldest results at once if they no longer fit. */
void zr_result_cache_set_limits(zr_result_cache_t *self, size_t max_results, size_t max_bytes);
/* Copies bytes[0..len) as the newest result; forgets the oldest until it fits. False (nothing
 * stored) if the job is already remembered, or if len alone exceeds max_bytes. */
bool zr_result_cache_put(zr_result_cache_t *self, zr_job_key_t key, const void *bytes, size_t len);
/* The remembered result (non-NULL even when empty) and its length; NULL if not remembered. */
const uint8_t *zr_result_cache_get(zr_result_cache_t *self, zr_job_key_t key, size_t *len);
bool zr_result_cache_contains(zr_result_cache_t *self, zr_job_key_t key);
/* Forgets one result (not counted as evicted); false if it was not remembered. */
bool zr_result_cache_remove(zr_result_cache_t *self, zr_job_key_t key);
/* Calls visit for every remembered result, oldest first; visit must not change the cache. */
typedef void (*zr_result_cache_visit_fn)(void *arg, zr_job_key_t key, const uint8_t *bytes, size_t len);
void zr_result_cache_each(zr_result_cache_t *self, zr_result_cache_visit_fn visit, void *arg);
void zr_result_cache_stats(const zr_result_cache_t *self, zr_result_cache_stats_t *stats);

#endif
