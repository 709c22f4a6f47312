/* zr_timings: every timing of the cluster, derived in one place from the base interval (heartbeat
 * period); the cluster file may set any of them, the rest follow. Used by the config and tests. */
#ifndef ZR_TIMINGS_H
#define ZR_TIMINGS_H
#include <stdint.h>

#define ZR_TIMING_DERIVED (-1)        /* a field to derive from the others */
#define ZR_TIMING_NEVER INT32_MAX     /* a wait that never ends */

/* The defaults suit a LAN or loopback with a 100 ms base:
 * - fail_after 10 x base: a crash is declared ~1 s after it; a false verdict needs ~10 intervals
 *   in a row of lost heartbeats and relays, negligible up to ~20 % independent loss;
 * - suspect_after fail / 2: a member silent this long is suspected first; only a suspicion that
 *   nothing refutes for the rest of fail_after becomes a verdict;
 * - local_health_max 4: a node whose own timers fire late (starved, paused) stretches the
 *   suspicion phase up to (1 + 4) times: 0.5 s becomes at most 2.5 s (Lifeguard's local health);
 * - cleanup_after 2 x fail: a failed member leaves the gossiped table one fail period later;
 * - gossip_startup_grace never: a member never heard from has not started, rather than failed;
 * - election_final_wait base / 2 (at least 20 ms): ZooKeeper's finalizeWait; a notification
 *   crosses a LAN in well under 1 ms, so this covers scheduler jitter and adds little to a
 *   fail-over (ZooKeeper's 200 ms is tuned for WAN-ish ensembles);
 * - election_initial_backoff = the final wait: a lost notification is repaired that soon
 *   (ZooKeeper starts its notification timeout at finalizeWait too);
 * - election_max_backoff 10 x base: a lonely node sends at most one datagram per second per
 *   peer, and still at least one per fail period;
 * - election_startup_wait 30 x base: nodes of one cluster start up to ~2 s apart on a loaded
 *   2-core machine; the first election waits that long at most to hear every voter;
 * - recovery_wait 2 x fail_after: a new leader hands out no work until every live worker told it
 *   what it holds; a live one may learn of the new leader up to about one fail period later
 *   (it detects the old one's failure on its own); one silent twice that long is too slow to
 *   wait for (a dead one is removed sooner);
 * - recovery_reask 2 x base: a worker that still follows the old leader ignores the request;
 *   it is asked again this often until it follows the new one. */
typedef struct {
    int base_interval_ms;
    int fail_after_ms;
    int suspect_after_ms;
    int local_health_max;           /* not a time: how many times longer suspicion may get */
    int cleanup_after_ms;
    int gossip_startup_grace_ms;
    int election_final_wait_ms;
    int election_initial_backoff_ms;
    int election_max_backoff_ms;
    int election_startup_wait_ms;   /* 0: no start-up wait */
    int recovery_wait_ms;
    int recovery_reask_ms;
} zr_timings_t;

#define ZR_TIMINGS_DEFAULT_BASE_MS 100

/* Every field ZR_TIMING_DERIVED but the base. */
void zr_timings_init(zr_timings_t *timings, int base_interval_ms);
/* Fills every field still ZR_TIMING_DERIVED from the base and the fields it depends on. */
void zr_timings_derive(zr_timings_t *timings);
/* zr_timings_init then zr_timings_derive: the defaults for a base interval. */
void zr_timings_default(zr_timings_t *timings, int base_interval_ms);

#endif
