/* zr_election_events: the peer server's one call per state switch: feeds the election watch
 * and publishes the state, election.start and election.end events. */
#ifndef ZR_ELECTION_EVENTS_H
#define ZR_ELECTION_EVENTS_H
#include "actors/election/zr_election_watch.h"
#include "runtime/zr_event.h"

/* At start, and when the core starts afresh (a rejoin): LOOKING starts an election. */
void zr_election_events_begin(zr_election_watch_t *watch, zr_events_t *events,
                              const zr_leader_view_t *view, int64_t now_ms);
/* A switch from -> to, with the view as it is after it. */
void zr_election_events_switch(zr_election_watch_t *watch, zr_events_t *events, zr_peer_state_t from,
                               zr_peer_state_t to, const zr_leader_view_t *view, int64_t now_ms);

#endif
