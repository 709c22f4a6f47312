/* test_gossip: the gossip failure detector's core alone: config, heartbeats and targets, merge
 * rules, failure, crash-stop, cleanup, own pauses, splitting, codec round trip, log texts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "actors/gossip/zr_gossip.h"
#include "actors/gossip/zr_gossip_text.h"

#define BASE 100
#define FAIL 1000
#define CLEANUP 2000
#define GRACE 3000

static const int64_t five[] = { 0, 1, 2, 3, 4 };   /* 0 is the gateway */

static zr_gossip_config_t config_for(int64_t self_id, const int64_t *ids, size_t count)
{
    zr_gossip_config_t config = { .self_id = self_id, .server_ids = ids, .server_count = count,
                                  .random_seed = 42 };
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

static void heartbeat(zr_gossip_t *g, int64_t from, uint64_t seq, int64_t now)
{
    zr_gossip_msg_t msg = { .sender_id = from, .sender_seq = seq };
    zr_gossip_receive(g, &msg, now);
}

static uint64_t known_seq(const zr_gossip_t *g, int64_t id, zr_gossip_state_t *state)
{
    zr_gossip_server_t server;
    for (size_t i = 0; zr_gossip_server_at(g, i, &server); i++)
        if (server.id == id) {
            if (state)
                *state = server.state;
            return server.seq;
        }
    fail_msg("server %lld not in the table", (long long) id);
    return 0;
}

static void bad_configs_are_refused(void **state)
{
    const int64_t twice[] = { 1, 2, 2 }, negative[] = { 1, -2 };
    zr_gossip_config_t good = config_for(1, five, 5);
    zr_gossip_config_t cases[9];
    for (size_t i = 0; i < 9; i++)
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
    for (size_t i = 0; i < 9; i++)
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
    assert_int_equal(config.fail_after_ms, FAIL);
    assert_int_equal(config.cleanup_after_ms, CLEANUP);
    assert_int_equal(config.startup_grace_ms, ZR_TIMING_NEVER);   /* never heard: not failed */
}

/* Each interval: sequence + 1, the table to one live peer, a bare heartbeat to the others. */
static void every_interval_beats_to_all_and_gossips_to_one(void **state)
{
    zr_gossip_t *g = new_node(2, 1000);
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
            assert_int_equal(out.msg.sender_seq, interval + 1);
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
    assert_int_equal(stats.sent, 12);
    zr_gossip_destroy(&g);
}

/* The same seed picks the same targets; over many intervals every live peer is picked. */
static void targets_are_seeded_and_cover_every_peer(void **state)
{
    zr_gossip_t *a = new_node(1, 0), *b = new_node(1, 0);
    int picked[5] = { 0 };
    for (int64_t now = 0; now < 100 * BASE; now += BASE) {
        heartbeat(a, 0, (uint64_t) now + 1, now);   /* keep everyone alive */
        heartbeat(b, 0, (uint64_t) now + 1, now);
        for (int64_t id = 2; id <= 4; id++) {
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

static void log_lines_are_exact(void **state)
{
    char line[ZR_GOSSIP_TEXT_MAX];
    zr_gossip_t *g = new_node(3, 0);
    zr_gossip_msg_t msg = { .sender_id = 2, .sender_seq = 9, .count = 1,
                            .entries = { { 4, 17, 0 } } };
    zr_gossip_receive(g, &msg, 250);
    zr_gossip_fact_t fact;
    assert_true(zr_gossip_next_fact(g, &fact));
    assert_int_equal(fact.kind, ZR_GOSSIP_FACT_RECEIVED);
    zr_gossip_fact_text(&fact, line, sizeof line);
    assert_string_equal(line, "3: gossip from 2 at node time 250: heartbeat 9, 1 rows: 4=17");
    assert_true(zr_gossip_next_fact(g, &fact));
    zr_gossip_fact_text(&fact, line, sizeof line);
    assert_string_equal(line, "3: updated 2's heartbeat sequence to 9 based on message from 2 at node time 250");
    assert_true(zr_gossip_next_fact(g, &fact));
    size_t len = zr_gossip_fact_text(&fact, line, sizeof line);
    assert_string_equal(line, "3: updated 4's heartbeat sequence to 17 based on message from 2 at node time 250");
    assert_int_equal(len, strlen(line));
    assert_false(zr_gossip_next_fact(g, &fact));
    idle(g, 250, FAIL + 250);
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_FAILED, &fact), 2);   /* 2, then 4 */
    len = zr_gossip_fact_text(&fact, line, sizeof line);
    assert_string_equal(line, "3: no heartbeat from server 4 - SERVER FAILED");
    assert_int_equal(zr_gossip_fact_text(&fact, line, 4), len);   /* truncated, full length */
    assert_string_equal(line, "3: ");
    zr_gossip_destroy(&g);
}

static void only_higher_sequences_are_merged(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    zr_gossip_fact_t fact;
    heartbeat(g, 2, 5, 10);
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_UPDATED, &fact), 1);
    assert_int_equal(fact.seq, 5);
    heartbeat(g, 2, 5, 20);
    heartbeat(g, 2, 3, 30);
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_UPDATED, NULL), 0);
    zr_gossip_msg_t relay = { .sender_id = 3, .sender_seq = 1, .count = 3,
                              .entries = { { 2, 4, 0 }, { 4, 8, ZR_GOSSIP_ENTRY_FAILED },
                                           { 9, 1, 0 } } };
    zr_gossip_receive(g, &relay, 40);
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_UPDATED, &fact), 2);   /* 3 itself and 4 */
    assert_int_equal(fact.server_id, 4);
    assert_int_equal(fact.source_id, 3);
    assert_int_equal(fact.at_ms, 40);
    heartbeat(g, 2, 6, 50);
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_UPDATED, &fact), 1);
    assert_int_equal(known_seq(g, 2, NULL), 6);
    zr_gossip_stats_t stats;
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.received, 5);
    assert_int_equal(stats.merged, 4);
    assert_int_equal(stats.stale, 3);
    assert_int_equal(stats.about_unknown, 1);
    zr_gossip_destroy(&g);
}

