/* zr_timings: the derivation rules of zr_timings.h in one function; nothing else in zrun
 * computes a timing from the base interval. */
#include "runtime/zr_timings.h"

#define FAIL_BASES 10
#define LOCAL_HEALTH_MAX 4
#define CLEANUP_FAILS 2
#define MIN_FINAL_WAIT_MS 20
#define MAX_BACKOFF_BASES 10
#define STARTUP_WAIT_BASES 30
#define REASK_BASES 2
#define RECOVERY_WAIT_FAILS 2

void zr_timings_init(zr_timings_t *timings, int base_interval_ms)
{
    *timings = (zr_timings_t) {
        .base_interval_ms = base_interval_ms, .fail_after_ms = ZR_TIMING_DERIVED,
        .suspect_after_ms = ZR_TIMING_DERIVED, .local_health_max = ZR_TIMING_DERIVED,
        .cleanup_after_ms = ZR_TIMING_DERIVED, .gossip_startup_grace_ms = ZR_TIMING_DERIVED,
        .election_final_wait_ms = ZR_TIMING_DERIVED, .election_initial_backoff_ms = ZR_TIMING_DERIVED,
        .election_max_backoff_ms = ZR_TIMING_DERIVED, .election_startup_wait_ms = ZR_TIMING_DERIVED,
        .recovery_wait_ms = ZR_TIMING_DERIVED, .recovery_reask_ms = ZR_TIMING_DERIVED,
    };
}

static void derive(int *field, int value)
{
    if (*field == ZR_TIMING_DERIVED)
        *field = value;
}

void zr_timings_derive(zr_timings_t *t)
{
    int base = t->base_interval_ms;
    derive(&t->fail_after_ms, FAIL_BASES * base);
    derive(&t->suspect_after_ms, t->fail_after_ms / 2);
    derive(&t->local_health_max, LOCAL_HEALTH_MAX);
    derive(&t->cleanup_after_ms, CLEANUP_FAILS * t->fail_after_ms);
    derive(&t->gossip_startup_grace_ms, ZR_TIMING_NEVER);
    derive(&t->election_final_wait_ms, base / 2 > MIN_FINAL_WAIT_MS ? base / 2 : MIN_FINAL_WAIT_MS);
    derive(&t->election_initial_backoff_ms, t->election_final_wait_ms);
    int cap = MAX_BACKOFF_BASES * base;
    derive(&t->election_max_backoff_ms, cap > t->election_initial_backoff_ms ? cap : t->election_initial_backoff_ms);
    derive(&t->election_startup_wait_ms, STARTUP_WAIT_BASES * base);
    derive(&t->recovery_wait_ms, RECOVERY_WAIT_FAILS * t->fail_after_ms);
    derive(&t->recovery_reask_ms, REASK_BASES * base);
}

void zr_timings_default(zr_timings_t *timings, int base_interval_ms)
{
    zr_timings_init(timings, base_interval_ms);
    zr_timings_derive(timings);
}
