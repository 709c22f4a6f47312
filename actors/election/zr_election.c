/* zr_election: FastLeaderElection with promises, as a deterministic state machine (the algorithm
 * is described in zr_election.h). Owns the phases, the timers and the output/change queues. */
#include "actors/election/zr_election.h"
#include <stdlib.h>
#include <string.h>

/* Where a node is inside the election; the public state is derived from it. */
typedef enum {
    PHASE_VOTING,      /* LOOKING: no quorum on the proposal yet (observer: no leader) */
    PHASE_FINAL_WAIT,  /* LOOKING: a quorum agrees, waiting for a better vote */
    PHASE_CANDIDATE,   /* LOOKING: proposal is self, collecting promises */
    PHASE_PROMISED,    /* LOOKING to the owner, FOLLOWING on the wire: waits for LEADING */
    PHASE_DECIDED,     /* FOLLOWING or LEADING (observer: leader learned) */
} phase_t;

/* A growable FIFO of fixed-size items (outputs, state changes). */
typedef struct {
    unsigned char *items;
    size_t item_size, head, tail, capacity;
} fifo_t;

struct zr_election {
    int64_t self_id;
    bool observer;
    int64_t final_wait_ms, initial_backoff_ms, max_backoff_ms;
    bool starting;             /* first election, start-up wait not over (see the header) */
    int64_t startup_until;     /* when the start-up wait ends at the latest */
    int64_t *voters;
    size_t voter_count;
    int64_t *configured;       /* every voter of the configuration: the only ones that can come back */
    size_t configured_count;
    zr_peer_state_t state;
    phase_t phase;
    uint64_t epoch, round;
    uint64_t floor_epoch;      /* leaders of older epochs are never accepted (restart raises it) */
    zr_vote_t proposal;        /* the vote this node sends; the leader once decided */
    bool has_leader;
    zr_ballots_t current;      /* latest ballot of each voter in this round (recvset) */
    zr_ballots_t settled;      /* latest FOLLOWING/LEADING ballot, any round (outofelection) */
    zr_ballots_t heard;        /* latest notification of each voter while starting */
    int64_t now_ms;            /* time of the latest call that passed one */
    int64_t final_deadline, resend_at, backoff_ms;
    fifo_t outbox, changes;
};

static bool fifo_push(fifo_t *fifo, const void *item)
{
    if (fifo->tail == fifo->capacity && fifo->head > 0) {
        memmove(fifo->items, fifo->items + fifo->head * fifo->item_size,
                (fifo->tail - fifo->head) * fifo->item_size);
        fifo->tail -= fifo->head;
        fifo->head = 0;
    } else if (fifo->tail == fifo->capacity) {
        size_t capacity = fifo->capacity ? fifo->capacity * 2 : 8;
        unsigned char *items = realloc(fifo->items, capacity * fifo->item_size);
        if (!items)
            return false;   /* like a lost datagram: the protocol resends */
        fifo->items = items;
        fifo->capacity = capacity;
    }
    memcpy(fifo->items + fifo->tail++ * fifo->item_size, item, fifo->item_size);
    return true;
}

static bool fifo_pop(fifo_t *fifo, void *item)
{
    if (fifo->head == fifo->tail)
        return false;
    memcpy(item, fifo->items + fifo->head++ * fifo->item_size, fifo->item_size);
    if (fifo->head == fifo->tail)
        fifo->head = fifo->tail = 0;
    return true;
}

static bool is_voter(const zr_election_t *self, int64_t id)
{
    for (size_t i = 0; i < self->voter_count; i++)
        if (self->voters[i] == id)
            return true;
    return false;
}

static zr_vote_t self_vote(const zr_election_t *self)
{
    return (zr_vote_t) { self->self_id, self->epoch };
}

static zr_peer_state_t wire_state(const zr_election_t *self)
{
    if (self->observer)
        return ZR_PEER_OBSERVER;
    return self->phase == PHASE_PROMISED ? ZR_PEER_FOLLOWING : self->state;
}

static void send(zr_election_t *self, zr_election_output_kind_t kind, int64_t to_id)
{
    zr_election_output_t out = { kind, to_id,
                                 { self->self_id, wire_state(self), self->proposal, self->round } };
    fifo_push(&self->outbox, &out);
}

static void set_state(zr_election_t *self, zr_peer_state_t to)
{
    zr_peer_state_t change[2] = { self->state, to };
    if (self->state != to)
        fifo_push(&self->changes, change);
    self->state = to;
}

