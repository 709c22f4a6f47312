/* zr_clock: monotonic and manual clocks behind one function pointer.
 * The monotonic clock is CLOCK_MONOTONIC in milliseconds. */
#include "runtime/zr_clock.h"
#include <time.h>

static int64_t monotonic_now(void *context)
{
    (void) context;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t manual_now(void *context)
{
    return ((zr_manual_clock_t *) context)->now_ms;
}

zr_clock_t zr_clock_monotonic(void)
{
    return (zr_clock_t) { monotonic_now, NULL };
}

zr_clock_t zr_clock_manual(zr_manual_clock_t *manual)
{
    return (zr_clock_t) { manual_now, manual };
}

int64_t zr_clock_now_ms(const zr_clock_t *clock)
{
    return clock->now(clock->context);
}

int zr_clock_poll_timeout(const zr_clock_t *clock, int64_t deadline_ms)
{
    if (deadline_ms < 0 || deadline_ms == INT64_MAX)
        return -1;
    int64_t wait = deadline_ms - zr_clock_now_ms(clock);
    return wait < 0 ? 0 : (int) (wait > 60000 ? 60000 : wait);
}

int64_t zr_clock_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
