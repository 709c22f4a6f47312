/* zr_latency: a stopwatch per request (started when accepted, stopped when answered) feeding a
 * histogram of the elapsed times. Pure: times come in; at most max_open run at once. */
#ifndef ZR_LATENCY_H
#define ZR_LATENCY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "runtime/zr_histogram.h"

typedef struct zr_latency zr_latency_t;

zr_latency_t *zr_latency_new(size_t max_open);
void zr_latency_destroy(zr_latency_t **self_p);
/* Starts id's stopwatch; ignored if it already runs or max_open are running. */
void zr_latency_start(zr_latency_t *self, uint64_t id, int64_t now_ms);
/* Stops it: true with the elapsed ms, which the histogram takes; false if it was not running. */
bool zr_latency_stop(zr_latency_t *self, uint64_t id, int64_t now_ms, int64_t *elapsed_ms);
/* Stops it without counting (a request answered otherwise, e.g. 503). */
void zr_latency_forget(zr_latency_t *self, uint64_t id);
const zr_histogram_t *zr_latency_histogram(const zr_latency_t *self);
size_t zr_latency_running(const zr_latency_t *self);

#endif
