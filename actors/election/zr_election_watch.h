/* zr_election_watch: what the election did, as an operator sees it: when this process started
 * and ended an election, how long each took, how many there were. Pure: times come in. */
#ifndef ZR_ELECTION_WATCH_H
#define ZR_ELECTION_WATCH_H
#include <stdbool.h>
#include <stdint.h>
#include "runtime/zr_histogram.h"
#include "runtime/zr_inproc.h"

/* Zeroed: no election yet. */
typedef struct {
    bool looking;
    int64_t looking_since;
    uint64_t elections;        /* ended */
    zr_histogram_t durations;
} zr_election_watch_t;

typedef struct {
    bool started, ended;
    int64_t duration_ms;       /* ended: since the election started */
} zr_election_change_t;

/* The election core (re)starts in `state` (a process starts, or rejoins as a new incarnation):
 * LOOKING starts an election unless one is already timed. */
zr_election_change_t zr_election_watch_enter(zr_election_watch_t *self, zr_peer_state_t state, int64_t now_ms);
/* A state switch: entering LOOKING starts an election, leaving it ends one. */
zr_election_change_t zr_election_watch_switch(zr_election_watch_t *self, zr_peer_state_t from,
                                              zr_peer_state_t to, int64_t now_ms);
/* The figures (zrun_node_state, zrun_election_*) for the current view. */
void zr_election_watch_metrics(const zr_election_watch_t *self, const zr_leader_view_t *view,
                               zr_metrics_t *set);

#endif