/* A count beyond the array (the decoder never yields one) reads no further than the array. */
static void oversized_counts_are_clamped(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    static zr_gossip_msg_t msg;
    msg.sender_id = 2, msg.sender_seq = 1, msg.count = 1000;
    msg.entries[ZR_GOSSIP_MSG_MAX_ENTRIES - 1] = (zr_gossip_msg_entry_t) { 3, 4, 0 };
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
    zr_gossip_msg_t msg = { .sender_id = 2, .sender_seq = 3, .count = 2,
                            .entries = { { 4, 2, ZR_GOSSIP_ENTRY_FAILED },
                                         { 1, 9, ZR_GOSSIP_ENTRY_FAILED } } };
    zr_gossip_receive(g, &msg, 5);
    zr_gossip_tick(g, 5);
    assert_false(zr_gossip_is_failed(g, 4));
    int64_t id;
    assert_false(zr_gossip_next_failure(g, &id));
    zr_gossip_stats_t stats;
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.self_reported_failed, 1);
    zr_gossip_destroy(&g);
}

/* Silence for fail_after_ms after the last increase: FAILED once, drained once. */
static void silence_fails_a_server_once(void **state)
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
        assert_int_equal(zr_gossip_is_failed(g, 4), now >= 500 + FAIL);
        int64_t id;
        if (now == 500 + FAIL) {
            assert_true(zr_gossip_next_failure(g, &id));
            assert_int_equal(id, 4);
            assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_FAILED, NULL), 1);
        }
        assert_false(zr_gossip_next_failure(g, &id));
        assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_FAILED, NULL), 0);
    }
    zr_gossip_stats_t stats;
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.failures, 1);
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
    heartbeat(g, 0, 2, 90);
    heartbeat(g, 2, 2, 90);
    heartbeat(g, 3, 2, 90);   /* 4 last went up at 0 */
    for (int64_t now = BASE; now < FAIL; now += BASE) {
        zr_gossip_tick(g, now);
        heartbeat(g, 0, 3 + (uint64_t) now, now);
        heartbeat(g, 2, 3 + (uint64_t) now, now);
        heartbeat(g, 3, 3 + (uint64_t) now, now);
    }
    assert_int_equal(zr_gossip_next_deadline(g), FAIL);
    zr_gossip_tick(g, FAIL - 1);
    assert_false(zr_gossip_is_failed(g, 4));
    zr_gossip_tick(g, FAIL);
    assert_true(zr_gossip_is_failed(g, 4));
    zr_gossip_destroy(&g);
}

/* An isolated node blames nobody before the start-up grace; then everyone, once each. */
static void isolated_node_waits_for_the_grace(void **state)
{
    zr_gossip_t *g = new_node(1, 5000);
    int64_t now = 5000;
    while (now < 5000 + GRACE - 1) {
        now = zr_gossip_next_deadline(g);
        zr_gossip_tick(g, now < 5000 + GRACE - 1 ? now : 5000 + GRACE - 1);
        drain_outputs(g);
    }
    int64_t id;
    assert_false(zr_gossip_next_failure(g, &id));
    zr_gossip_tick(g, 5000 + GRACE);
    int failed = 0;
    while (zr_gossip_next_failure(g, &id))
        failed++;
    assert_int_equal(failed, 4);
    zr_gossip_destroy(&g);
}

