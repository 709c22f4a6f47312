/* zr_election_votes: vote order and the ballot table (one slot per voter, linear search:
 * clusters have a handful of voters). Used by the election core for quorum decisions. */
#include "actors/election/zr_election_votes.h"
#include <stdlib.h>

bool zr_vote_supersedes(const zr_vote_t *a, const zr_vote_t *b)
{
    return a->epoch > b->epoch || (a->epoch == b->epoch && a->leader_id > b->leader_id);
}

bool zr_vote_equal(const zr_vote_t *a, const zr_vote_t *b)
{
    return a->epoch == b->epoch && a->leader_id == b->leader_id;
}

size_t zr_quorum(size_t voter_count)
{
    return voter_count / 2 + 1;
}

bool zr_ballots_init(zr_ballots_t *self, size_t capacity)
{
    self->items = calloc(capacity ? capacity : 1, sizeof *self->items);
    self->count = 0;
    self->capacity = capacity;
    return self->items != NULL;
}

void zr_ballots_fini(zr_ballots_t *self)
{
    free(self->items);
    self->items = NULL;
    self->count = self->capacity = 0;
}

void zr_ballots_clear(zr_ballots_t *self)
{
    self->count = 0;
}

static zr_ballot_t *slot_of(const zr_ballots_t *self, int64_t voter_id)
{
    for (size_t i = 0; i < self->count; i++)
        if (self->items[i].voter_id == voter_id)
            return &self->items[i];
    return NULL;
}

bool zr_ballots_put(zr_ballots_t *self, const zr_ballot_t *ballot)
{
    zr_ballot_t *slot = slot_of(self, ballot->voter_id);
    if (!slot && self->count == self->capacity)
        return false;
    *(slot ? slot : &self->items[self->count++]) = *ballot;
    return true;
}

const zr_ballot_t *zr_ballots_find(const zr_ballots_t *self, int64_t voter_id)
{
    return slot_of(self, voter_id);
}

void zr_ballots_remove(zr_ballots_t *self, int64_t voter_id)
{
    zr_ballot_t *slot = slot_of(self, voter_id);
    if (slot)
        *slot = self->items[--self->count];
}

size_t zr_ballots_agreeing(const zr_ballots_t *self, const zr_vote_t *vote, int state)
{
    size_t agreeing = 0;
    for (size_t i = 0; i < self->count; i++)
        if (zr_vote_equal(&self->items[i].vote, vote)
            && (state < 0 || self->items[i].state == (zr_peer_state_t) state))
            agreeing++;
    return agreeing;
}

bool zr_ballots_elect(const zr_ballots_t *self, const zr_vote_t *vote, int64_t joiner_id,
                      size_t voter_count)
{
    const zr_ballot_t *leader = slot_of(self, vote->leader_id);
    if (!leader || leader->state != ZR_PEER_LEADING || !zr_vote_equal(&leader->vote, vote))
        return false;
    const zr_ballot_t *joiner = joiner_id >= 0 ? slot_of(self, joiner_id) : NULL;
    size_t agreeing = zr_ballots_agreeing(self, vote, -1);
    if (joiner && zr_vote_equal(&joiner->vote, vote))
        agreeing--;
    return agreeing + (joiner_id >= 0) >= zr_quorum(voter_count);
}
