/* zr_gossip_events: the failure detector's facts as events on the monitor port: suspicions,
 * refutations, failures, joins and this process's own rejoins (runtime/zr_event_kinds.h). */
#ifndef ZR_GOSSIP_EVENTS_H
#define ZR_GOSSIP_EVENTS_H
#include "actors/gossip/zr_gossip.h"
#include "runtime/zr_event.h"

/* One fact as drained from the core; the kinds that are no event (RECEIVED, UPDATED, CLEANED)
 * are ignored. */
void zr_gossip_events_fact(zr_events_t *events, const zr_gossip_fact_t *fact);

#endif
