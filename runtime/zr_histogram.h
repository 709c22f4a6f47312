/* zr_histogram: a fixed-bucket latency histogram (Prometheus style) and quantile estimates from
 * it, plus a window of the latest values with exact percentiles. Pure: no clock, no sockets. */
#ifndef ZR_HISTOGRAM_H
#define ZR_HISTOGRAM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Upper bounds in seconds, from 1 ms to 60 s; a value above the last one counts as +Inf. */
#define ZR_HISTOGRAM_BOUNDS 19
extern const double zr_histogram_bounds[ZR_HISTOGRAM_BOUNDS];

/* Plain values, copyable (it travels inside zr_pool_stats_t). buckets[i] counts the values
 * with bounds[i-1] < v <= bounds[i]; values above the last bound are in count only. */
typedef struct {
    uint64_t buckets[ZR_HISTOGRAM_BOUNDS];
    uint64_t count;
    double sum;          /* seconds */
} zr_histogram_t;

void zr_histogram_observe(zr_histogram_t *self, double seconds);
void zr_histogram_observe_ms(zr_histogram_t *self, int64_t ms);
/* How many values are <= bounds[index] (the exposition's cumulative bucket). */
uint64_t zr_histogram_cumulative(const zr_histogram_t *self, size_t index);
/* later - earlier, bucket by bucket (what was observed in between); earlier may be zeroed. */
void zr_histogram_delta(const zr_histogram_t *later, const zr_histogram_t *earlier, zr_histogram_t *out);
/* The q-quantile (0 < q < 1) in seconds, interpolated linearly inside its bucket as
 * Prometheus's histogram_quantile does (a value in +Inf reads as the last bound); false if empty. */
bool zr_histogram_quantile(const zr_histogram_t *self, double q, double *seconds);

/* The latest `capacity` values (older ones fall out), for "p50 of recent executions". */
#define ZR_WINDOW_MAX 256
typedef struct {
    double values[ZR_WINDOW_MAX];
    size_t capacity, count, next;
} zr_window_t;

/* capacity is clamped to 1..ZR_WINDOW_MAX. */
void zr_window_init(zr_window_t *self, size_t capacity);
void zr_window_add(zr_window_t *self, double value);
/* Nearest-rank percentile (0 < q <= 1) of the values held; false if there are none. */
bool zr_window_percentile(const zr_window_t *self, double q, double *value);
/* The same over any array (sorted in place), for callers that keep their own values. */
bool zr_percentile(double *values, size_t count, double q, double *value);

#endif
