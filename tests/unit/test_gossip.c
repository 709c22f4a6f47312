/* test_gossip: the gossip failure detector's core alone: config, heartbeats and targets, merge
 * rules, suspicion and refutation, failure per incarnation, local health, rejoin signals, cleanup,
 * own pauses, splitting, codec round trip, log texts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "actors/gossip/zr_gossip.h"
#include "actors/gossip/zr_gossip_text.h"

#define BASE 100
#define SUSPECT 500
#define FAIL 1000
#define CLEANUP 2000
#define GRACE 3000
#define INC 7          /* the incarnation every member is in, unless a test says otherwise */

static const int64_t five[] = { 0, 1, 2, 3, 4 };   /* 0 is the gateway */

static zr_gossip_config_t config_for(int64_t self_id, const int64_t *ids, size_t count)
{
    zr_gossip_config_t config = { .self_id = self_id, .self_incarnation = INC, .server_ids = ids,
                                  .server_count = count, .random_seed = 42 };
    zr_timings_t timings;
    zr_timings_default(&timings, BASE);
    zr_gossip_config_timings(&config, &timings);
    config.startup_grace_ms = GRACE;   /* finite here, to test the grace itself */
    return config;
}

static zr_gossip_t *new_node(int64_t self_id, int64_t now)
{
    zr_gossip_config_t config = config_for(self_id, five, 5);
    zr_gossip_t *gossip = zr_gossip_new(&config, now);
    assert_non_null(gossip);
    return gossip;
}

static void drain_outputs(zr_gossip_t *g)
{
    zr_gossip_output_t out;
    while (zr_gossip_next_output(g, &out))
        ;
}

/* Ticks every interval from `from` to `until` (both included), sending nothing anywhere. */
static void idle(zr_gossip_t *g, int64_t from, int64_t until)
{
    for (int64_t now = from; now <= until; now += BASE) {
        zr_gossip_tick(g, now);
        drain_outputs(g);
    }
}

/* Drains the facts; counts those of `kind` and keeps the last of them in *last. */
static int drain_facts(zr_gossip_t *g, zr_gossip_fact_kind_t kind, zr_gossip_fact_t *last)
{
    static zr_gossip_fact_t fact;
    int count = 0;
    while (zr_gossip_next_fact(g, &fact))
        if (fact.kind == kind) {
            count++;
            if (last)
                *last = fact;
        }
    return count;
}

/* Drains the changes; counts those about id in `state` (any id when id < 0). */
static int drain_changes(zr_gossip_t *g, int64_t id, zr_gossip_state_t state)
{
    zr_gossip_change_t change;
    int count = 0;
    while (zr_gossip_next_change(g, &change))
        count += (id < 0 || change.id == id) && change.state == state;
    return count;
}

static void heartbeat_from(zr_gossip_t *g, int64_t from, uint64_t incarnation, uint64_t seq, int64_t now)
{
    zr_gossip_msg_t msg = { .sender_id = from, .sender_incarnation = incarnation, .sender_seq = seq };
    zr_gossip_receive(g, &msg, now);
}

static void heartbeat(zr_gossip_t *g, int64_t from, uint64_t seq, int64_t now)
{
    heartbeat_from(g, from, INC, seq, now);
}

static zr_gossip_server_t server_of(const zr_gossip_t *g, int64_t id)
{
    zr_gossip_server_t server;
    for (size_t i = 0; zr_gossip_server_at(g, i, &server); i++)
        if (server.id == id)
            return server;
    fail_msg("server %lld not in the table", (long long) id);
    return server;
}

static uint64_t known_seq(const zr_gossip_t *g, int64_t id, zr_gossip_state_t *state)
{
    zr_gossip_server_t server = server_of(g, id);
    if (state)
        *state = server.state;
    return server.seq;
}

static void bad_configs_are_refused(void **state)
{
    const int64_t twice[] = { 1, 2, 2 }, negative[] = { 1, -2 };
    zr_gossip_config_t good = config_for(1, five, 5);
    enum { CASES = 12 };
    zr_gossip_config_t cases[CASES];
    for (size_t i = 0; i < CASES; i++)
        cases[i] = good;
    cases[0].self_id = -1;
    cases[1].server_ids = twice, cases[1].server_count = 3;
    cases[2].server_ids = negative, cases[2].server_count = 2;
    cases[3].base_interval_ms = 0;
    cases[4].fail_after_ms = BASE;
    cases[5].cleanup_after_ms = FAIL - 1;
    cases[6].startup_grace_ms = -1;
    cases[7].max_entries = ZR_GOSSIP_MSG_MAX_ENTRIES + 1;
    cases[8].server_ids = NULL;
    cases[9].self_incarnation = 0;
    cases[10].suspect_after_ms = FAIL;
    cases[11].max_health = 17;
    for (size_t i = 0; i < CASES; i++)
        if (zr_gossip_new(&cases[i], 0))
            fail_msg("case %zu was accepted", i);
    assert_null(zr_gossip_new(NULL, 0));
    zr_gossip_t *g = zr_gossip_new(&good, 0);
    assert_non_null(g);
    zr_gossip_destroy(&g);
    assert_null(g);
    zr_gossip_destroy(&g);
}