/* Broadcasts this node's notification and restarts the resend back-off. */
static void announce(zr_election_t *self)
{
    send(self, ZR_ELECTION_BROADCAST, 0);
    self->backoff_ms = self->initial_backoff_ms;
    self->resend_at = self->phase == PHASE_DECIDED ? INT64_MAX : self->now_ms + self->backoff_ms;
}

static void resend(zr_election_t *self)
{
    send(self, ZR_ELECTION_BROADCAST, 0);
    self->backoff_ms = self->backoff_ms * 2 < self->max_backoff_ms ? self->backoff_ms * 2
                                                                   : self->max_backoff_ms;
    self->resend_at = self->now_ms + self->backoff_ms;
}

static void record(zr_ballots_t *ballots, const zr_notification_t *n)
{
    zr_ballot_t ballot = { n->sender_id, n->sender_state, n->vote, n->round };
    zr_ballots_put(ballots, &ballot);
}

static void record_own_vote(zr_election_t *self)
{
    zr_notification_t own = { self->self_id, ZR_PEER_LOOKING, self->proposal, self->round };
    record(&self->current, &own);
}

/* Takes `vote` as the proposal (back to plain voting) and tells everyone. */
static void propose(zr_election_t *self, const zr_vote_t *vote)
{
    self->proposal = *vote;
    self->phase = PHASE_VOTING;
    record_own_vote(self);
    announce(self);
}

/* A new round: earlier votes no longer count; start again from the better of self and `vote`. */
static void enter_round(zr_election_t *self, uint64_t round, const zr_vote_t *vote)
{
    zr_vote_t own = self_vote(self);
    self->round = round;
    zr_ballots_clear(&self->current);
    propose(self, zr_vote_supersedes(vote, &own) ? vote : &own);
}

static void decide(zr_election_t *self, const zr_vote_t *leader, zr_peer_state_t state)
{
    self->proposal = *leader;
    self->has_leader = true;
    if (leader->epoch > self->epoch)
        self->epoch = leader->epoch;
    self->phase = PHASE_DECIDED;
    self->starting = false;
    self->resend_at = INT64_MAX;
    if (!self->observer)
        set_state(self, state);
}

static void follow(zr_election_t *self, const zr_vote_t *leader, uint64_t round)
{
    if (round > self->round)
        self->round = round;
    decide(self, leader, ZR_PEER_FOLLOWING);
}

static void lead(zr_election_t *self)
{
    decide(self, &self->proposal, ZR_PEER_LEADING);
    announce(self);   /* once: promisers confirm, LOOKING peers can accept at once */
}

/* True while the start-up wait holds the final wait: the first election, before every other
 * voter was heard and before startup_until. Ends the wait for good once it is over. */
static bool startup_holds(zr_election_t *self)
{
    if (self->starting && (self->heard.count + 1 >= self->voter_count
                           || self->now_ms >= self->startup_until))
        self->starting = false;
    return self->starting;
}

/* While starting, remembers that a voter spoke (in any state, round or epoch). */
static void hear(zr_election_t *self, const zr_notification_t *n)
{
    if (self->starting && is_voter(self, n->sender_id)) {
        record(&self->heard, n);
        startup_holds(self);
    }
}

/* When the final wait ends: its own deadline, or the end of the start-up wait if later. */
static int64_t final_wait_end(const zr_election_t *self)
{
    bool later = self->starting && self->startup_until > self->final_deadline;
    return later ? self->startup_until : self->final_deadline;
}

/* Moves on when the recorded ballots allow it: final wait, or LEADING once promised. */
static void evaluate(zr_election_t *self)
{
    size_t quorum = zr_quorum(self->voter_count);
    if (self->phase == PHASE_VOTING
        && zr_ballots_agreeing(&self->current, &self->proposal, -1) >= quorum) {
        self->phase = PHASE_FINAL_WAIT;
        self->final_deadline = self->now_ms + self->final_wait_ms;
    } else if (self->phase == PHASE_CANDIDATE
               && zr_ballots_agreeing(&self->current, &self->proposal, ZR_PEER_FOLLOWING) + 1 >= quorum)
        lead(self);
}