/* Crash-stop: once failed, the sender's messages and any rows about it are ignored. */
static void failed_servers_are_never_revived(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    heartbeat(g, 4, 10, 0);
    idle(g, 0, FAIL - BASE);
    heartbeat(g, 2, 10, FAIL - 10);
    zr_gossip_tick(g, FAIL);
    assert_true(zr_gossip_is_failed(g, 4));
    drain_facts(g, ZR_GOSSIP_FACT_FAILED, NULL);
    zr_gossip_msg_t from_dead = { .sender_id = 4, .sender_seq = 99, .count = 1,
                                  .entries = { { 2, 50, 0 } } };
    assert_int_equal(zr_gossip_receive(g, &from_dead, FAIL + 1), ZR_GOSSIP_FROM_FAILED);
    zr_gossip_fact_t fact;
    assert_int_equal(drain_facts(g, ZR_GOSSIP_FACT_RECEIVED, &fact), 1);   /* only logged */
    assert_int_equal(fact.verdict, ZR_GOSSIP_FROM_FAILED);
    zr_gossip_msg_t about_dead = { .sender_id = 2, .sender_seq = 11, .count = 1,
                                   .entries = { { 4, 1000, 0 } } };
    assert_int_equal(zr_gossip_receive(g, &about_dead, FAIL + 2), ZR_GOSSIP_ACCEPTED);
    zr_gossip_state_t server_state;
    assert_int_equal(known_seq(g, 4, &server_state), 10);
    assert_int_equal(server_state, ZR_GOSSIP_FAILED);
    assert_int_equal(known_seq(g, 2, NULL), 11);
    idle(g, FAIL + 100, 10 * FAIL);   /* 2, 0 and 3 fail too meanwhile */
    int64_t id;
    int failures = 0;
    while (zr_gossip_next_failure(g, &id))
        failures += id == 4;
    assert_int_equal(failures, 1);
    zr_gossip_stats_t stats;
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.from_failed, 1);
    assert_int_equal(stats.about_failed, 1);
    assert_int_equal(zr_gossip_receive(g, &about_dead, 10 * FAIL), ZR_GOSSIP_FROM_FAILED);
    from_dead.sender_id = 1;
    assert_int_equal(zr_gossip_receive(g, &from_dead, 10 * FAIL), ZR_GOSSIP_FROM_UNKNOWN);
    from_dead.sender_id = 77;
    assert_int_equal(zr_gossip_receive(g, &from_dead, 10 * FAIL), ZR_GOSSIP_FROM_UNKNOWN);
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

/* A node that was not running for a while does not blame its peers for its own silence. */
static void own_pause_restarts_the_timers(void **state)
{
    zr_gossip_t *g = new_node(1, 0);
    for (int64_t id = 0; id <= 4; id++)
        if (id != 1)
            heartbeat(g, id, 1, 0);
    zr_gossip_tick(g, 0);
    idle(g, 5 * FAIL, 6 * FAIL - 1);   /* woke up after a long stop, ticks again */
    int64_t id;
    assert_false(zr_gossip_next_failure(g, &id));
    zr_gossip_tick(g, 6 * FAIL);   /* silent a whole period since the wake-up: now they failed */
    int failed = 0;
    while (zr_gossip_next_failure(g, &id))
        failed++;
    assert_int_equal(failed, 4);
    zr_gossip_stats_t stats;
    zr_gossip_stats(g, &stats);
    assert_int_equal(stats.stalls, 1);
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
        assert_int_equal(back.sender_seq, 1);
        assert_int_equal(back.count, out.msg.count);
        for (size_t i = 0; i < back.count; i++) {   /* field by field: structs have padding */
            assert_int_equal(back.entries[i].server_id, out.msg.entries[i].server_id);
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
    assert_int_equal(fit, 75);
    check_split(100, 0, 2);        /* 99 rows: 75 + 24 */
    check_split(76, 0, 1);         /* exactly 75 rows */
    check_split(77, 0, 2);
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
        cmocka_unit_test(silence_fails_a_server_once),
        cmocka_unit_test(deadline_is_exact),
        cmocka_unit_test(isolated_node_waits_for_the_grace),
        cmocka_unit_test(failed_servers_are_never_revived),
        cmocka_unit_test(failed_entries_are_cleaned_up),
        cmocka_unit_test(own_pause_restarts_the_timers),
        cmocka_unit_test(big_tables_are_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
