/* zr_election_watch: a LOOKING start time, a counter and a histogram; the peer server feeds it
 * every state switch (zr_election_events.c turns the changes into events). */
#include "actors/election/zr_election_watch.h"

zr_election_change_t zr_election_watch_enter(zr_election_watch_t *self, zr_peer_state_t state, int64_t now_ms)
{
    return zr_election_watch_switch(self, ZR_PEER_OBSERVER, state, now_ms);
}

zr_election_change_t zr_election_watch_switch(zr_election_watch_t *self, zr_peer_state_t from,
                                              zr_peer_state_t to, int64_t now_ms)
{
    zr_election_change_t change = { 0 };
    if (to == ZR_PEER_LOOKING && !self->looking) {
        self->looking = true;
        self->looking_since = now_ms;
        change.started = true;
    } else if (from == ZR_PEER_LOOKING && to != ZR_PEER_LOOKING && self->looking) {
        change.ended = true;
        change.duration_ms = now_ms > self->looking_since ? now_ms - self->looking_since : 0;
        self->looking = false;
        self->elections++;
        zr_histogram_observe_ms(&self->durations, change.duration_ms);
    }
    return change;
}

void zr_election_watch_metrics(const zr_election_watch_t *self, const zr_leader_view_t *view,
                               zr_metrics_t *set)
{
    for (int state = ZR_PEER_LOOKING; state <= ZR_PEER_OBSERVER; state++)
        zr_metrics_add(set, ZR_M_NODE_STATE, zr_peer_state_name((zr_peer_state_t) state),
                       view->state == (zr_peer_state_t) state ? 1 : 0);
    zr_metrics_add(set, ZR_M_ELECTION_EPOCH, NULL, (double) view->epoch);
    zr_metrics_add(set, ZR_M_ELECTION_LEADER, NULL, (double) view->leader_id);
    zr_metrics_add(set, ZR_M_ELECTIONS, NULL, (double) self->elections);
    zr_metrics_histogram(set, ZR_M_ELECTION_DURATION, NULL, &self->durations);
}