/* The final wait passed without a better vote: be the candidate, or promise the proposal. */
static void finish_final_wait(zr_election_t *self)
{
    if (zr_ballots_agreeing(&self->current, &self->proposal, -1) < zr_quorum(self->voter_count))
        self->phase = PHASE_VOTING;
    else if (self->proposal.leader_id == self->self_id) {
        self->phase = PHASE_CANDIDATE;
        evaluate(self);
    } else {
        self->phase = PHASE_PROMISED;
        announce(self);
    }
}

/* FOLLOWING/LEADING answers: a quorum for one vote whose leader says LEADING is accepted. */
static void take_settled(zr_election_t *self, const zr_notification_t *n)
{
    if (n->round == self->round) {
        if (zr_vote_supersedes(&n->vote, &self->proposal))
            propose(self, &n->vote);
        record(&self->current, n);
        if (zr_ballots_elect(&self->current, &n->vote, self->self_id, self->voter_count)) {
            follow(self, &n->vote, n->round);
            return;
        }
    }
    record(&self->settled, n);
    if (zr_ballots_elect(&self->settled, &n->vote, self->self_id, self->voter_count))
        follow(self, &n->vote, n->round);
    else
        evaluate(self);
}

/* A LOOKING vote of this round. A sender whose vote is worse than ours gets ours back at
 * once (ZooKeeper re-sends the last vote when a peer connects; UDP has no connect). */
static void take_looking(zr_election_t *self, const zr_notification_t *n)
{
    if (zr_vote_supersedes(&n->vote, &self->proposal))
        propose(self, &n->vote);
    record(&self->current, n);
    evaluate(self);
    if (zr_vote_supersedes(&self->proposal, &n->vote))
        send(self, ZR_ELECTION_SEND_TO, n->sender_id);
}

/* A LOOKING voter (or one that just withdrew a promise) handles a notification. LOOKING votes
 * older than our epoch or round are ignored, but answered so their sender catches up; leaders
 * below the floor (an epoch whose leader we already had) are ignored. */
static void look(zr_election_t *self, const zr_notification_t *n)
{
    bool looking = n->sender_state == ZR_PEER_LOOKING;
    if (n->sender_state == ZR_PEER_OBSERVER || !is_voter(self, n->vote.leader_id))
        return;
    if (!looking && n->vote.epoch < self->floor_epoch)
        return;
    if (looking && (n->vote.epoch < self->epoch || n->round < self->round)) {
        send(self, ZR_ELECTION_SEND_TO, n->sender_id);
        return;
    }
    if (n->round > self->round)
        enter_round(self, n->round, &n->vote);
    if (looking)
        take_looking(self, n);
    else
        take_settled(self, n);
}

/* FOLLOWING/LEADING nodes answer LOOKING and OBSERVER senders, and promises naming them. */
static void answer_if_asked(zr_election_t *self, const zr_notification_t *n)
{
    if (n->sender_state == ZR_PEER_LOOKING || n->sender_state == ZR_PEER_OBSERVER
        || (n->sender_state == ZR_PEER_FOLLOWING && n->vote.leader_id == self->self_id))
        send(self, ZR_ELECTION_SEND_TO, n->sender_id);
}

/* Promised to the proposal: confirm when it leads, withdraw only when it visibly gave up. */
static void keep_promise(zr_election_t *self, const zr_notification_t *n)
{
    bool from_candidate = n->sender_id == self->proposal.leader_id;
    bool same_vote = zr_vote_equal(&n->vote, &self->proposal);
    if (!from_candidate || n->sender_state == ZR_PEER_OBSERVER)
        answer_if_asked(self, n);
    else if (n->sender_state == ZR_PEER_LEADING && same_vote)
        follow(self, &n->vote, self->round);
    else if (n->round < self->round)
        return;   /* stale: says nothing about the candidate now */
    else if (n->round == self->round && n->sender_state == ZR_PEER_LOOKING && same_vote)
        send(self, ZR_ELECTION_SEND_TO, n->sender_id);   /* still collecting: renew */
    else {
        self->phase = PHASE_VOTING;
        zr_ballots_remove(&self->current, n->sender_id);
        look(self, n);
    }
}

/* The observer learns a leader (or a later one) from FOLLOWING/LEADING voters. */
static void observe(zr_election_t *self, const zr_notification_t *n)
{
    if ((n->sender_state != ZR_PEER_FOLLOWING && n->sender_state != ZR_PEER_LEADING)
        || !is_voter(self, n->sender_id) || !is_voter(self, n->vote.leader_id)
        || n->vote.epoch < self->floor_epoch)
        return;
    record(&self->settled, n);
    if ((!self->has_leader || n->vote.epoch > self->proposal.epoch)
        && zr_ballots_elect(&self->settled, &n->vote, -1, self->voter_count))
        decide(self, &n->vote, ZR_PEER_OBSERVER);
}

