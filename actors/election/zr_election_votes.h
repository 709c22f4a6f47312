/* zr_election_votes: the order on votes (epoch, then id) and a ballot table that keeps each
 * voter's latest notification and counts how many agree with a vote. Pure, no I/O. */
#ifndef ZR_ELECTION_VOTES_H
#define ZR_ELECTION_VOTES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proto/zr_election_msg.h"

/* A proposed leader and that leader's peer epoch. */
typedef struct {
    int64_t leader_id;
    uint64_t epoch;
} zr_vote_t;

/* True if a beats b: a higher epoch, or the same epoch and a higher id. */
bool zr_vote_supersedes(const zr_vote_t *a, const zr_vote_t *b);
bool zr_vote_equal(const zr_vote_t *a, const zr_vote_t *b);
/* Votes a strict majority needs out of voter_count: voter_count / 2 + 1. */
size_t zr_quorum(size_t voter_count);

/* One voter's latest notification as recorded by a receiver. */
typedef struct {
    int64_t voter_id;
    zr_peer_state_t state;
    zr_vote_t vote;
    uint64_t round;
} zr_ballot_t;

/* At most `capacity` ballots (one per voter); storage is owned by the table. */
typedef struct {
    zr_ballot_t *items;
    size_t count, capacity;
} zr_ballots_t;

bool zr_ballots_init(zr_ballots_t *self, size_t capacity);
void zr_ballots_fini(zr_ballots_t *self);
void zr_ballots_clear(zr_ballots_t *self);
/* Replaces the voter's ballot or adds it; false only if the table is full. */
bool zr_ballots_put(zr_ballots_t *self, const zr_ballot_t *ballot);
const zr_ballot_t *zr_ballots_find(const zr_ballots_t *self, int64_t voter_id);
void zr_ballots_remove(zr_ballots_t *self, int64_t voter_id);
/* Ballots whose vote equals `vote`; with `state` >= 0 only those sent in that state. */
size_t zr_ballots_agreeing(const zr_ballots_t *self, const zr_vote_t *vote, int state);
/* True if the leader `vote` names is among the ballots saying LEADING (ZooKeeper's
 * checkLeader) and a quorum of voter_count agree on it: the ballots of others plus, when
 * joiner_id >= 0, the joining voter itself (the observer passes -1: it is no voter). */
bool zr_ballots_elect(const zr_ballots_t *self, const zr_vote_t *vote, int64_t joiner_id,
                      size_t voter_count);

#endif
