/* zr_event_publisher: the monitor actor's outgoing side: turns socket events and the actors'
 * cluster events into numbered lines on the monitor PUB, and counts what was published or lost. */
#ifndef ZR_EVENT_PUBLISHER_H
#define ZR_EVENT_PUBLISHER_H
#include <czmq.h>
#include "runtime/zr_inproc.h"

/* Subscribers that do not keep up lose events (the PUB drops for them alone); the process never
 * waits. Each line carries seq, one counter per process, so a subscriber can count its losses. */
#define ZR_EVENT_PUBLISHER_HWM 10000

typedef struct zr_event_publisher zr_event_publisher_t;

/* publisher: the bound XPUB (still the caller's), in libzmq's default mode: it passes up a
 * topic's first subscription and its last unsubscription. */
zr_event_publisher_t *zr_event_publisher_new(zsock_t *publisher, int node_id);
/* Counts its audience out (zr_events_audience_add) if it had one. */
void zr_event_publisher_destroy(zr_event_publisher_t **self_p);

/* The publisher is readable: one (un)subscription, which may start or end the process's request
 * events (runtime/zr_event.h). Anything else a peer sends is dropped and counted. */
void zr_event_publisher_subscription(zr_event_publisher_t *self);

/* A libzmq event of a watched socket. */
void zr_event_publisher_socket(zr_event_publisher_t *self, const char *socket, const char *event,
                               uint32_t value, const char *endpoint);
/* One message from the events PULL (ZR_INPROC_EVENTS): published, or dropped and counted. */
void zr_event_publisher_relay(zr_event_publisher_t *self, zsock_t *pull);
/* zrun_events_published_total{kind}, zrun_events_dropped_total{reason},
 * zrun_events_request_subscribed (1 while someone subscribes to request events). */
void zr_event_publisher_stats(const zr_event_publisher_t *self, zr_metrics_t *set);

#endif
