/* zr_traffic: a ring of samples; each is the difference of two cumulative histograms over the
 * time between them (requests answered per second, and the interval's own p50 and p99). */
#include "actors/observe/zr_traffic.h"

void zr_traffic_observe(zr_traffic_t *self, int64_t t_ms, const zr_histogram_t *cumulative)
{
    if (self->started && t_ms <= self->last_t_ms)
        return;
    if (self->started) {
        zr_histogram_t delta;
        zr_histogram_t base = cumulative->count >= self->last.count ? self->last : (zr_histogram_t) { 0 };
        zr_histogram_delta(cumulative, &base, &delta);
        zr_traffic_sample_t sample = { .t_ms = t_ms,
                                       .rps = (double) delta.count * 1000.0 / (double) (t_ms - self->last_t_ms) };
        double p50 = 0, p99 = 0;
        sample.has_latency = zr_histogram_quantile(&delta, 0.5, &p50) && zr_histogram_quantile(&delta, 0.99, &p99);
        sample.p50_ms = p50 * 1000.0;
        sample.p99_ms = p99 * 1000.0;
        self->samples[self->next] = sample;
        self->next = (self->next + 1) % ZR_TRAFFIC_SAMPLES;
        if (self->count < ZR_TRAFFIC_SAMPLES)
            self->count++;
    }
    self->last = *cumulative;
    self->last_t_ms = t_ms;
    self->started = true;
}

size_t zr_traffic_count(const zr_traffic_t *self)
{
    return self->count;
}

bool zr_traffic_at(const zr_traffic_t *self, size_t index, zr_traffic_sample_t *out)
{
    if (index >= self->count)
        return false;
    size_t oldest = (self->next + ZR_TRAFFIC_SAMPLES - self->count) % ZR_TRAFFIC_SAMPLES;
    *out = self->samples[(oldest + index) % ZR_TRAFFIC_SAMPLES];
    return true;
}