static void defaults_derive_from_the_base(void **state)
{
    zr_gossip_config_t config = { 0 };
    zr_timings_t timings;
    zr_timings_default(&timings, BASE);
    zr_gossip_config_timings(&config, &timings);
    assert_int_equal(config.suspect_after_ms, SUSPECT);
    assert_int_equal(config.fail_after_ms, FAIL);
    assert_int_equal(config.cleanup_after_ms, CLEANUP);
    assert_int_equal(config.max_health, 4);
    assert_int_equal(config.startup_grace_ms, ZR_TIMING_NEVER);   /* never heard: not failed */
}

/* Each interval: sequence + 1, the table to one live peer, a bare heartbeat to the others; every
 * message names the sender's incarnation and view. */
static void every_interval_beats_to_all_and_gossips_to_one(void **state)
{
    zr_gossip_t *g = new_node(2, 1000);
    zr_gossip_view_t view = { ZR_GOSSIP_VIEW_LEADER, 4, 3, 1, 2, 40 };
    zr_gossip_set_view(g, &view);
    assert_int_equal(zr_gossip_next_deadline(g), 1000);
    heartbeat(g, 3, 7, 1000);
    for (int interval = 0; interval < 3; interval++) {
        int64_t now = 1000 + interval * BASE;
        assert_int_equal(zr_gossip_next_deadline(g), now);
        zr_gossip_tick(g, now);
        zr_gossip_output_t out;
        bool seen[5] = { false };
        int tables = 0;
        while (zr_gossip_next_output(g, &out)) {
            assert_int_equal(out.msg.sender_id, 2);
            assert_int_equal(out.msg.sender_incarnation, INC);
            assert_int_equal(out.msg.sender_seq, interval + 1);
            assert_true(out.msg.view.leader_id == view.leader_id && out.msg.view.epoch == view.epoch
                        && out.msg.view.flags == view.flags && out.msg.view.jobs_done == view.jobs_done);
            assert_false(seen[out.to_id]);
            seen[out.to_id] = true;
            tables += out.msg.count == 1;   /* the only row is server 3 at 7 */
        }
        assert_int_equal(tables, 1);
        assert_true(seen[0] && seen[1] && seen[3] && seen[4] && !seen[2]);
    }
    zr_gossip_stats_t stats;
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.heartbeat_seq, 3);
    assert_int_equal(stats.incarnation, INC);
    assert_int_equal(stats.sent, 12);
    zr_gossip_destroy(&g);
}

/* The same seed picks the same targets; over many intervals every live peer is picked. */
static void targets_are_seeded_and_cover_every_peer(void **state)
{
    zr_gossip_t *a = new_node(1, 0), *b = new_node(1, 0);
    int picked[5] = { 0 };
    for (int64_t now = 0; now < 100 * BASE; now += BASE) {
        for (int64_t id = 0; id <= 4; id++)   /* keep everyone alive */
            if (id != 1) {
                heartbeat(a, id, (uint64_t) now + 1, now);
                heartbeat(b, id, (uint64_t) now + 1, now);
            }
        zr_gossip_tick(a, now);
        zr_gossip_tick(b, now);
        zr_gossip_output_t from_a, from_b;
        while (zr_gossip_next_output(a, &from_a)) {
            assert_true(zr_gossip_next_output(b, &from_b));
            assert_int_equal(from_a.to_id, from_b.to_id);
            assert_int_equal(from_a.msg.count, from_b.msg.count);
            picked[from_a.to_id] += from_a.msg.count > 0;
        }
    }
    for (int id = 0; id < 5; id++)
        if (id != 1 && picked[id] < 10)
            fail_msg("peer %d picked %d times in 100 intervals", id, picked[id]);
    zr_gossip_destroy(&a);
    zr_gossip_destroy(&b);
}

static void next_line(zr_gossip_t *g, zr_gossip_fact_kind_t kind, char *line, size_t size)
{
    zr_gossip_fact_t fact;
    assert_true(zr_gossip_next_fact(g, &fact));
    assert_int_equal(fact.kind, kind);
    zr_gossip_fact_text(&fact, line, size);
}

