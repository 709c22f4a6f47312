/* zr_traffic: requests per second and p50/p99 latency, one sample per report, for the last five
 * minutes, derived from the gateway's cumulative latency histogram. Pure: times come in. */
#ifndef ZR_TRAFFIC_H
#define ZR_TRAFFIC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "runtime/zr_histogram.h"

#define ZR_TRAFFIC_SAMPLES 300   /* five minutes at one report a second */

typedef struct {
    int64_t t_ms;          /* wall clock at the end of the interval */
    double rps;
    bool has_latency;      /* false when nothing was answered in the interval */
    double p50_ms, p99_ms; /* interpolated inside histogram buckets (as Prometheus does) */
} zr_traffic_sample_t;

typedef struct {
    zr_traffic_sample_t samples[ZR_TRAFFIC_SAMPLES];
    size_t count, next;
    zr_histogram_t last;
    int64_t last_t_ms;
    bool started;
} zr_traffic_t;

/* The histogram as it is at t_ms: the first call only sets the baseline; each later one adds
 * the sample of what was answered since the previous call. A t_ms that does not move is ignored. */
void zr_traffic_observe(zr_traffic_t *self, int64_t t_ms, const zr_histogram_t *cumulative);
size_t zr_traffic_count(const zr_traffic_t *self);
/* Oldest first; false past the end. */
bool zr_traffic_at(const zr_traffic_t *self, size_t index, zr_traffic_sample_t *out);

#endif
