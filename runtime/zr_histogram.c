/* zr_histogram: fixed buckets with Prometheus's quantile interpolation, and a ring of the
 * latest values with nearest-rank percentiles. Pure arithmetic. */
#include "runtime/zr_histogram.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

const double zr_histogram_bounds[ZR_HISTOGRAM_BOUNDS] = {
    0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
    0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60,
};

void zr_histogram_observe(zr_histogram_t *self, double seconds)
{
    if (!(seconds >= 0))
        seconds = 0;   /* NaN or negative: a clock hiccup, counted as instant */
    self->count++;
    self->sum += seconds;
    for (size_t i = 0; i < ZR_HISTOGRAM_BOUNDS; i++)
        if (seconds <= zr_histogram_bounds[i]) {
            self->buckets[i]++;
            return;
        }
}

void zr_histogram_observe_ms(zr_histogram_t *self, int64_t ms)
{
    zr_histogram_observe(self, (double) ms / 1000.0);
}

uint64_t zr_histogram_cumulative(const zr_histogram_t *self, size_t index)
{
    uint64_t total = 0;
    for (size_t i = 0; i <= index && i < ZR_HISTOGRAM_BOUNDS; i++)
        total += self->buckets[i];
    return total;
}

static uint64_t minus(uint64_t later, uint64_t earlier)
{
    return later > earlier ? later - earlier : 0;
}

void zr_histogram_delta(const zr_histogram_t *later, const zr_histogram_t *earlier, zr_histogram_t *out)
{
    zr_histogram_t result = { .count = minus(later->count, earlier->count),
                              .sum = later->sum > earlier->sum ? later->sum - earlier->sum : 0 };
    for (size_t i = 0; i < ZR_HISTOGRAM_BOUNDS; i++)
        result.buckets[i] = minus(later->buckets[i], earlier->buckets[i]);
    *out = result;
}

bool zr_histogram_quantile(const zr_histogram_t *self, double q, double *seconds)
{
    if (self->count == 0 || !(q > 0 && q < 1))
        return false;
    double rank = q * (double) self->count;
    uint64_t below = 0;
    for (size_t i = 0; i < ZR_HISTOGRAM_BOUNDS; i++) {
        uint64_t upto = below + self->buckets[i];
        if ((double) upto >= rank && self->buckets[i] > 0) {
            double lower = i == 0 ? 0 : zr_histogram_bounds[i - 1];
            double fraction = (rank - (double) below) / (double) self->buckets[i];
            *seconds = lower + (zr_histogram_bounds[i] - lower) * fraction;
            return true;
        }
        below = upto;
    }
    *seconds = zr_histogram_bounds[ZR_HISTOGRAM_BOUNDS - 1];
    return true;
}

void zr_window_init(zr_window_t *self, size_t capacity)
{
    memset(self, 0, sizeof *self);
    self->capacity = capacity < 1 ? 1 : capacity > ZR_WINDOW_MAX ? ZR_WINDOW_MAX : capacity;
}

void zr_window_add(zr_window_t *self, double value)
{
    if (self->capacity == 0)
        zr_window_init(self, ZR_WINDOW_MAX);
    self->values[self->next] = value;
    self->next = (self->next + 1) % self->capacity;
    if (self->count < self->capacity)
        self->count++;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

bool zr_percentile(double *values, size_t count, double q, double *value)
{
    if (count == 0 || !(q > 0 && q <= 1))
        return false;
    qsort(values, count, sizeof *values, compare_doubles);
    size_t rank = (size_t) ceil(q * (double) count);
    *value = values[rank > 0 ? rank - 1 : 0];
    return true;
}

bool zr_window_percentile(const zr_window_t *self, double q, double *value)
{
    double copy[ZR_WINDOW_MAX];
    memcpy(copy, self->values, self->count * sizeof *copy);
    return zr_percentile(copy, self->count, q, value);
}