static void log_lines_are_exact(void **state)
{
    char line[ZR_GOSSIP_TEXT_MAX];
    zr_gossip_t *g = new_node(3, 0);
    zr_gossip_msg_t msg = { .sender_id = 2, .sender_incarnation = INC, .sender_seq = 9, .count = 1,
                            .entries = { { 4, INC, 17, 0 } } };
    zr_gossip_receive(g, &msg, 250);
    next_line(g, ZR_GOSSIP_FACT_RECEIVED, line, sizeof line);
    assert_string_equal(line, "3: gossip from 2 (incarnation 7) at node time 250: heartbeat 9, 1 rows: 4=17");
    next_line(g, ZR_GOSSIP_FACT_JOINED, line, sizeof line);
    assert_string_equal(line, "3: server 2 joined as incarnation 7 (heard from 2)");
    next_line(g, ZR_GOSSIP_FACT_JOINED, line, sizeof line);
    assert_string_equal(line, "3: server 4 joined as incarnation 7 (heard from 2)");
    heartbeat(g, 2, 10, 260);
    next_line(g, ZR_GOSSIP_FACT_RECEIVED, line, sizeof line);
    next_line(g, ZR_GOSSIP_FACT_UPDATED, line, sizeof line);
    assert_string_equal(line, "3: updated 2's heartbeat sequence to 10 based on message from 2 at node time 260");
    zr_gossip_tick(g, 250 + SUSPECT);   /* 4 was last heard at 250 */
    drain_outputs(g);
    next_line(g, ZR_GOSSIP_FACT_SUSPECTED, line, sizeof line);
    assert_string_equal(line, "3: suspect server 4 (no heartbeat for 500 ms)");
    msg = (zr_gossip_msg_t) { .sender_id = 2, .sender_incarnation = INC, .sender_seq = 12, .count = 1,
                              .entries = { { 4, INC, 18, 0 } } };
    zr_gossip_receive(g, &msg, 760);
    zr_gossip_fact_t fact;
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_REFUTED, &fact), 1);
    zr_gossip_fact_text(&fact, line, sizeof line);
    assert_string_equal(line, "3: server 4 is alive again (heartbeat 18 from 2)");
    idle(g, 800, 800 + 2 * FAIL);   /* (the late first tick at 750 raised local health to 1) */
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_FAILED, &fact), 2);   /* 2, then 4 */
    size_t len = zr_gossip_fact_text(&fact, line, sizeof line);
    assert_string_equal(line, "3: no heartbeat from server 4 - SERVER FAILED");
    assert_int_equal(zr_gossip_fact_text(&fact, line, 4), len);   /* truncated, full length */
    assert_string_equal(line, "3: ");
    zr_gossip_rejoin(g, INC + 1, ZR_GOSSIP_REJOIN_DECLARED, 2, 3000);
    next_line(g, ZR_GOSSIP_FACT_REJOINING, line, sizeof line);
    assert_string_equal(line, "3: rejoining as incarnation 8: declared failed by server 2");
    zr_gossip_destroy(&g);
}

static void only_higher_sequences_are_merged(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    zr_gossip_fact_t fact;
    heartbeat(g, 2, 5, 10);
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_JOINED, &fact), 1);   /* first heard: joins */
    assert_int_equal(fact.seq, 5);
    heartbeat(g, 2, 5, 20);
    heartbeat(g, 2, 3, 30);
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_UPDATED, NULL), 0);
    heartbeat(g, 4, 7, 35);
    drain_facts(g, ZR_GOSSIP_FACT_JOINED, NULL);
    zr_gossip_msg_t relay = { .sender_id = 3, .sender_incarnation = INC, .sender_seq = 1, .count = 4,
                              .entries = { { 2, INC, 4, 0 }, { 4, INC, 8, ZR_GOSSIP_ENTRY_FAILED },
                                           { 9, INC, 1, 0 }, { 2, INC - 1, 99, 0 } } };
    zr_gossip_receive(g, &relay, 40);
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_UPDATED, &fact), 1);   /* 4: 3 itself joins */
    assert_int_equal(fact.server_id, 4);
    assert_int_equal(fact.source_id, 3);
    assert_int_equal(fact.at_ms, 40);
    heartbeat(g, 2, 6, 50);
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_UPDATED, &fact), 1);
    assert_int_equal(known_seq(g, 2, NULL), 6);
    zr_gossip_stats_t stats;
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.received, 6);
    assert_int_equal(stats.joins, 3);
    assert_int_equal(stats.merged, 2);
    assert_int_equal(stats.stale, 4);   /* 2 at 5, 2 at 3, 2 at 4 (relayed), 2 of an older start */
    assert_int_equal(stats.about_unknown, 1);
    zr_gossip_destroy(&g);
}

/* A count beyond the array (the decoder never yields one) reads no further than the array. */
static void oversized_counts_are_clamped(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    static zr_gossip_msg_t msg;
    msg.sender_id = 2, msg.sender_incarnation = INC, msg.sender_seq = 1, msg.count = 1000;
    msg.entries[ZR_GOSSIP_MSG_MAX_ENTRIES - 1] = (zr_gossip_msg_entry_t) { 3, INC, 4, 0 };
    zr_gossip_receive(g, &msg, 0);
    zr_gossip_fact_t fact;
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_RECEIVED, &fact), 1);
    assert_int_equal(fact.msg.count, ZR_GOSSIP_MSG_MAX_ENTRIES);
    char line[ZR_GOSSIP_TEXT_MAX];
    assert_true(zr_gossip_fact_text(&fact, line, sizeof line) < sizeof line);
    assert_int_equal(known_seq(g, 3, NULL), 4);
    zr_gossip_destroy(&g);
}

/* A flagged row is information only: nobody is declared failed because a peer says so. */
static void failure_is_decided_locally(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    heartbeat(g, 4, 1, 0);
    zr_gossip_msg_t msg = { .sender_id = 2, .sender_incarnation = INC, .sender_seq = 3, .count = 2,
                            .entries = { { 4, INC, 2, ZR_GOSSIP_ENTRY_FAILED },
                                         { 1, INC - 1, 9, ZR_GOSSIP_ENTRY_FAILED } } };
    zr_gossip_receive(g, &msg, 5);
    zr_gossip_tick(g, 5);
    assert_false(zr_gossip_is_failed(g, 4));
    assert_int_equal(drain_changes(g, -1, ZR_GOSSIP_FAILED), 0);
    assert_int_equal(zr_gossip_take_rejoin(g, NULL), ZR_GOSSIP_REJOIN_NONE);   /* an older start of us */
    zr_gossip_destroy(&g);
}

