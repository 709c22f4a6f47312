/* zr_clock: the one place actors read time from; tests substitute a manual clock.
 * Pure cores never call this: they take a now_ms argument from the actor around them. */
#ifndef ZR_CLOCK_H
#define ZR_CLOCK_H
#include <stdint.h>

typedef int64_t (*zr_clock_fn)(void *context);

typedef struct {
    zr_clock_fn now;
    void *context;
} zr_clock_t;

/* A manual clock for tests: time moves only when the test sets it. */
typedef struct {
    int64_t now_ms;
} zr_manual_clock_t;

zr_clock_t zr_clock_monotonic(void);
zr_clock_t zr_clock_manual(zr_manual_clock_t *manual);
int64_t zr_clock_now_ms(const zr_clock_t *clock);
/* The zpoller/zmq_poll timeout (ms) to wake up at deadline_ms: -1 for no deadline (a negative
 * value or INT64_MAX), 0 if it has passed, at most 60 s (the loop then simply checks again). */
int zr_clock_poll_timeout(const zr_clock_t *clock, int64_t deadline_ms);
/* Wall-clock milliseconds since the epoch, for log timestamps only. */
int64_t zr_clock_wall_ms(void);

#endif