/* The observer has no leader: it "votes" for itself (no voter can take that vote) and
 * broadcasts so that FOLLOWING/LEADING voters answer it. */
static void observer_look(zr_election_t *self)
{
    self->proposal = self_vote(self);
    self->phase = PHASE_VOTING;
    announce(self);
}

void zr_election_receive(zr_election_t *self, const zr_notification_t *n, int64_t now_ms)
{
    self->now_ms = now_ms;
    if (n->sender_id == self->self_id || (unsigned) n->sender_state > ZR_PEER_OBSERVER)
        return;
    if (self->observer) {
        observe(self, n);
        return;
    }
    if (n->sender_state != ZR_PEER_OBSERVER && !is_voter(self, n->sender_id))
        return;   /* not (or no longer) a voter */
    hear(self, n);
    if (self->phase == PHASE_DECIDED)
        answer_if_asked(self, n);
    else if (self->phase == PHASE_PROMISED)
        keep_promise(self, n);
    else
        look(self, n);
}

void zr_election_tick(zr_election_t *self, int64_t now_ms)
{
    self->now_ms = now_ms;
    if (self->phase == PHASE_FINAL_WAIT && now_ms >= self->final_deadline && !startup_holds(self))
        finish_final_wait(self);
    if (now_ms >= self->resend_at)
        resend(self);
}

int64_t zr_election_next_deadline(const zr_election_t *self)
{
    int64_t final_end = self->phase == PHASE_FINAL_WAIT ? final_wait_end(self) : INT64_MAX;
    return final_end < self->resend_at ? final_end : self->resend_at;
}

bool zr_election_next_output(zr_election_t *self, zr_election_output_t *out)
{
    return fifo_pop(&self->outbox, out);
}

bool zr_election_take_change(zr_election_t *self, zr_peer_state_t *from, zr_peer_state_t *to)
{
    zr_peer_state_t change[2];
    if (!fifo_pop(&self->changes, change))
        return false;
    *from = change[0];
    *to = change[1];
    return true;
}

zr_peer_state_t zr_election_state(const zr_election_t *self)
{
    return self->state;
}

bool zr_election_leader(const zr_election_t *self, zr_vote_t *out)
{
    if (self->has_leader && out)
        *out = self->proposal;
    return self->has_leader;
}

uint64_t zr_election_epoch(const zr_election_t *self)
{
    return self->epoch;
}

uint64_t zr_election_round(const zr_election_t *self)
{
    return self->round;
}

size_t zr_election_voter_count(const zr_election_t *self)
{
    return self->voter_count;
}

/* The leader (or the candidate we promised, which may have led) is gone: the next leader
 * must come from a later epoch than its. */
static void step_past_proposal(zr_election_t *self)
{
    bool may_have_led = self->has_leader || self->phase == PHASE_PROMISED;
    if (may_have_led && self->proposal.epoch + 1 > self->epoch) {
        self->epoch = self->proposal.epoch + 1;
        self->starting = false;   /* no longer the first election */
    }
    if (self->has_leader && self->proposal.epoch + 1 > self->floor_epoch)
        self->floor_epoch = self->proposal.epoch + 1;
    self->has_leader = false;
}

void zr_election_restart(zr_election_t *self, int64_t now_ms)
{
    self->now_ms = now_ms;
    self->starting = false;
    step_past_proposal(self);
    zr_ballots_clear(&self->settled);
    if (self->observer) {
        self->round++;
        observer_look(self);
        return;
    }
    zr_vote_t own = self_vote(self);
    set_state(self, ZR_PEER_LOOKING);
    enter_round(self, self->round + 1, &own);
    evaluate(self);
}

void zr_election_remove_voter(zr_election_t *self, int64_t id)
{
    if (id == self->self_id || !is_voter(self, id))
        return;
    size_t i = 0;
    while (self->voters[i] != id)
        i++;
    self->voters[i] = self->voters[--self->voter_count];
    zr_ballots_remove(&self->current, id);
    zr_ballots_remove(&self->settled, id);
    zr_ballots_remove(&self->heard, id);
    startup_holds(self);   /* the voters left may all have been heard */
    if (self->observer || self->phase == PHASE_DECIDED)
        return;
    if (self->proposal.leader_id == id) {
        step_past_proposal(self);
        zr_vote_t own = self_vote(self);
        enter_round(self, self->round + 1, &own);   /* a step back: never inside one round */
    }
    evaluate(self);
}