/* Silence: SUSPECT after suspect_after_ms, FAILED after fail_after_ms, each once, each told. */
static void silence_suspects_then_fails_a_server_once(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    for (int64_t now = 0; now <= 3000; now += BASE) {
        for (int64_t id = 0; id <= 3; id++)
            if (id != 1)
                heartbeat(g, id, (uint64_t) now + 1, now);
        if (now <= 500)
            heartbeat(g, 4, (uint64_t) now + 1, now);
        assert_true(zr_gossip_next_deadline(g) >= now);
        zr_gossip_tick(g, now);
        assert_true(zr_gossip_next_deadline(g) > now);   /* nothing left due */
        drain_outputs(g);
        zr_gossip_state_t server_state;
        known_seq(g, 4, &server_state);
        zr_gossip_state_t expected = now >= 500 + CLEANUP ? ZR_GOSSIP_CLEANED
                                   : now >= 500 + FAIL ? ZR_GOSSIP_FAILED
                                   : now >= 500 + SUSPECT ? ZR_GOSSIP_SUSPECT : ZR_GOSSIP_ALIVE;
        assert_int_equal(server_state, expected);
        assert_int_equal(zr_gossip_is_failed(g, 4), now >= 500 + FAIL);
        assert_int_equal(drain_changes(g, 4, ZR_GOSSIP_SUSPECT), now == 500 + SUSPECT);
        assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_FAILED, NULL), now == 500 + FAIL);
    }
    zr_gossip_stats_t stats;
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.suspicions, 1);
    assert_int_equal(stats.failures, 1);
    zr_gossip_destroy(&g);
}

/* A suspicion is cleared by any newer heartbeat of that incarnation, direct or relayed. */
static void suspicion_is_refuted_by_a_newer_heartbeat(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    heartbeat(g, 4, 1, 0);
    heartbeat(g, 2, 1, 0);
    idle(g, 0, SUSPECT);
    assert_int_equal(known_seq(g, 4, NULL), 1);
    assert_int_equal(server_of(g, 4).state, ZR_GOSSIP_SUSPECT);
    drain_changes(g, -1, ZR_GOSSIP_SUSPECT);
    zr_gossip_msg_t relay = { .sender_id = 2, .sender_incarnation = INC, .sender_seq = 2, .count = 1,
                              .entries = { { 4, INC, 2, ZR_GOSSIP_ENTRY_SUSPECT } } };
    zr_gossip_receive(g, &relay, SUSPECT + 50);
    assert_int_equal(server_of(g, 4).state, ZR_GOSSIP_ALIVE);
    assert_int_equal(drain_changes(g, 4, ZR_GOSSIP_ALIVE), 1);
    idle(g, SUSPECT + 100, SUSPECT + 50 + SUSPECT - 1);   /* suspected again only a full period later */
    assert_int_equal(server_of(g, 4).state, ZR_GOSSIP_ALIVE);
    zr_gossip_stats_t stats;
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.refutations, 2);   /* 2 itself (its header), and 4 */
    assert_int_equal(stats.failures, 0);
    zr_gossip_destroy(&g);
}

/* Ticks that come late (a starved node) raise local health: the suspicion phase stretches; ticks on
 * time heal it again. */
static void late_ticks_stretch_the_suspicion(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    heartbeat(g, 4, 1, 0);
    int64_t now = 0;
    for (int late = 0; late < 3; late++) {   /* each tick 60 ms past its due time */
        now = zr_gossip_next_deadline(g) + 60;
        zr_gossip_tick(g, now);
        heartbeat(g, 4, (uint64_t) now, now);
        drain_outputs(g);
    }
    zr_gossip_stats_t stats;
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.health, 3);
    assert_int_equal(stats.late_ticks, 3);
    int64_t last = now;   /* 4's last heartbeat */
    for (now = zr_gossip_next_deadline(g); now < last + SUSPECT + (FAIL - SUSPECT) * 4; now = zr_gossip_next_deadline(g)) {
        zr_gossip_tick(g, now);
        drain_outputs(g);
        assert_false(zr_gossip_is_failed(g, 4));
    }
    zr_gossip_tick(g, last + SUSPECT + (FAIL - SUSPECT) * 4);   /* 500 ms x (1 + 3) of suspicion */
    assert_true(zr_gossip_is_failed(g, 4));
    zr_gossip_stats(g, &stats);
    assert_true(stats.health < 3);   /* the ticks meanwhile were on time */
    zr_gossip_destroy(&g);
}

/* Just before the deadline nothing happens; the deadline is announced by next_deadline. */
static void deadline_is_exact(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    for (int64_t id = 0; id <= 4; id++)
        if (id != 1)
            heartbeat(g, id, 1, 0);
    zr_gossip_tick(g, 0);
    for (int64_t now = BASE; now < FAIL; now += BASE) {
        zr_gossip_tick(g, now);
        heartbeat(g, 0, 3 + (uint64_t) now, now);
        heartbeat(g, 2, 3 + (uint64_t) now, now);
        heartbeat(g, 3, 3 + (uint64_t) now, now);   /* 4 last went up at 0 */
    }
    assert_int_equal(zr_gossip_next_deadline(g), FAIL);
    zr_gossip_tick(g, FAIL - 1);
    assert_false(zr_gossip_is_failed(g, 4));
    zr_gossip_tick(g, FAIL);
    assert_true(zr_gossip_is_failed(g, 4));
    zr_gossip_destroy(&g);
}

