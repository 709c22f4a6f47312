/* test_election: the election core alone, then many nodes on a deterministic simulated network
 * (seeded PRNG, random latency, drops, duplicates, virtual clock) with invariants every step. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "actors/election/zr_election.h"
#include "test_support.h"

/* ---- the core alone ------------------------------------------------------------------- */

static const int64_t three_voters[] = { 1, 2, 3 };

static zr_election_t *new_node(int64_t id, bool observer, int64_t final_wait, int64_t backoff)
{
    zr_election_config_t config = { id, observer, 0, three_voters, 3, final_wait, backoff, 8 * backoff, 0 };
    zr_election_t *election = zr_election_new(&config, 0);
    assert_non_null(election);
    return election;
}

static void deliver(zr_election_t *e, int64_t from, zr_peer_state_t state, int64_t leader,
                    uint64_t round, int64_t now)
{
    zr_notification_t n = { from, state, { leader, 0 }, round };
    zr_election_receive(e, &n, now);
}

/* Drains the outputs; returns how many there were and the last one in *last. */
static int drain(zr_election_t *e, zr_election_output_t *last)
{
    zr_election_output_t out;
    int count = 0;
    while (zr_election_next_output(e, &out)) {
        if (last)
            *last = out;
        count++;
    }
    return count;
}

static void votes_order_on_epoch_then_id(void **state)
{
    zr_vote_t low = { 9, 1 }, high = { 2, 2 }, same = { 9, 1 }, next = { 10, 1 };
    assert_true(zr_vote_supersedes(&high, &low));
    assert_false(zr_vote_supersedes(&low, &high));
    assert_true(zr_vote_supersedes(&next, &low));
    assert_false(zr_vote_supersedes(&same, &low));
    assert_true(zr_vote_equal(&same, &low));
    assert_int_equal(zr_quorum(1), 1);
    assert_int_equal(zr_quorum(4), 3);
    assert_int_equal(zr_quorum(7), 4);
}