void zr_election_add_voter(zr_election_t *self, int64_t id)
{
    bool configured = false;
    for (size_t i = 0; i < self->configured_count; i++)
        configured |= self->configured[i] == id;
    if (!configured || is_voter(self, id))
        return;
    self->voters[self->voter_count++] = id;
    if (!self->observer && self->phase != PHASE_DECIDED)
        evaluate(self);
}

void zr_election_config_timings(zr_election_config_t *config, const zr_timings_t *timings)
{
    config->final_wait_ms = timings->election_final_wait_ms;
    config->initial_backoff_ms = timings->election_initial_backoff_ms;
    config->max_backoff_ms = timings->election_max_backoff_ms;
    config->startup_wait_ms = timings->election_startup_wait_ms;
}

static bool ids_valid(const zr_election_config_t *config)
{
    bool self_listed = false;
    for (size_t i = 0; i < config->voter_count; i++) {
        if (config->voter_ids[i] < 0)
            return false;
        for (size_t j = 0; j < i; j++)
            if (config->voter_ids[j] == config->voter_ids[i])
                return false;
        self_listed |= config->voter_ids[i] == config->self_id;
    }
    return config->self_id >= 0 && self_listed != config->observer;
}

static bool config_valid(const zr_election_config_t *config)
{
    return config && config->voter_ids && config->voter_count > 0 && ids_valid(config)
           && config->final_wait_ms >= 0 && config->initial_backoff_ms > 0
           && config->startup_wait_ms >= 0
           && config->max_backoff_ms >= config->initial_backoff_ms;
}

static zr_election_t *election_alloc(const zr_election_config_t *config)
{
    zr_election_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->voters = malloc(config->voter_count * sizeof *self->voters);
    self->configured = malloc(config->voter_count * sizeof *self->configured);
    bool ok = self->voters && self->configured && zr_ballots_init(&self->current, config->voter_count)
              && zr_ballots_init(&self->settled, config->voter_count)
              && zr_ballots_init(&self->heard, config->voter_count);
    if (!ok) {
        zr_election_destroy(&self);
        return NULL;
    }
    memcpy(self->voters, config->voter_ids, config->voter_count * sizeof *self->voters);
    memcpy(self->configured, config->voter_ids, config->voter_count * sizeof *self->configured);
    self->voter_count = self->configured_count = config->voter_count;
    self->outbox.item_size = sizeof(zr_election_output_t);
    self->changes.item_size = 2 * sizeof(zr_peer_state_t);
    return self;
}

zr_election_t *zr_election_new(const zr_election_config_t *config, int64_t now_ms)
{
    if (!config_valid(config))
        return NULL;
    zr_election_t *self = election_alloc(config);
    if (!self)
        return NULL;
    self->self_id = config->self_id;
    self->observer = config->observer;
    self->final_wait_ms = config->final_wait_ms;
    self->initial_backoff_ms = config->initial_backoff_ms;
    self->max_backoff_ms = config->max_backoff_ms;
    self->starting = !config->observer && config->startup_wait_ms > 0;
    self->startup_until = config->startup_wait_ms < INT64_MAX - now_ms
                              ? now_ms + config->startup_wait_ms : INT64_MAX;
    self->epoch = config->epoch;
    self->round = 1;
    self->now_ms = now_ms;
    startup_holds(self);   /* a voter alone has nobody to hear */
    self->state = self->observer ? ZR_PEER_OBSERVER : ZR_PEER_LOOKING;
    if (self->observer)
        observer_look(self);
    else {
        zr_vote_t own = self_vote(self);
        propose(self, &own);
        evaluate(self);
    }
    return self;
}

void zr_election_destroy(zr_election_t **self_p)
{
    zr_election_t *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    zr_ballots_fini(&self->current);
    zr_ballots_fini(&self->settled);
    zr_ballots_fini(&self->heard);
    free(self->voters);
    free(self->configured);
    free(self->outbox.items);
    free(self->changes.items);
    free(self);
    *self_p = NULL;
}