/* An isolated node suspects nobody before the start-up grace; then everyone, once each, and
 * their failure follows the suspicion. A grace of NEVER never suspects the never heard. */
static void isolated_node_waits_for_the_grace(void **state)
{
    zr_gossip_t *g = new_node(1, 5000);
    int64_t now = 5000;
    while (now < 5000 + GRACE - 1) {
        now = zr_gossip_next_deadline(g);
        zr_gossip_tick(g, now < 5000 + GRACE - 1 ? now : 5000 + GRACE - 1);
        drain_outputs(g);
    }
    assert_int_equal(drain_changes(g, -1, ZR_GOSSIP_SUSPECT), 0);
    zr_gossip_tick(g, 5000 + GRACE);
    assert_int_equal(drain_changes(g, -1, ZR_GOSSIP_SUSPECT), 4);
    idle(g, 5000 + GRACE, 5000 + GRACE + FAIL - SUSPECT);
    assert_int_equal(drain_changes(g, -1, ZR_GOSSIP_FAILED), 4);
    zr_gossip_destroy(&g);
    zr_gossip_config_t config = config_for(1, five, 5);
    config.startup_grace_ms = ZR_TIMING_NEVER;
    g = zr_gossip_new(&config, 0);
    idle(g, 0, 100 * FAIL);
    assert_int_equal(drain_changes(g, -1, ZR_GOSSIP_SUSPECT), 0);
    zr_gossip_destroy(&g);
}

/* Crash-stop per incarnation: once failed, that incarnation's messages and rows are ignored;
 * a newer incarnation of the same id joins as a new member. */
static void failed_incarnations_are_never_revived(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    heartbeat(g, 4, 10, 0);
    idle(g, 0, FAIL - BASE);
    heartbeat(g, 2, 10, FAIL - 10);
    zr_gossip_tick(g, FAIL);
    assert_true(zr_gossip_is_failed(g, 4));
    drain_facts(g, ZR_GOSSIP_FACT_FAILED, NULL);
    zr_gossip_msg_t from_dead = { .sender_id = 4, .sender_incarnation = INC, .sender_seq = 99, .count = 1,
                                  .entries = { { 2, INC, 50, 0 } } };
    assert_int_equal(zr_gossip_receive(g, &from_dead, FAIL + 1), ZR_GOSSIP_FROM_FAILED);
    zr_gossip_fact_t fact;
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_RECEIVED, &fact), 1);   /* only logged */
    assert_int_equal(fact.verdict, ZR_GOSSIP_FROM_FAILED);
    zr_gossip_msg_t about_dead = { .sender_id = 2, .sender_incarnation = INC, .sender_seq = 11, .count = 1,
                                   .entries = { { 4, INC, 1000, 0 } } };
    assert_int_equal(zr_gossip_receive(g, &about_dead, FAIL + 2), ZR_GOSSIP_ACCEPTED);
    zr_gossip_state_t server_state;
    assert_int_equal(known_seq(g, 4, &server_state), 10);
    assert_int_equal(server_state, ZR_GOSSIP_FAILED);
    assert_int_equal(known_seq(g, 2, NULL), 11);
    zr_gossip_stats_t stats;
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.from_failed, 1);
    assert_int_equal(stats.about_failed, 1);
    drain_changes(g, -1, ZR_GOSSIP_ALIVE);
    /* 4 restarts: its new incarnation is heard directly, joins, and is alive */
    heartbeat_from(g, 4, INC + 5, 1, FAIL + 3);
    assert_int_equal(server_of(g, 4).incarnation, INC + 5);
    assert_int_equal(server_of(g, 4).state, ZR_GOSSIP_ALIVE);
    assert_false(zr_gossip_is_failed(g, 4));
    assert_int_equal(drain_changes(g, 4, ZR_GOSSIP_ALIVE), 1);
    assert_int_equal(zr_gossip_receive(g, &from_dead, FAIL + 4), ZR_GOSSIP_FROM_FAILED);   /* the old one */
    from_dead.sender_id = 1;
    assert_int_equal(zr_gossip_receive(g, &from_dead, FAIL + 5), ZR_GOSSIP_FROM_UNKNOWN);
    from_dead.sender_id = 77;
    assert_int_equal(zr_gossip_receive(g, &from_dead, FAIL + 5), ZR_GOSSIP_FROM_UNKNOWN);
    zr_gossip_destroy(&g);
}

/* Drains the outputs: whether a table row for id was among them, and its flags. */
static bool table_row(zr_gossip_t *g, int64_t id, uint8_t *flags)
{
    zr_gossip_output_t out;
    bool found = false;
    while (zr_gossip_next_output(g, &out))
        for (size_t i = 0; i < out.msg.count; i++)
            if (out.msg.entries[i].server_id == id) {
                found = true;
                *flags = out.msg.entries[i].flags;
            }
    return found;
}

/* Keeps 0, 2 and 3 alive (so each is a possible target) up to `until`. */
static void keep_alive(zr_gossip_t *g, int64_t from, int64_t until, uint64_t *seq)
{
    for (int64_t now = from; now <= until; now += BASE) {
        for (int64_t id = 0; id <= 3; id++)
            if (id != 1)
                heartbeat(g, id, ++*seq, now);
        zr_gossip_tick(g, now);
    }
}