static void bad_configs_are_refused(void **state)
{
    const int64_t twice[] = { 1, 1 }, negative[] = { 1, -2 };
    zr_election_config_t good = { 1, false, 0, three_voters, 3, 50, 50, 1000, 0 };
    zr_election_config_t cases[] = {
        { 4, false, 0, three_voters, 3, 50, 50, 1000, 0 },   /* voter not listed */
        { 1, true, 0, three_voters, 3, 50, 50, 1000, 0 },    /* observer listed */
        { 1, false, 0, twice, 2, 50, 50, 1000, 0 },
        { 1, false, 0, negative, 2, 50, 50, 1000, 0 },
        { 1, false, 0, three_voters, 0, 50, 50, 1000, 0 },
        { 1, false, 0, three_voters, 3, -1, 50, 1000, 0 },
        { 1, false, 0, three_voters, 3, 50, 0, 1000, 0 },
        { 1, false, 0, three_voters, 3, 50, 100, 50, 0 },
        { 1, false, 0, three_voters, 3, 50, 50, 1000, -1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (zr_election_new(&cases[i], 0))
            fail_msg("case %zu was accepted", i);
    assert_null(zr_election_new(NULL, 0));
    zr_election_t *e = zr_election_new(&good, 0);
    assert_non_null(e);
    zr_election_destroy(&e);
    assert_null(e);
    zr_election_destroy(&e);
}

static void timings_follow_the_base_interval(void **state)
{
    zr_election_config_t config = { 0 };
    zr_timings_t timings;
    zr_timings_default(&timings, 100);
    zr_election_config_timings(&config, &timings);
    assert_int_equal(config.final_wait_ms, 50);
    assert_int_equal(config.initial_backoff_ms, 50);
    assert_int_equal(config.max_backoff_ms, 1000);
    assert_int_equal(config.startup_wait_ms, 3000);
    zr_timings_default(&timings, 10);
    zr_election_config_timings(&config, &timings);
    assert_int_equal(config.final_wait_ms, 20);
    assert_int_equal(config.max_backoff_ms, 100);
}

/* Nobody answers: one broadcast per deadline, intervals 50, 100, 200, 400, then the cap. */
static void resends_back_off_to_the_cap(void **state)
{
    for (int observer = 0; observer <= 1; observer++) {
        zr_election_t *e = new_node(observer ? 0 : 1, observer, 50, 50);
        zr_election_output_t out;
        assert_int_equal(drain(e, &out), 1);
        assert_int_equal(out.kind, ZR_ELECTION_BROADCAST);
        assert_int_equal(out.notification.sender_state, observer ? ZR_PEER_OBSERVER : ZR_PEER_LOOKING);
        const int64_t intervals[] = { 50, 100, 200, 400, 400, 400 };
        int64_t now = 0;
        for (size_t i = 0; i < sizeof intervals / sizeof intervals[0]; i++) {
            assert_int_equal(zr_election_next_deadline(e), now + intervals[i]);
            zr_election_tick(e, now + intervals[i] - 1);
            assert_int_equal(drain(e, NULL), 0);
            now += intervals[i];
            zr_election_tick(e, now);
            assert_int_equal(drain(e, &out), 1);
            assert_int_equal(out.kind, ZR_ELECTION_BROADCAST);
        }
        assert_int_equal(zr_election_state(e), observer ? ZR_PEER_OBSERVER : ZR_PEER_LOOKING);
        zr_election_destroy(&e);
    }
}

/* A better vote inside the final wait restarts it; silence makes a promise, not a leader. */
static void final_wait_yields_then_promise_waits_for_leading(void **state)
{
    zr_election_t *e = new_node(1, false, 50, 1000);
    drain(e, NULL);
    deliver(e, 2, ZR_PEER_LOOKING, 2, 1, 0);
    assert_int_equal(drain(e, NULL), 1);
    assert_int_equal(zr_election_next_deadline(e), 50);   /* {1, 2} agree on 2: final wait */
    deliver(e, 3, ZR_PEER_LOOKING, 3, 1, 10);
    zr_election_output_t out;
    assert_int_equal(drain(e, &out), 1);
    assert_int_equal(out.notification.vote.leader_id, 3);
    assert_int_equal(zr_election_next_deadline(e), 60);
    zr_election_tick(e, 59);
    assert_int_equal(drain(e, NULL), 0);
    zr_election_tick(e, 60);
    assert_int_equal(drain(e, &out), 1);
    assert_int_equal(out.notification.sender_state, ZR_PEER_FOLLOWING);   /* the promise */
    assert_int_equal(zr_election_state(e), ZR_PEER_LOOKING);
    assert_false(zr_election_leader(e, NULL));
    zr_peer_state_t from, to;
    assert_false(zr_election_take_change(e, &from, &to));
    deliver(e, 3, ZR_PEER_LEADING, 3, 1, 70);
    assert_int_equal(zr_election_state(e), ZR_PEER_FOLLOWING);
    zr_vote_t leader;
    assert_true(zr_election_leader(e, &leader));
    assert_int_equal(leader.leader_id, 3);
    assert_true(zr_election_take_change(e, &from, &to));
    assert_int_equal(from, ZR_PEER_LOOKING);
    assert_int_equal(to, ZR_PEER_FOLLOWING);
    assert_int_equal(zr_election_next_deadline(e), INT64_MAX);
    zr_election_destroy(&e);
}

/* The candidate leads only once a quorum has promised it, and then says so to everyone. */
static void candidate_leads_on_promises_only(void **state)
{
    zr_election_t *e = new_node(3, false, 50, 1000);
    drain(e, NULL);
    deliver(e, 1, ZR_PEER_LOOKING, 3, 1, 0);
    deliver(e, 2, ZR_PEER_LOOKING, 3, 1, 0);
    zr_election_tick(e, 50);
    assert_int_equal(zr_election_state(e), ZR_PEER_LOOKING);
    deliver(e, 2, ZR_PEER_FOLLOWING, 3, 1, 60);
    assert_int_equal(zr_election_state(e), ZR_PEER_LEADING);
    zr_election_output_t out;
    assert_int_equal(drain(e, &out), 1);
    assert_int_equal(out.kind, ZR_ELECTION_BROADCAST);
    assert_int_equal(out.notification.sender_state, ZR_PEER_LEADING);
    zr_election_destroy(&e);
}

/* FOLLOWING/LEADING nodes answer LOOKING and OBSERVER senders directly, nobody else. */
static void stable_nodes_answer_the_asking_sender(void **state)
{
    zr_election_t *e = new_node(3, false, 0, 1000);
    deliver(e, 1, ZR_PEER_LOOKING, 3, 1, 0);
    zr_election_tick(e, 0);
    deliver(e, 1, ZR_PEER_FOLLOWING, 3, 1, 0);
    assert_int_equal(zr_election_state(e), ZR_PEER_LEADING);
    drain(e, NULL);
    const zr_peer_state_t asking[] = { ZR_PEER_LOOKING, ZR_PEER_OBSERVER };
    for (size_t i = 0; i < 2; i++) {
        deliver(e, i == 0 ? 2 : 7, asking[i], 2, 5, 10);
        zr_election_output_t out;
        assert_int_equal(drain(e, &out), 1);
        assert_int_equal(out.kind, ZR_ELECTION_SEND_TO);
        assert_int_equal(out.to_id, i == 0 ? 2 : 7);
        assert_int_equal(out.notification.sender_state, ZR_PEER_LEADING);
        assert_int_equal(out.notification.vote.leader_id, 3);
    }
    deliver(e, 2, ZR_PEER_FOLLOWING, 2, 1, 10);   /* not about us: no answer */
    deliver(e, 9, ZR_PEER_LOOKING, 3, 1, 10);     /* not a voter: no answer */
    assert_int_equal(drain(e, NULL), 0);
    zr_election_destroy(&e);
}

/* Makes node 1 of {1, 2, 3} follow 3 (final wait 0). */
static zr_election_t *new_follower_of_three(void)
{
    zr_election_t *e = new_node(1, false, 0, 1000);
    deliver(e, 3, ZR_PEER_LOOKING, 3, 1, 0);
    zr_election_tick(e, 0);
    deliver(e, 3, ZR_PEER_LEADING, 3, 1, 0);
    assert_int_equal(zr_election_state(e), ZR_PEER_FOLLOWING);
    drain(e, NULL);
    return e;
}

/* The leader failed: a new round at the next epoch, LOOKING, proposing itself; votes and
 * leaders of the old epoch are ignored from then on. */
static void restart_moves_to_the_next_epoch(void **state)
{
    zr_election_t *e = new_follower_of_three();
    zr_election_remove_voter(e, 3);
    assert_int_equal(zr_election_state(e), ZR_PEER_FOLLOWING);   /* the owner decides */
    zr_election_restart(e, 100);
    zr_peer_state_t from, to;
    assert_true(zr_election_take_change(e, &from, &to));
    assert_true(zr_election_take_change(e, &from, &to));
    assert_int_equal(from, ZR_PEER_FOLLOWING);
    assert_int_equal(to, ZR_PEER_LOOKING);
    assert_false(zr_election_leader(e, NULL));
    assert_int_equal(zr_election_epoch(e), 1);
    assert_int_equal(zr_election_round(e), 2);
    zr_election_output_t out;
    assert_int_equal(drain(e, &out), 1);
    assert_int_equal(out.notification.vote.leader_id, 1);
    assert_int_equal(out.notification.vote.epoch, 1);
    assert_int_equal(out.notification.round, 2);
    deliver(e, 2, ZR_PEER_LEADING, 2, 2, 110);     /* a leader of epoch 0: never again */
    deliver(e, 2, ZR_PEER_LOOKING, 2, 2, 110);     /* a vote of epoch 0: answered, not taken */
    assert_int_equal(drain(e, &out), 1);
    assert_int_equal(out.kind, ZR_ELECTION_SEND_TO);
    assert_int_equal(out.notification.vote.leader_id, 1);
    zr_notification_t better = { 2, ZR_PEER_LOOKING, { 2, 1 }, 2 };
    zr_election_receive(e, &better, 120);
    zr_election_tick(e, 120 + 50);
    assert_int_equal(zr_election_state(e), ZR_PEER_LOOKING);   /* promised 2, not following yet */
    better.sender_state = ZR_PEER_LEADING;
    zr_election_receive(e, &better, 200);
    zr_vote_t leader;
    assert_true(zr_election_leader(e, &leader));
    assert_int_equal(leader.leader_id, 2);
    assert_int_equal(leader.epoch, 1);
    zr_election_destroy(&e);
}

/* Removed voters no longer count: alone, node 1 becomes the leader of a cluster of one. */
static void removed_voters_shrink_the_quorum(void **state)
{
    zr_election_t *e = new_node(1, false, 50, 1000);
    assert_int_equal(zr_election_voter_count(e), 3);
    zr_election_remove_voter(e, 1);    /* never itself */
    zr_election_remove_voter(e, 9);    /* not a voter */
    zr_election_remove_voter(e, 2);
    assert_int_equal(zr_election_voter_count(e), 2);
    deliver(e, 3, ZR_PEER_LOOKING, 3, 1, 10);
    zr_election_remove_voter(e, 3);    /* the proposal goes: new round, propose itself */
    assert_int_equal(zr_election_round(e), 2);
    assert_int_equal(zr_election_next_deadline(e), 10 + 50);
    zr_election_tick(e, 60);
    assert_int_equal(zr_election_state(e), ZR_PEER_LEADING);
    deliver(e, 2, ZR_PEER_LOOKING, 1, 2, 70);   /* a removed voter gets no answer */
    zr_election_output_t out;
    assert_int_equal(drain(e, &out), 4);   /* itself, 3, itself in round 2, LEADING */
    assert_int_equal(out.notification.sender_state, ZR_PEER_LEADING);
    assert_int_equal(out.kind, ZR_ELECTION_BROADCAST);
    zr_election_destroy(&e);
}

/* A promise holds until its candidate gives up (a better vote of the same round), not on
 * stale news from an older round. */
static void promise_is_withdrawn_only_when_the_candidate_gives_up(void **state)
{
    zr_election_t *e = new_node(1, false, 0, 1000);
    deliver(e, 2, ZR_PEER_LOOKING, 2, 1, 0);
    zr_election_tick(e, 0);                       /* promised 2 */
    drain(e, NULL);
    deliver(e, 2, ZR_PEER_LOOKING, 2, 1, 5);      /* still collecting: the promise is renewed */
    zr_election_output_t out;
    assert_int_equal(drain(e, &out), 1);
    assert_int_equal(out.kind, ZR_ELECTION_SEND_TO);
    assert_int_equal(out.notification.sender_state, ZR_PEER_FOLLOWING);
    assert_int_equal(out.notification.vote.leader_id, 2);
    deliver(e, 2, ZR_PEER_LOOKING, 1, 0, 6);      /* stale (older round): ignored */
    assert_int_equal(drain(e, NULL), 0);
    deliver(e, 2, ZR_PEER_LOOKING, 3, 1, 7);      /* 2 moved on to 3: so do we */
    assert_int_equal(drain(e, &out), 1);
    assert_int_equal(out.kind, ZR_ELECTION_BROADCAST);
    assert_int_equal(out.notification.sender_state, ZR_PEER_LOOKING);
    assert_int_equal(out.notification.vote.leader_id, 3);
    zr_election_destroy(&e);
}

/* A voter ahead in epoch (it had promised a candidate that died) still joins the leader
 * that the rest elected: that leader and the joiner itself make the quorum of two. */
static void joiner_counts_itself_toward_the_quorum(void **state)
{
    zr_election_config_t config = { 1, false, 1, three_voters, 3, 50, 50, 400, 0 };
    zr_election_t *e = zr_election_new(&config, 0);
    zr_election_remove_voter(e, 2);
    deliver(e, 3, ZR_PEER_LEADING, 3, 1, 10);
    zr_vote_t leader;
    assert_true(zr_election_leader(e, &leader));
    assert_int_equal(leader.leader_id, 3);
    assert_int_equal(leader.epoch, 0);
    assert_int_equal(zr_election_state(e), ZR_PEER_FOLLOWING);
    zr_election_destroy(&e);
}

/* A voter of {1, 2, 3} whose resends (every 2 s) stay out of the way of a 1 s start-up wait. */
static zr_election_t *new_starting_node(int64_t id, int64_t startup_wait)
{
    zr_election_config_t config = { id, false, 0, three_voters, 3, 50, 2000, 2000, startup_wait };
    zr_election_t *election = zr_election_new(&config, 0);
    assert_non_null(election);
    drain(election, NULL);
    return election;
}

/* Node 3 has a quorum with 1 at once, but runs for leader only once 2 was heard too (the
 * final wait had passed, so at once then); without the wait it leads at the first promise. */
static void startup_wait_lasts_until_every_voter_is_heard(void **state)
{
    for (int64_t wait = 0; wait <= 1000; wait += 1000) {
        zr_election_t *e = new_starting_node(3, wait);
        deliver(e, 1, ZR_PEER_LOOKING, 3, 1, 0);
        assert_int_equal(zr_election_next_deadline(e), wait ? 1000 : 50);
        zr_election_tick(e, 50);
        deliver(e, 1, ZR_PEER_FOLLOWING, 3, 1, 60);
        assert_int_equal(zr_election_state(e), wait ? ZR_PEER_LOOKING : ZR_PEER_LEADING);
        deliver(e, 2, ZR_PEER_LOOKING, 2, 1, 100);
        assert_int_equal(zr_election_next_deadline(e), wait ? 50 : INT64_MAX);
        zr_election_tick(e, 100);
        assert_int_equal(zr_election_state(e), ZR_PEER_LEADING);
        zr_election_destroy(&e);
    }
}

/* Voter 2 never speaks: the wait ends at its deadline (which next_deadline reports), or as
 * soon as 2 is removed. */
static void startup_wait_ends_at_its_deadline_or_when_the_missing_voter_goes(void **state)
{
    for (int remove = 0; remove <= 1; remove++) {
        zr_election_t *e = new_starting_node(3, 1000);
        deliver(e, 1, ZR_PEER_LOOKING, 3, 1, 0);
        deliver(e, 1, ZR_PEER_FOLLOWING, 3, 1, 500);
        zr_election_tick(e, 999);
        assert_int_equal(zr_election_state(e), ZR_PEER_LOOKING);
        if (remove) {
            zr_election_remove_voter(e, 2);
            assert_int_equal(zr_election_next_deadline(e), 50);
        } else
            assert_int_equal(zr_election_next_deadline(e), 1000);
        zr_election_tick(e, 1000);
        assert_int_equal(zr_election_state(e), ZR_PEER_LEADING);
        zr_election_destroy(&e);
    }
}

/* Node 1 of {1, ..., 5} (or the observer) with a start-up wait of 1 s; voter 2 stays silent. */
static zr_election_t *new_starting_of_five(int64_t id)
{
    static const int64_t five_voters[] = { 1, 2, 3, 4, 5 };
    zr_election_config_t config = { id, id == 0, 0, five_voters, 5, 50, 2000, 2000, 1000 };
    zr_election_t *election = zr_election_new(&config, 0);
    assert_non_null(election);
    drain(election, NULL);
    return election;
}

/* Inside the wait: a decided cluster is joined at once, the observer learns at once, and the
 * election after a restart has only its final wait (though voter 2 was never heard). */
static void startup_wait_delays_no_join_and_no_later_election(void **state)
{
    zr_election_t *e = new_starting_of_five(1), *o = new_starting_of_five(0);
    deliver(o, 3, ZR_PEER_FOLLOWING, 5, 1, 10);
    for (zr_election_t *node = e; node; node = node == e ? o : NULL) {
        deliver(node, 4, ZR_PEER_FOLLOWING, 5, 1, 10);
        deliver(node, 5, ZR_PEER_LEADING, 5, 1, 10);
        zr_vote_t leader;
        assert_true(zr_election_leader(node, &leader));
        assert_int_equal(leader.leader_id, 5);
    }
    assert_int_equal(zr_election_state(e), ZR_PEER_FOLLOWING);
    zr_election_restart(e, 100);
    for (int64_t from = 3; from <= 4; from++) {
        zr_notification_t vote = { from, ZR_PEER_LOOKING, { 4, 1 }, 2 };
        zr_election_receive(e, &vote, 110);
    }
    assert_int_equal(zr_election_next_deadline(e), 110 + 50);
    zr_election_tick(e, 160);
    zr_election_output_t out;
    drain(e, &out);
    assert_int_equal(out.notification.sender_state, ZR_PEER_FOLLOWING);   /* promised 4 */
    zr_election_destroy(&e);
    zr_election_destroy(&o);
}

/* However often the observer "votes" (here: for a better voter), nobody counts or adopts it. */
static void observer_never_counts(void **state)
{
    zr_election_t *e = new_node(1, false, 50, 50);
    int64_t now = 0;
    for (int i = 0; i < 500; i++, now += 10) {
        deliver(e, 0, ZR_PEER_OBSERVER, 3, 1, now);
        zr_election_tick(e, now);
        zr_election_output_t out;
        while (zr_election_next_output(e, &out)) {
            assert_int_equal(out.kind, ZR_ELECTION_BROADCAST);
            assert_int_equal(out.notification.sender_state, ZR_PEER_LOOKING);
            assert_int_equal(out.notification.vote.leader_id, 1);
        }
    }
    assert_false(zr_election_leader(e, NULL));
    zr_election_destroy(&e);
}

/* ---- a deterministic simulated network ------------------------------------------------ */

#define SIM_MAX_NODES 10
#define SIM_MAX_EPOCHS 16
#define SIM_OBSERVER_ID 0

typedef struct {
    int64_t id;
    bool observer, started, alive, restart_first;
    int64_t start_ms, detect_at;           /* INT64_MAX: not yet / nothing to detect */
    zr_election_t *election;
    zr_peer_state_t state;                 /* as told by take_change */
    int64_t believed[SIM_MAX_EPOCHS];      /* the leader this node believed in each epoch */
} sim_node_t;

typedef struct {
    int64_t at;
    uint64_t seq;
    size_t to;
    zr_notification_t notification;
} sim_delivery_t;

typedef struct {
    double drop, duplicate;
    int64_t latency_min, latency_max;
} sim_network_t;

typedef struct {
    uint64_t seed, rng;
    int64_t now;
    sim_network_t net;
    sim_node_t nodes[SIM_MAX_NODES];
    size_t count;                          /* voters 1..n first, then the observer */
    int64_t voter_ids[SIM_MAX_NODES];
    size_t voter_count;
    int64_t agreed[SIM_MAX_EPOCHS];        /* the leader anyone believed in each epoch */
    int64_t dead_id;                       /* the node killed last */
    int64_t initial_backoff_ms;            /* 0: the default (the final wait) */
    int64_t startup_wait_ms;               /* 0: the default (3 s); < 0: none */
    int64_t settled_at[SIM_MAX_EPOCHS];    /* when the last node learned the epoch's leader */
    sim_delivery_t queue[1 << 14];         /* a binary heap on (at, seq) */
    size_t queued;
    uint64_t seq, messages;
} sim_t;

static uint64_t rng_next(uint64_t *rng)
{
    uint64_t z = (*rng += 0x9e3779b97f4a7c15ULL);   /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int64_t rng_between(uint64_t *rng, int64_t low, int64_t high)
{
    return low + (int64_t) (rng_next(rng) % (uint64_t) (high - low + 1));
}

static bool rng_chance(uint64_t *rng, double p)
{
    return (double) (rng_next(rng) >> 11) / (double) (1ULL << 53) < p;
}

static bool earlier(const sim_delivery_t *a, const sim_delivery_t *b)
{
    return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void heap_swap(sim_t *sim, size_t i, size_t j)
{
    sim_delivery_t tmp = sim->queue[i];
    sim->queue[i] = sim->queue[j];
    sim->queue[j] = tmp;
}

static void heap_push(sim_t *sim, const sim_delivery_t *delivery)
{
    if (sim->queued == sizeof sim->queue / sizeof sim->queue[0])
        fail_msg("seed %llu: delivery queue overflow", (unsigned long long) sim->seed);
    size_t i = sim->queued++;
    sim->queue[i] = *delivery;
    while (i > 0 && earlier(&sim->queue[i], &sim->queue[(i - 1) / 2])) {
        heap_swap(sim, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static sim_delivery_t heap_pop(sim_t *sim)
{
    sim_delivery_t top = sim->queue[0];
    sim->queue[0] = sim->queue[--sim->queued];
    for (size_t i = 0;;) {
        size_t smallest = i, left = 2 * i + 1, right = left + 1;
        if (left < sim->queued && earlier(&sim->queue[left], &sim->queue[smallest]))
            smallest = left;
        if (right < sim->queued && earlier(&sim->queue[right], &sim->queue[smallest]))
            smallest = right;
        if (smallest == i)
            return top;
        heap_swap(sim, i, smallest);
        i = smallest;
    }
}

static void sim_init(sim_t *sim, uint64_t seed, size_t voters, sim_network_t net)
{
    memset(sim, 0, offsetof(sim_t, queue));
    sim->queued = 0;
    sim->seq = sim->messages = 0;
    sim->seed = sim->rng = seed;
    sim->net = net;
    sim->voter_count = voters;
    sim->count = voters + 1;
    for (size_t i = 0; i < SIM_MAX_EPOCHS; i++)
        sim->agreed[i] = -1;
    for (size_t i = 0; i < sim->count; i++) {
        sim_node_t *node = &sim->nodes[i];
        node->observer = i == voters;
        node->id = node->observer ? SIM_OBSERVER_ID : (int64_t) i + 1;
        node->alive = true;
        node->detect_at = INT64_MAX;
        for (size_t j = 0; j < SIM_MAX_EPOCHS; j++)
            node->believed[j] = -1;
        if (!node->observer)
            sim->voter_ids[i] = node->id;
    }
}

static void sim_fini(sim_t *sim)
{
    for (size_t i = 0; i < sim->count; i++)
        zr_election_destroy(&sim->nodes[i].election);
}

static sim_node_t *sim_node(sim_t *sim, int64_t id)
{
    for (size_t i = 0; i < sim->count; i++)
        if (sim->nodes[i].id == id)
            return &sim->nodes[i];
    return NULL;
}

static void sim_send(sim_t *sim, size_t to, const zr_notification_t *n)
{
    for (int copy = 0; copy < 2; copy++) {
        if (copy == 1 && !rng_chance(&sim->rng, sim->net.duplicate))
            return;
        sim->messages++;
        if (rng_chance(&sim->rng, sim->net.drop))
            continue;
        sim_delivery_t d = { sim->now + rng_between(&sim->rng, sim->net.latency_min, sim->net.latency_max),
                             sim->seq++, to, *n };
        heap_push(sim, &d);
    }
}

/* After every step of a node: its beliefs never change within an epoch, and every node that
 * believes in a leader for an epoch believes in the same one. */
static void sim_check(sim_t *sim, sim_node_t *node)
{
    zr_vote_t leader;
    zr_peer_state_t state = zr_election_state(node->election);
    if (state != node->state)
        fail_msg("seed %llu: node %lld is %s but reported %s", (unsigned long long) sim->seed,
                 (long long) node->id, zr_peer_state_name(state), zr_peer_state_name(node->state));
    bool known = zr_election_leader(node->election, &leader);
    if (!node->observer && known != (state == ZR_PEER_FOLLOWING || state == ZR_PEER_LEADING))
        fail_msg("seed %llu: node %lld is %s with%s a leader", (unsigned long long) sim->seed,
                 (long long) node->id, zr_peer_state_name(state), known ? "" : "out");
    if (!known)
        return;
    if (leader.epoch >= SIM_MAX_EPOCHS)
        fail_msg("seed %llu: epoch %llu", (unsigned long long) sim->seed, (unsigned long long) leader.epoch);
    if ((state == ZR_PEER_LEADING) != (leader.leader_id == node->id))
        fail_msg("seed %llu: node %lld is %s for leader %lld", (unsigned long long) sim->seed,
                 (long long) node->id, zr_peer_state_name(state), (long long) leader.leader_id);
    int64_t *mine = &node->believed[leader.epoch], *everyone = &sim->agreed[leader.epoch];
    if ((*mine >= 0 && *mine != leader.leader_id) || (*everyone >= 0 && *everyone != leader.leader_id))
        fail_msg("seed %llu: at %lld node %lld believes in leader %lld for epoch %llu; it believed "
                 "%lld, others %lld", (unsigned long long) sim->seed, (long long) sim->now,
                 (long long) node->id, (long long) leader.leader_id,
                 (unsigned long long) leader.epoch, (long long) *mine, (long long) *everyone);
    if (*mine < 0)
        sim->settled_at[leader.epoch] = sim->now;
    *mine = *everyone = leader.leader_id;
}

/* Sends what the node queued and takes its state changes, then checks the invariants. */
static void sim_flush(sim_t *sim, sim_node_t *node)
{
    zr_election_output_t out;
    while (zr_election_next_output(node->election, &out)) {
        assert_true(out.notification.sender_id == node->id);
        for (size_t i = 0; i < sim->count; i++) {
            bool target = out.kind == ZR_ELECTION_BROADCAST ? &sim->nodes[i] != node
                                                            : sim->nodes[i].id == out.to_id;
            if (target)
                sim_send(sim, i, &out.notification);
        }
    }
    zr_peer_state_t from, to;
    while (zr_election_take_change(node->election, &from, &to)) {
        if (from != node->state || from == to)
            fail_msg("seed %llu: node %lld switched from %s to %s while %s", (unsigned long long) sim->seed,
                     (long long) node->id, zr_peer_state_name(from), zr_peer_state_name(to),
                     zr_peer_state_name(node->state));
        node->state = to;
    }
    sim_check(sim, node);
}

static void sim_start(sim_t *sim, sim_node_t *node)
{
    zr_election_config_t config = { node->id, node->observer, 0, sim->voter_ids, sim->voter_count, 0, 0, 0, 0 };
    zr_timings_t timings;
    zr_timings_default(&timings, ZR_TIMINGS_DEFAULT_BASE_MS);
    zr_election_config_timings(&config, &timings);
    if (sim->initial_backoff_ms)
        config.initial_backoff_ms = sim->initial_backoff_ms;
    if (sim->startup_wait_ms)
        config.startup_wait_ms = sim->startup_wait_ms < 0 ? 0 : sim->startup_wait_ms;
    node->election = zr_election_new(&config, sim->now);
    assert_non_null(node->election);
    node->started = true;
    node->state = zr_election_state(node->election);
    sim_flush(sim, node);
}

typedef enum { SIM_DELIVERY, SIM_START, SIM_TICK, SIM_DETECT } sim_event_t;

/* The next thing to happen and when: a delivery, or a start, timer or failure detection of
 * node *node_index. INT64_MAX when nothing is left. */
static int64_t sim_next(sim_t *sim, size_t *node_index, sim_event_t *event)
{
    int64_t next = sim->queued ? sim->queue[0].at : INT64_MAX;
    *event = SIM_DELIVERY;
    for (size_t i = 0; i < sim->count; i++) {
        sim_node_t *node = &sim->nodes[i];
        int64_t at = node->started ? zr_election_next_deadline(node->election) : node->start_ms;
        sim_event_t kind = node->started ? SIM_TICK : SIM_START;
        if (node->started && node->detect_at < at) {
            at = node->detect_at;
            kind = SIM_DETECT;
        }
        if (node->alive && at < next) {
            next = at;
            *node_index = i;
            *event = kind;
        }
    }
    return next;
}

/* What the peer server does when gossip declares a peer failed: it stops counting it, and
 * starts a new election if it was the leader (remove then restart, or the other way). */
static void sim_detect(sim_t *sim, sim_node_t *node)
{
    zr_vote_t leader;
    bool was_leader = zr_election_leader(node->election, &leader) && leader.leader_id == sim->dead_id;
    if (was_leader && node->restart_first)
        zr_election_restart(node->election, sim->now);
    zr_election_remove_voter(node->election, sim->dead_id);
    if (was_leader && !node->restart_first)
        zr_election_restart(node->election, sim->now);
    node->detect_at = INT64_MAX;
    sim_flush(sim, node);
}

/* Runs until nothing is pending (true) or the virtual clock passes `until` (false). */
static bool sim_run(sim_t *sim, int64_t until)
{
    for (;;) {
        size_t index = 0;
        sim_event_t event;
        int64_t next = sim_next(sim, &index, &event);
        if (next == INT64_MAX)
            return true;
        if (next > until)
            return false;
        sim->now = next < sim->now ? sim->now : next;
        sim_node_t *node = &sim->nodes[index];
        if (event == SIM_DELIVERY) {
            sim_delivery_t d = heap_pop(sim);
            node = &sim->nodes[d.to];
            if (!node->started || !node->alive)
                continue;   /* nobody listens on that port (yet) */
            zr_election_receive(node->election, &d.notification, sim->now);
            sim_flush(sim, node);
        } else if (event == SIM_START)
            sim_start(sim, node);
        else if (event == SIM_DETECT)
            sim_detect(sim, node);
        else {
            zr_election_tick(node->election, sim->now);
            sim_flush(sim, node);
        }
    }
}

#define ANY_EPOCH UINT64_MAX

/* Prints every node's view, to read a failing seed. */
static void sim_dump(const sim_t *sim)
{
    for (size_t i = 0; i < sim->count; i++) {
        const sim_node_t *node = &sim->nodes[i];
        zr_vote_t leader = { -1, 0 };
        if (!node->started)
            continue;
        bool known = zr_election_leader(node->election, &leader);
        print_message("node %lld%s: %s, epoch %llu, round %llu, leader %lld/%llu%s, voters %zu\n",
                      (long long) node->id, node->alive ? "" : " (dead)",
                      zr_peer_state_name(zr_election_state(node->election)),
                      (unsigned long long) zr_election_epoch(node->election),
                      (unsigned long long) zr_election_round(node->election), (long long) leader.leader_id,
                      (unsigned long long) leader.epoch, known ? "" : " (none)",
                      zr_election_voter_count(node->election));
    }
}

/* Runs until nothing is pending; fails (showing every node) if that takes past `until`. */
static void sim_quiet(sim_t *sim, int64_t until)
{
    if (!sim_run(sim, until)) {
        sim_dump(sim);
        fail_msg("seed %llu: still busy at %lld virtual ms", (unsigned long long) sim->seed,
                 (long long) sim->now);
    }
}

/* Totals over the runs of one randomized test, printed at its end. */
typedef struct {
    int runs;
    uint64_t messages;
    int64_t slowest;       /* the latest virtual time any run became quiet */
    clock_t begun;
} sim_stats_t;

static void stats_add(sim_stats_t *stats, const sim_t *sim)
{
    stats->runs++;
    stats->messages += sim->messages;
    stats->slowest = sim->now > stats->slowest ? sim->now : stats->slowest;
}

static void stats_print(const sim_stats_t *stats, const char *what)
{
    print_message("%d %s: %llu messages, slowest quiet at %lld virtual ms, %.2f s\n", stats->runs,
                  what, (unsigned long long) stats->messages, (long long) stats->slowest,
                  (double) (clock() - stats->begun) / CLOCKS_PER_SEC);
}

/* Every live voter agrees on one LEADING voter, the observer learned it; returns it. */
static zr_vote_t sim_expect_one_leader(sim_t *sim, int64_t expected_id, uint64_t expected_epoch)
{
    zr_vote_t agreed = { -1, 0 };
    for (size_t i = 0; i < sim->count; i++) {
        sim_node_t *node = &sim->nodes[i];
        zr_vote_t leader;
        if (!node->alive || !node->started)
            continue;
        if (!zr_election_leader(node->election, &leader))
            fail_msg("seed %llu: node %lld has no leader (%s)", (unsigned long long) sim->seed,
                     (long long) node->id, zr_peer_state_name(zr_election_state(node->election)));
        if (agreed.leader_id < 0)
            agreed = leader;
        if (!zr_vote_equal(&leader, &agreed))
            fail_msg("seed %llu: node %lld follows %lld/%llu, another %lld/%llu", (unsigned long long) sim->seed,
                     (long long) node->id, (long long) leader.leader_id, (unsigned long long) leader.epoch,
                     (long long) agreed.leader_id, (unsigned long long) agreed.epoch);
    }
    sim_node_t *leader = sim_node(sim, agreed.leader_id);
    assert_non_null(leader);
    assert_int_equal(zr_election_state(leader->election), ZR_PEER_LEADING);
    if ((expected_id >= 0 && agreed.leader_id != expected_id)
        || (expected_epoch != ANY_EPOCH && agreed.epoch != expected_epoch))
        fail_msg("seed %llu: leader %lld/%llu, expected %lld/%llu", (unsigned long long) sim->seed,
                 (long long) agreed.leader_id, (unsigned long long) agreed.epoch,
                 (long long) expected_id, (unsigned long long) expected_epoch);
    return agreed;
}

static const sim_network_t perfect = { 0, 0, 1, 5 };
static const sim_network_t lossy = { 0.25, 0.1, 1, 10 };

/* Voters start in `order` (node ids) at increasing random offsets within `window` ms; the
 * observer at a random offset in it too. */
static void sim_schedule(sim_t *sim, const int64_t *order, int64_t window)
{
    int64_t offsets[SIM_MAX_NODES];
    for (size_t i = 0; i < sim->voter_count; i++) {
        offsets[i] = rng_between(&sim->rng, 0, window - 1);
        for (size_t j = i; j > 0 && offsets[j] < offsets[j - 1]; j--) {
            int64_t tmp = offsets[j];
            offsets[j] = offsets[j - 1];
            offsets[j - 1] = tmp;
        }
    }
    for (size_t i = 0; i < sim->voter_count; i++)
        sim_node(sim, order[i])->start_ms = offsets[i];
    sim_node(sim, SIM_OBSERVER_ID)->start_ms = rng_between(&sim->rng, 0, window - 1);
}

/* Runs of a randomized test: `normal`, scaled down under valgrind, or ZRUN_TEST_ELECTION_RUNS
 * (for soak runs). */
static int runs_of(int normal)
{
    const char *soak = getenv("ZRUN_TEST_ELECTION_RUNS");
    return soak ? atoi(soak) : test_iterations(normal);
}

/* One start-up with no faults, all within a window shorter than the final wait. Odd seeds
 * use the peer server's first resend (the base interval, twice the final wait): a node that
 * started early must not be missed by the others' final wait before it resends. */
static void run_startup(sim_stats_t *stats, uint64_t seed, const int64_t *order, size_t voters)
{
    static sim_t sim;
    sim_init(&sim, seed, voters, perfect);
    sim.initial_backoff_ms = seed % 2 ? ZR_TIMINGS_DEFAULT_BASE_MS : 0;
    sim_schedule(&sim, order, 40);
    sim_quiet(&sim, 60000);
    sim_expect_one_leader(&sim, (int64_t) voters, 0);
    stats_add(stats, &sim);
    sim_fini(&sim);
}

static bool next_permutation(int64_t *a, size_t n)
{
    size_t i = n - 1;
    while (i > 0 && a[i - 1] >= a[i])
        i--;
    if (i == 0)
        return false;
    size_t j = n - 1;
    while (a[j] <= a[i - 1])
        j--;
    int64_t tmp = a[i - 1];
    a[i - 1] = a[j];
    a[j] = tmp;
    for (size_t l = i, r = n - 1; l < r; l++, r--) {
        tmp = a[l];
        a[l] = a[r];
        a[r] = tmp;
    }
    return true;
}

static void every_start_order_elects_the_highest(void **state)
{
    const size_t sizes[] = { 3, 5 };
    sim_stats_t stats = { .begun = clock() };
    for (size_t s = 0; s < 2; s++) {
        int64_t order[SIM_MAX_NODES];
        for (size_t i = 0; i < sizes[s]; i++)
            order[i] = (int64_t) i + 1;
        uint64_t seed = 1000 * sizes[s];
        do {
            run_startup(&stats, seed++, order, sizes[s]);
            run_startup(&stats, seed++, order, sizes[s]);
        } while (next_permutation(order, sizes[s]));
    }
    assert_int_equal(stats.runs, 2 * (6 + 120));
    stats_print(&stats, "start-ups of 3 and 5 voters in every order");
}

/* Ids 1..n in a random order (Fisher-Yates). */
static void random_order(uint64_t *dice, int64_t *order, size_t n)
{
    for (size_t i = 0; i < n; i++)
        order[i] = (int64_t) i + 1;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t) rng_between(dice, 0, (int64_t) i);
        int64_t tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
}

static void random_start_orders_of_eight_elect_the_highest(void **state)
{
    int runs = runs_of(2000);
    sim_stats_t stats = { .begun = clock() };
    for (int run = 0; run < runs; run++) {
        uint64_t rng = 77 + (uint64_t) run;
        int64_t order[8];
        random_order(&rng, order, 8);
        run_startup(&stats, 8000 + (uint64_t) run, order, 8);
    }
    stats_print(&stats, "start-ups of 8 voters in random orders");
}

/* Drops 0..30 %, duplicates 0..20 %, latency from 1 ms up to 1..max_latency ms (reordering). */
static sim_network_t random_network(uint64_t *dice, int64_t max_latency)
{
    return (sim_network_t) { (double) rng_between(dice, 0, 30) / 100.0,
                             (double) rng_between(dice, 0, 20) / 100.0, 1,
                             rng_between(dice, 1, max_latency) };
}

/* Voters 1..n start in id order at random offsets within `window` ms (the observer too). */
static void sim_start_all(sim_t *sim, uint64_t seed, size_t voters, sim_network_t net, int64_t window)
{
    sim_init(sim, seed, voters, net);
    int64_t order[SIM_MAX_NODES];
    for (size_t i = 0; i < voters; i++)
        order[i] = (int64_t) i + 1;
    sim_schedule(sim, order, window);
}

/* Faulty network: drops up to 30 %, duplicates, reordering (latency spread), wide start-up. */
static void faults_still_elect_one_leader(void **state)
{
    int runs = runs_of(10000);
    sim_stats_t stats = { .begun = clock() };
    for (int run = 0; run < runs; run++) {
        static sim_t sim;
        uint64_t seed = 0xe1ec7 + (uint64_t) run, dice = ~seed;
        size_t voters = (size_t) rng_between(&dice, 1, 8);
        sim_network_t net = random_network(&dice, 40);
        sim_start_all(&sim, seed, voters, net, rng_between(&dice, 1, 400));
        sim_quiet(&sim, 600000);
        sim_expect_one_leader(&sim, -1, 0);
        stats_add(&stats, &sim);
        sim_fini(&sim);
    }
    stats_print(&stats, "runs with drops, duplicates and reordering");
}

/* A late voter with the highest id and a late observer join the leader already there. */
static void late_joiners_join_the_existing_leader(void **state)
{
    int runs = runs_of(200);
    sim_stats_t stats = { .begun = clock() };
    for (int run = 0; run < runs; run++) {
        static sim_t sim;
        bool faulty = run % 2;
        sim_start_all(&sim, 500 + (uint64_t) run, 5, faulty ? lossy : perfect, 20);
        sim_node_t *joiner = sim_node(&sim, 5), *observer = sim_node(&sim, SIM_OBSERVER_ID);
        joiner->start_ms = observer->start_ms = INT64_MAX;
        sim_quiet(&sim, 600000);
        zr_vote_t before = sim_expect_one_leader(&sim, faulty ? -1 : 4, 0);
        joiner->start_ms = sim.now + 1000;
        observer->start_ms = sim.now + 3000;
        sim_quiet(&sim, sim.now + 600000);
        zr_vote_t after = sim_expect_one_leader(&sim, faulty ? -1 : 4, 0);
        assert_true(zr_vote_equal(&before, &after));
        stats_add(&stats, &sim);
        sim_fini(&sim);
    }
    stats_print(&stats, "late joins");
}

/* Kills a node; each survivor (observer included) detects it within `window` ms. */
static void sim_kill(sim_t *sim, int64_t id, int64_t window)
{
    sim_node(sim, id)->alive = false;
    sim->dead_id = id;
    for (size_t i = 0; i < sim->count; i++) {
        sim_node_t *node = &sim->nodes[i];
        node->detect_at = node->alive ? sim->now + rng_between(&sim->rng, 0, window) : INT64_MAX;
        node->restart_first = rng_chance(&sim->rng, 0.5);
    }
}

/* 7 voters; the leader dies three times. Perfect network with every survivor noticing at once:
 * the highest survivor leads at the next epoch. Lossy network with each noticing at its own
 * time: one leader at the next epoch. Every third run voter 1 starts only after the first
 * failure, at epoch 0, and must join the epoch-1 leader. */
static void leader_failure_elects_the_next_at_a_higher_epoch(void **state)
{
    int runs = runs_of(300);
    sim_stats_t stats = { .begun = clock() };
    for (int run = 0; run < runs; run++) {
        static sim_t sim;
        bool faulty = run % 2, late = run % 3 == 0;
        sim_start_all(&sim, 900 + (uint64_t) run, 7, faulty ? lossy : perfect, 20);
        if (late)
            sim_node(&sim, 1)->start_ms = INT64_MAX;
        for (uint64_t epoch = 0; epoch < 3; epoch++) {
            sim_quiet(&sim, sim.now + 600000);
            zr_vote_t leader = sim_expect_one_leader(&sim, faulty ? -1 : 7 - (int64_t) epoch, epoch);
            for (size_t i = 0; i < sim.count; i++)
                if (sim.nodes[i].alive && sim.nodes[i].started)
                    assert_int_equal(zr_election_voter_count(sim.nodes[i].election), 7 - epoch);
            sim_kill(&sim, leader.leader_id, faulty ? 300 : 0);
            if (late && epoch == 0)
                sim_node(&sim, 1)->start_ms = sim.now + 2000;
        }
        stats_add(&stats, &sim);
        sim_fini(&sim);
    }
    stats_print(&stats, "clusters losing three leaders in turn");
}

/* ---- the start-up wait ------------------------------------------------------------------ */

#define STARTUP_WAIT_MS (30 * ZR_TIMINGS_DEFAULT_BASE_MS)   /* zr_timings' default */

/* Voters start in `order`, one at a time, each 0..max_gap ms after the one before; the
 * observer somewhere in between. Returns when the last of them starts. */
static int64_t sim_start_one_by_one(sim_t *sim, const int64_t *order, size_t count, int64_t max_gap)
{
    int64_t at = 0;
    for (size_t i = 0; i < count; i++) {
        at += i ? rng_between(&sim->rng, 0, max_gap) : 0;
        sim_node(sim, order[i])->start_ms = at;
    }
    sim_node(sim, SIM_OBSERVER_ID)->start_ms = rng_between(&sim->rng, 0, at);
    return at;
}

/* Like `zrun cluster`: 2..8 voters start one at a time in a random order, each up to 300 ms
 * after the one before (at most 2.1 s in all, less than the start-up wait), on a network with
 * drops, duplicates and reordering: the highest id leads and everyone, the observer too,
 * knows it. */
static void one_by_one_starts_elect_the_highest(void **state)
{
    int runs = runs_of(20000);
    sim_stats_t stats = { .begun = clock() };
    for (int run = 0; run < runs; run++) {
        static sim_t sim;
        uint64_t seed = 0x57a27 + (uint64_t) run, dice = ~seed;
        size_t voters = (size_t) rng_between(&dice, 2, 8);
        sim_init(&sim, seed, voters, random_network(&dice, 40));
        int64_t order[SIM_MAX_NODES];
        random_order(&dice, order, voters);
        assert_true(sim_start_one_by_one(&sim, order, voters, 300) < STARTUP_WAIT_MS);
        sim_quiet(&sim, 600000);
        sim_expect_one_leader(&sim, (int64_t) voters, 0);
        stats_add(&stats, &sim);
        sim_fini(&sim);
    }
    stats_print(&stats, "one-by-one start-ups with faults, the highest elected");
}

/* A start-up on a perfect network with the given wait (< 0: none); returns the leader's id.
 * late_ms 0: one by one as above; else all together but the highest, late_ms later. */
static int64_t startup_leader(uint64_t seed, size_t voters, int64_t late_ms, int64_t startup_wait)
{
    static sim_t sim;
    sim_init(&sim, seed, voters, perfect);
    sim.startup_wait_ms = startup_wait;
    uint64_t dice = ~seed;
    int64_t order[SIM_MAX_NODES];
    random_order(&dice, order, voters);
    if (late_ms)
        sim_node(&sim, (int64_t) voters)->start_ms = late_ms;
    else
        sim_start_one_by_one(&sim, order, voters, 300);
    sim_quiet(&sim, 600000);
    int64_t leader = sim_expect_one_leader(&sim, -1, 0).leader_id;
    sim_fini(&sim);
    return leader;
}

/* The old behaviour is still there with the wait off: early nodes elect among themselves
 * (1 and 2 start together, 3 a second later and follows 2; with the wait 3 leads). */
static void without_startup_wait_early_nodes_elect_among_themselves(void **state)
{
    assert_int_equal(startup_leader(42, 3, 1000, -1), 2);
    assert_int_equal(startup_leader(42, 3, 1000, 0), 3);
    int runs = runs_of(1000), lower = 0;
    for (int run = 0; run < runs; run++)
        lower += startup_leader(0x10e + (uint64_t) run, 7, 0, -1) < 7;
    print_message("without the wait, %d of %d one-by-one start-ups of 7 elected a lower id\n",
                  lower, runs);
    assert_true(lower > runs / 10);
}

/* Voters 1..n-1 start one at a time; n, the highest, starts 1..3 s after their start-up
 * waits ended (on the lossy network: or once they all know their leader, if that is later):
 * it joins their leader (n-1 on a perfect network) rather than taking over. */
static void voter_starting_after_the_wait_joins_the_leader(void **state)
{
    int runs = runs_of(2000);
    sim_stats_t stats = { .begun = clock() };
    for (int run = 0; run < runs; run++) {
        static sim_t sim;
        bool faulty = run % 2;
        uint64_t seed = 0x1a7e + (uint64_t) run, dice = ~seed;
        size_t voters = (size_t) rng_between(&dice, 3, 8);
        int64_t order[SIM_MAX_NODES], expected = faulty ? -1 : (int64_t) voters - 1;
        sim_init(&sim, seed, voters, faulty ? lossy : perfect);
        random_order(&dice, order, voters - 1);
        int64_t last = sim_start_one_by_one(&sim, order, voters - 1, 300);
        sim_node_t *late = sim_node(&sim, (int64_t) voters);
        late->start_ms = INT64_MAX;
        sim_quiet(&sim, 600000);
        int64_t planned = last + STARTUP_WAIT_MS + rng_between(&dice, 1000, 3000);
        assert_true(faulty || sim.now < planned);
        late->start_ms = planned > sim.now ? planned : sim.now + 1;
        zr_vote_t before = sim_expect_one_leader(&sim, expected, 0);
        sim_quiet(&sim, 600000);
        zr_vote_t after = sim_expect_one_leader(&sim, expected, 0);
        assert_true(zr_vote_equal(&before, &after));
        assert_int_equal(zr_election_state(late->election), ZR_PEER_FOLLOWING);
        stats_add(&stats, &sim);
        sim_fini(&sim);
    }
    stats_print(&stats, "voters starting after the wait");
}

/* Kills the leader at `kill_at` (reseeding the network) and returns how long, in virtual ms,
 * until the last node learned the next leader; *leader_id is the one that died. */
static int64_t sim_fail_over(sim_t *sim, uint64_t seed, int64_t kill_at, int64_t *leader_id)
{
    uint64_t epoch = sim_expect_one_leader(sim, -1, ANY_EPOCH).epoch;
    *leader_id = sim_expect_one_leader(sim, -1, epoch).leader_id;
    sim->now = kill_at;
    sim->rng = seed;
    sim_kill(sim, *leader_id, sim->net.drop > 0 ? 300 : 0);
    sim_quiet(sim, sim->now + 600000);
    sim_expect_one_leader(sim, -1, epoch + 1);
    return sim->settled_at[epoch + 1] - kill_at;
}

/* The start-up before the fail-overs below: 7 voters within 20 ms on a perfect network, the
 * wait on or off. Runs 2 and 3 (mod 4): voter 1 never starts, so nobody hears every voter and,
 * with the wait, the first leader comes only when it ends. Run 3: voter 7 starts only once 6
 * leads, and joins it inside its own wait. Returns when the first leader should be killed. */
static int64_t sim_start_for_fail_over(sim_t *sim, uint64_t seed, int run, bool wait)
{
    bool missing = run % 4 >= 2, late = run % 4 == 3;
    sim_start_all(sim, seed, 7, perfect, 20);
    sim->startup_wait_ms = wait ? 0 : -1;
    if (missing)
        sim_node(sim, 1)->start_ms = INT64_MAX;
    if (late)
        sim_node(sim, 7)->start_ms = INT64_MAX;
    sim_quiet(sim, 600000);
    assert_true(wait && missing ? sim->settled_at[0] >= STARTUP_WAIT_MS : sim->now < 500);
    if (late) {
        sim_node(sim, 7)->start_ms = sim->now + 100;
        sim_quiet(sim, 600000);
        assert_int_equal(zr_election_state(sim_node(sim, 7)->election), ZR_PEER_FOLLOWING);
    }
    sim->net = run % 2 ? lossy : perfect;
    return missing ? sim->now + 100 : 500;
}

/* Three fail-overs, the first inside a start-up wait (of all voters, or of the late voter 7,
 * which then is the best candidate); see sim_start_for_fail_over. Each takes exactly as long,
 * in virtual time, with the wait as without it (same seeds; the network is lossy in odd runs). */
static void startup_wait_does_not_slow_down_fail_over(void **state)
{
    int runs = runs_of(1000);
    int64_t total = 0, slowest = 0;
    for (int run = 0; run < runs; run++) {
        int64_t took[2][3], dead[2][3];
        for (int wait = 0; wait < 2; wait++) {
            static sim_t sim;
            uint64_t seed = 0xfa11 + (uint64_t) run;
            int64_t kill_at = sim_start_for_fail_over(&sim, seed, run, wait);
            for (int i = 0; i < 3; i++) {
                kill_at = i ? sim.now + 100 : kill_at;
                took[wait][i] = sim_fail_over(&sim, seed * 3 + (uint64_t) i, kill_at, &dead[wait][i]);
            }
            sim_fini(&sim);
        }
        for (int i = 0; i < 3; i++) {
            if (took[0][i] != took[1][i] || dead[0][i] != dead[1][i])
                fail_msg("run %d, fail-over %d: %lld ms without the wait, %lld ms with it", run, i,
                         (long long) took[0][i], (long long) took[1][i]);
            total += took[1][i];
            slowest = took[1][i] > slowest ? took[1][i] : slowest;
        }
    }
    print_message("%d fail-overs take as long with the start-up wait as without: mean %lld, "
                  "slowest %lld virtual ms\n", 3 * runs, (long long) (total / (3 * runs)),
                  (long long) slowest);
}

/* Faulty network and a crash at a random moment, often mid-election (the candidate, a promised
 * leader or a plain voter), detected by each survivor at its own time. */
static void crashes_mid_election_still_elect_one_leader(void **state)
{
    int runs = runs_of(5000);
    sim_stats_t stats = { .begun = clock() };
    for (int run = 0; run < runs; run++) {
        static sim_t sim;
        uint64_t seed = 0xc4a5 + (uint64_t) run, dice = ~seed;
        size_t voters = (size_t) rng_between(&dice, 2, 8);
        sim_start_all(&sim, seed, voters, random_network(&dice, 20), 20);
        int64_t crash_at = rng_between(&dice, 0, 300);
        sim_run(&sim, crash_at);
        sim.now = crash_at > sim.now ? crash_at : sim.now;
        sim_kill(&sim, rng_between(&dice, 1, (int64_t) voters), rng_between(&dice, 0, 300));
        sim_quiet(&sim, 600000);
        sim_expect_one_leader(&sim, -1, ANY_EPOCH);
        stats_add(&stats, &sim);
        sim_fini(&sim);
    }
    stats_print(&stats, "runs with a crash mid-election");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(votes_order_on_epoch_then_id),
        cmocka_unit_test(bad_configs_are_refused),
        cmocka_unit_test(timings_follow_the_base_interval),
        cmocka_unit_test(resends_back_off_to_the_cap),
        cmocka_unit_test(final_wait_yields_then_promise_waits_for_leading),
        cmocka_unit_test(candidate_leads_on_promises_only),
        cmocka_unit_test(stable_nodes_answer_the_asking_sender),
        cmocka_unit_test(restart_moves_to_the_next_epoch),
        cmocka_unit_test(removed_voters_shrink_the_quorum),
        cmocka_unit_test(promise_is_withdrawn_only_when_the_candidate_gives_up),
        cmocka_unit_test(joiner_counts_itself_toward_the_quorum),
        cmocka_unit_test(startup_wait_lasts_until_every_voter_is_heard),
        cmocka_unit_test(startup_wait_ends_at_its_deadline_or_when_the_missing_voter_goes),
        cmocka_unit_test(startup_wait_delays_no_join_and_no_later_election),
        cmocka_unit_test(observer_never_counts),
        cmocka_unit_test(every_start_order_elects_the_highest),
        cmocka_unit_test(random_start_orders_of_eight_elect_the_highest),
        cmocka_unit_test(faults_still_elect_one_leader),
        cmocka_unit_test(late_joiners_join_the_existing_leader),
        cmocka_unit_test(leader_failure_elects_the_next_at_a_higher_epoch),
        cmocka_unit_test(crashes_mid_election_still_elect_one_leader),
        cmocka_unit_test(one_by_one_starts_elect_the_highest),
        cmocka_unit_test(without_startup_wait_early_nodes_elect_among_themselves),
        cmocka_unit_test(voter_starting_after_the_wait_joins_the_leader),
        cmocka_unit_test(startup_wait_does_not_slow_down_fail_over),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
