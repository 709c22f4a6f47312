/* zr_event: how an actor publishes a cluster event: one call where it happens. The event goes
 * over an inproc PUSH to the process's monitor actor, which publishes it on udp_port + 1. */
#ifndef ZR_EVENT_H
#define ZR_EVENT_H
#include "runtime/zr_event_kinds.h"
#include "runtime/zr_event_line.h"
#include "runtime/zr_inproc.h"

/* Never blocks and never fails the caller: when the monitor's queue is full (it is slow or
 * gone) the event is lost and counted, and the count rides on the next event that gets
 * through (zrun_events_dropped_total{reason="queue_full"}). */
#define ZR_EVENT_QUEUE 1000

typedef struct zr_events zr_events_t;

/* One emitter per actor (a socket belongs to one thread). NULL (every emit does nothing) when
 * the process runs no monitor (env->monitored false). */
zr_events_t *zr_events_open(const zr_env_t *env);
/* The same for code that has no zr_env_t, only the process's endpoint prefix (NULL: none). */
zr_events_t *zr_events_open_prefix(const char *prefix);
void zr_events_close(zr_events_t **self_p);

/* Request events (kinds request.*) come with every request. They are sent only while a monitor
 * of this process has a subscriber that would receive them: an unwatched node pays nothing for
 * them (two monitor wake-ups a request at the gateway and at the leader). The monitor's publisher
 * counts itself in, or out, with zr_events_audience_add (+1 or -1) as its set of such
 * subscriptions becomes non-empty or empty; this counter is the process's, over all its monitors
 * (a test process may run several nodes: an extra event is harmless, a missing one is not). */
void zr_events_audience_add(int delta);
/* True if a subscription to topic (a prefix of event lines) would receive request events. */
bool zr_event_topic_reaches_requests(const char *topic);

/* fields: printf-style logfmt, e.g. "peer=%d"; the monitor adds kind, node, t and seq. */
void zr_event_emit(zr_events_t *self, zr_event_kind_t kind, const char *fields, ...)
    __attribute__((format(printf, 3, 4)));
/* The same with a free-text reason (quoted and escaped for the line). */
void zr_event_emit_reason(zr_events_t *self, zr_event_kind_t kind, const char *reason,
                          const char *fields, ...) __attribute__((format(printf, 4, 5)));

/* A dropped message, as a `drop` event at most once a second per throttle (count says how
 * many drops it stands for); the exact counts are in each receiver's metrics. */
void zr_event_drop(zr_events_t *self, zr_event_throttle_t *throttle, int64_t now_ms,
                   const char *transport, const char *reason);

/* Events lost here so far (not yet reported). */
uint64_t zr_events_lost(const zr_events_t *self);

#endif