/* Flagged in tables from the failure until cleanup_after_ms after the last increase; then
 * gone from the table but still failed. */
static void failed_entries_are_cleaned_up(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    uint64_t seq = 0;
    int flagged = 0;
    uint8_t row_flags = 0;
    heartbeat(g, 4, 10, 0);
    keep_alive(g, 0, FAIL - BASE, &seq);
    drain_outputs(g);
    keep_alive(g, FAIL, FAIL, &seq);   /* 4 fails at FAIL, before this interval's table */
    assert_true(zr_gossip_is_failed(g, 4));
    for (int64_t now = FAIL + BASE; now < CLEANUP; now += BASE) {
        keep_alive(g, now, now, &seq);
        bool listed = table_row(g, 4, &row_flags);
        flagged += listed && row_flags == ZR_GOSSIP_ENTRY_FAILED;
        assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_CLEANED, NULL), 0);
    }
    assert_int_equal(flagged, (CLEANUP - FAIL) / BASE - 1);   /* in every table, flagged */
    assert_int_equal(zr_gossip_next_deadline(g), CLEANUP);
    keep_alive(g, CLEANUP, CLEANUP, &seq);
    zr_gossip_fact_t fact;
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_CLEANED, &fact), 1);
    assert_int_equal(fact.at_ms, CLEANUP);
    for (int64_t now = CLEANUP + BASE; now < 3 * CLEANUP; now += BASE) {
        keep_alive(g, now, now, &seq);
        assert_false(table_row(g, 4, &row_flags));
    }
    zr_gossip_state_t server_state;
    known_seq(g, 4, &server_state);
    assert_int_equal(server_state, ZR_GOSSIP_CLEANED);
    assert_true(zr_gossip_is_failed(g, 4));
    assert_string_equal(zr_gossip_state_name(server_state), "CLEANED");
    zr_gossip_destroy(&g);
}

/* A node that was not running for a while does not blame its peers for its own silence; a pause
 * longer than fail_after_ms means the peers have given up on it: it must rejoin. */
static void own_pause_restarts_the_timers_and_asks_to_rejoin(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    for (int64_t id = 0; id <= 4; id++)
        if (id != 1)
            heartbeat(g, id, 1, 0);
    zr_gossip_tick(g, 0);
    assert_int_equal(zr_gossip_take_rejoin(g, NULL), ZR_GOSSIP_REJOIN_NONE);
    idle(g, 5 * FAIL, 5 * FAIL + SUSPECT - 1);   /* woke up after a long stop, ticks again */
    assert_int_equal(drain_changes(g, -1, ZR_GOSSIP_SUSPECT), 0);
    zr_gossip_stats_t stats;
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.stalls, 1);
    assert_int_equal(stats.health, 4);   /* our own verdicts count for little now */
    zr_gossip_tick(g, 5 * FAIL + SUSPECT);   /* silent a whole suspicion period since the wake-up */
    assert_int_equal(drain_changes(g, -1, ZR_GOSSIP_SUSPECT), 4);
    int64_t source;
    assert_int_equal(zr_gossip_take_rejoin(g, &source), ZR_GOSSIP_REJOIN_PAUSED);
    assert_int_equal(source, 1);
    assert_int_equal(zr_gossip_take_rejoin(g, NULL), ZR_GOSSIP_REJOIN_NONE);   /* once */
    zr_gossip_destroy(&g);
}

static zr_gossip_view_t view_of(int64_t leader, uint64_t epoch)
{
    return (zr_gossip_view_t) { .flags = ZR_GOSSIP_VIEW_LEADER, .leader_id = leader, .epoch = epoch };
}

/* Rows that declare our current incarnation failed, from a peer whose view is at least ours: the
 * cluster gave up on us (a woken node). From a peer with an older view: a loser, ignored. */
static void declared_failure_asks_to_rejoin(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    zr_gossip_view_t ours = view_of(4, 2);
    zr_gossip_set_view(g, &ours);
    zr_gossip_msg_t msg = { .sender_id = 2, .sender_incarnation = INC, .sender_seq = 1, .view = view_of(4, 1),
                            .count = 1, .entries = { { 1, INC, 50, ZR_GOSSIP_ENTRY_FAILED } } };
    zr_gossip_receive(g, &msg, 10);
    assert_int_equal(zr_gossip_take_rejoin(g, NULL), ZR_GOSSIP_REJOIN_NONE);   /* older view */
    msg.view = view_of(4, 2);
    msg.sender_seq = 2;
    zr_gossip_receive(g, &msg, 20);
    int64_t source;
    assert_int_equal(zr_gossip_take_rejoin(g, &source), ZR_GOSSIP_REJOIN_DECLARED);
    assert_int_equal(source, 2);
    zr_gossip_stats_t stats;
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.self_reported_failed, 2);
    zr_gossip_destroy(&g);
}

/* After a heal, a rejoining node took its old side's last votes and follows leader 4 of epoch 0,
 * while 4 itself rejoined and follows 3 of epoch 1: 4's own header says so, and the node must
 * look again. Newer views from others, or 4 leading at a newer epoch, are no such proof. */
