/* zr_election_events: zr_election_watch's changes as events on the monitor port (the fields
 * are listed in runtime/zr_event_kinds.h). */
#include "actors/election/zr_election_events.h"

static void announce(zr_events_t *events, const zr_election_change_t *change, const zr_leader_view_t *view)
{
    if (change->started)
        zr_event_emit(events, ZR_EVENT_ELECTION_START, "epoch=%llu", (unsigned long long) view->epoch);
    if (change->ended)
        zr_event_emit(events, ZR_EVENT_ELECTION_END, "epoch=%llu leader=%lld state=%s duration_ms=%lld",
                      (unsigned long long) view->epoch, (long long) view->leader_id,
                      zr_peer_state_name(view->state), (long long) change->duration_ms);
}

void zr_election_events_begin(zr_election_watch_t *watch, zr_events_t *events,
                              const zr_leader_view_t *view, int64_t now_ms)
{
    zr_election_change_t change = zr_election_watch_enter(watch, view->state, now_ms);
    announce(events, &change, view);
}

void zr_election_events_switch(zr_election_watch_t *watch, zr_events_t *events, zr_peer_state_t from,
                               zr_peer_state_t to, const zr_leader_view_t *view, int64_t now_ms)
{
    zr_election_change_t change = zr_election_watch_switch(watch, from, to, now_ms);
    zr_event_emit(events, ZR_EVENT_STATE, "from=%s to=%s epoch=%llu leader=%lld", zr_peer_state_name(from),
                  zr_peer_state_name(to), (unsigned long long) view->epoch, (long long) view->leader_id);
    announce(events, &change, view);
}