static void leader_that_moved_on_asks_to_rejoin(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    zr_gossip_view_t ours = view_of(4, 0);
    zr_gossip_set_view(g, &ours);
    zr_gossip_msg_t msg = { .sender_id = 2, .sender_incarnation = INC, .sender_seq = 1, .view = view_of(3, 1) };
    zr_gossip_receive(g, &msg, 10);
    assert_int_equal(zr_gossip_take_rejoin(g, NULL), ZR_GOSSIP_REJOIN_NONE);   /* not our leader */
    msg = (zr_gossip_msg_t) { .sender_id = 4, .sender_incarnation = INC, .sender_seq = 1, .view = view_of(4, 0) };
    zr_gossip_receive(g, &msg, 20);
    msg.sender_seq = 2;
    msg.view.flags = 0;   /* looking */
    zr_gossip_receive(g, &msg, 30);
    msg.sender_seq = 3;
    msg.view = view_of(4, 1);
    zr_gossip_receive(g, &msg, 40);
    assert_int_equal(zr_gossip_take_rejoin(g, NULL), ZR_GOSSIP_REJOIN_NONE);   /* 4 still leads */
    msg = (zr_gossip_msg_t) { .sender_id = 4, .sender_incarnation = INC + 1, .sender_seq = 1, .view = view_of(3, 1) };
    assert_int_equal(zr_gossip_receive(g, &msg, 50), ZR_GOSSIP_ACCEPTED);
    int64_t source;
    assert_int_equal(zr_gossip_take_rejoin(g, &source), ZR_GOSSIP_REJOIN_SUPERSEDED);
    assert_int_equal(source, 4);
    /* the new incarnation follows nobody until it is told: 4's header is no reason to rejoin again */
    zr_gossip_rejoin(g, INC + 2, ZR_GOSSIP_REJOIN_SUPERSEDED, 4, 60);
    msg.sender_seq = 2;
    zr_gossip_receive(g, &msg, 70);
    assert_int_equal(zr_gossip_take_rejoin(g, NULL), ZR_GOSSIP_REJOIN_NONE);
    zr_gossip_tick(g, zr_gossip_next_deadline(g));
    zr_gossip_output_t out;
    assert_true(zr_gossip_next_output(g, &out));
    assert_int_equal(out.msg.view.flags & ZR_GOSSIP_VIEW_LEADER, 0);
    zr_gossip_destroy(&g);
}

/* Two sides of a healed partition: each declared the other failed. The side that sees a newer
 * leader view from a failed peer rejoins; the other does not. */
static void superseded_view_from_a_failed_peer_asks_to_rejoin(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    zr_gossip_view_t ours = view_of(4, 2);
    zr_gossip_set_view(g, &ours);
    heartbeat(g, 3, 1, 0);
    idle(g, 0, FAIL);
    assert_true(zr_gossip_is_failed(g, 3));
    zr_gossip_msg_t msg = { .sender_id = 3, .sender_incarnation = INC, .sender_seq = 40, .view = view_of(4, 2) };
    assert_int_equal(zr_gossip_receive(g, &msg, FAIL + 10), ZR_GOSSIP_FROM_FAILED);
    assert_int_equal(zr_gossip_take_rejoin(g, NULL), ZR_GOSSIP_REJOIN_NONE);   /* same view */
    msg.view = view_of(2, 2);
    assert_int_equal(zr_gossip_receive(g, &msg, FAIL + 20), ZR_GOSSIP_FROM_FAILED);
    assert_int_equal(zr_gossip_take_rejoin(g, NULL), ZR_GOSSIP_REJOIN_NONE);   /* same epoch, lower leader */
    msg.view = view_of(2, 3);
    zr_gossip_receive(g, &msg, FAIL + 30);
    int64_t source;
    assert_int_equal(zr_gossip_take_rejoin(g, &source), ZR_GOSSIP_REJOIN_SUPERSEDED);
    assert_int_equal(source, 3);
    /* the new incarnation starts afresh: no verdicts, nobody heard; peers learn it from the header */
    zr_gossip_rejoin(g, INC + 3, ZR_GOSSIP_REJOIN_SUPERSEDED, 3, FAIL + 40);
    assert_false(zr_gossip_is_failed(g, 3));
    assert_int_equal(server_of(g, 3).incarnation, 0);
    zr_gossip_tick(g, zr_gossip_next_deadline(g));
    zr_gossip_output_t out;
    assert_true(zr_gossip_next_output(g, &out));
    assert_int_equal(out.msg.sender_incarnation, INC + 3);
    zr_gossip_stats_t stats;
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.rejoins, 1);
    assert_int_equal(stats.incarnation, INC + 3);
    zr_gossip_rejoin(g, INC + 1, ZR_GOSSIP_REJOIN_PAUSED, 1, FAIL + 50);   /* never back in time */
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.incarnation, INC + 3);
    zr_gossip_destroy(&g);
}

/* A failed member still hears our table now and then (it may be alive behind a partition, or
 * woken from a pause, and must learn that it was declared failed). */
static void failed_members_hear_the_table_now_and_then(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    heartbeat(g, 4, 1, 0);
    idle(g, 0, FAIL);
    assert_true(zr_gossip_is_failed(g, 4));
    int tables = 0, flagged = 0;
    for (int64_t now = FAIL + BASE; now <= FAIL + 20 * BASE; now += BASE) {
        zr_gossip_tick(g, now);
        zr_gossip_output_t out;
        while (zr_gossip_next_output(g, &out))
            if (out.to_id == 4) {
                tables++;
                flagged += out.msg.count == 1 && out.msg.entries[0].server_id == 4
                           && out.msg.entries[0].flags == ZR_GOSSIP_ENTRY_FAILED;
            }
    }
    assert_int_equal(tables, 2);   /* one interval in ten */
    assert_int_equal(flagged, 1);  /* the second after cleanup: 4 is out of the gossiped table */
    zr_gossip_destroy(&g);
}

/* Many members: the table is split into messages that each fit the budget, each carrying
 * the header, together carrying every row exactly once, and all decode back unchanged. */
static void check_split(size_t members, size_t max_entries, size_t expected_parts)
{
    int64_t ids[128] = { 0 };
    for (size_t i = 0; i < members; i++)
        ids[i] = (int64_t) i * 3;   /* spread ids */
    zr_gossip_config_t config = config_for(0, ids, members);
    config.max_entries = max_entries;
    zr_gossip_t *g = zr_gossip_new(&config, 0);
    assert_non_null(g);
    for (size_t i = 1; i < members; i++)
        heartbeat(g, ids[i], 100 + i, 0);
    zr_gossip_tick(g, 0);
    bool listed[128] = { false };
    size_t messages[128] = { 0 }, rows = 0, target = 0;
    zr_gossip_output_t out;
    static uint8_t buf[ZR_PROTO_UDP_MAX_PAYLOAD + 100];
    static zr_gossip_msg_t back;
    while (zr_gossip_next_output(g, &out)) {
        size_t len = 0;
        assert_int_equal(zr_gossip_msg_encode(&out.msg, buf, sizeof buf, &len), ZR_ENCODE_OK);
        assert_true(len <= ZR_PROTO_UDP_MAX_PAYLOAD);
        assert_int_equal(zr_gossip_msg_decode(buf, len, &back), ZR_DECODE_OK);
        assert_int_equal(back.sender_id, 0);
        assert_int_equal(back.sender_incarnation, INC);
        assert_int_equal(back.sender_seq, 1);
        assert_int_equal(back.count, out.msg.count);
        for (size_t i = 0; i < back.count; i++) {   /* field by field: structs have padding */
            assert_int_equal(back.entries[i].server_id, out.msg.entries[i].server_id);
            assert_int_equal(back.entries[i].incarnation, out.msg.entries[i].incarnation);
            assert_int_equal(back.entries[i].heartbeat_seq, out.msg.entries[i].heartbeat_seq);
            assert_int_equal(back.entries[i].flags, out.msg.entries[i].flags);
        }
        messages[out.to_id / 3]++;
        if (back.count > 0)
            target = (size_t) out.to_id / 3;
        for (size_t i = 0; i < back.count; i++) {
            size_t index = (size_t) back.entries[i].server_id / 3;
            assert_false(listed[index]);
            listed[index] = true;
            assert_int_equal(back.entries[i].heartbeat_seq, 100 + index);
            rows++;
        }
    }
    for (size_t i = 1; i < members; i++)
        assert_int_equal(messages[i], i == target ? expected_parts : 1);
    assert_int_equal(rows, members - 1);
    zr_gossip_destroy(&g);
}

static void big_tables_are_split(void **state)
{
    size_t fit = zr_gossip_msg_entries_fit(ZR_PROTO_UDP_MAX_PAYLOAD);
    assert_int_equal(fit, 49);
    check_split(100, 0, 3);        /* 99 rows: 49 + 49 + 1 */
    check_split(50, 0, 1);         /* exactly 49 rows */
    check_split(51, 0, 2);
    check_split(10, 4, 3);         /* a smaller budget: 9 rows as 4 + 4 + 1 */
    check_split(9, 4, 2);          /* 8 rows: no empty trailing part */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_configs_are_refused),
        cmocka_unit_test(defaults_derive_from_the_base),
        cmocka_unit_test(every_interval_beats_to_all_and_gossips_to_one),
        cmocka_unit_test(targets_are_seeded_and_cover_every_peer),
        cmocka_unit_test(log_lines_are_exact),
        cmocka_unit_test(only_higher_sequences_are_merged),
        cmocka_unit_test(oversized_counts_are_clamped),
        cmocka_unit_test(failure_is_decided_locally),
        cmocka_unit_test(silence_suspects_then_fails_a_server_once),
        cmocka_unit_test(suspicion_is_refuted_by_a_newer_heartbeat),
        cmocka_unit_test(late_ticks_stretch_the_suspicion),
        cmocka_unit_test(deadline_is_exact),
        cmocka_unit_test(isolated_node_waits_for_the_grace),
        cmocka_unit_test(failed_incarnations_are_never_revived),
        cmocka_unit_test(failed_entries_are_cleaned_up),
        cmocka_unit_test(own_pause_restarts_the_timers_and_asks_to_rejoin),
        cmocka_unit_test(declared_failure_asks_to_rejoin),
        cmocka_unit_test(superseded_view_from_a_failed_peer_asks_to_rejoin),
        cmocka_unit_test(leader_that_moved_on_asks_to_rejoin),
        cmocka_unit_test(failed_members_hear_the_table_now_and_then),
        cmocka_unit_test(big_tables_are_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
