/* test_gossip_sim: 7 nodes and a gateway gossiping on a simulated network (virtual clock, seeded
 * PRNG, staggered starts, latency, loss, duplicates, tick jitter, node clock offsets). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "actors/gossip/zr_gossip.h"
#include "test_support.h"

#define NODES 8              /* id 0 is the gateway, 1..7 peers; the leader-equivalent is 7 */
#define LEADER 7
#define BASE 100
#define FAIL (10 * BASE)
#define MAX_LATENCY 5        /* ms, uniform 0..MAX_LATENCY */
#define MAX_JITTER 5         /* ms an actor may tick after its deadline */
#define MAX_START 2000       /* nodes start within this much virtual time (grace: 3000) */
#define DUPLICATES 0.01
#define NEVER INT64_MAX

typedef struct {
    zr_gossip_t *core;
    bool started, alive;
    int64_t start_at, offset;   /* node clock = virtual time + offset */
    int64_t wake;               /* virtual time of the next tick */
    int64_t failed_at[NODES];   /* virtual time it declared each server failed, or NEVER */
    int declared[NODES];        /* FAILED facts per server */
    int drained[NODES];         /* next_failure() per server */
    int64_t heard_at[NODES];    /* virtual time each server's sequence last went up here */
} sim_node_t;

typedef struct {
    int64_t at, to;
    size_t len;
    uint8_t bytes[ZR_PROTO_UDP_MAX_PAYLOAD];
} flight_t;

typedef struct {
    sim_node_t nodes[NODES];
    flight_t *flights;
    size_t flight_count, flight_cap;
    uint64_t rng;
    double loss;
    int64_t fail_ms;            /* fail_after_ms of every node */
    int64_t now;
    int64_t killed_at[NODES];   /* NEVER while alive */
    int64_t longest_silence;    /* between two increases of a live server's entry, anywhere */
    uint64_t sent, lost, delivered;
} sim_t;

static const int64_t members[NODES] = { 0, 1, 2, 3, 4, 5, 6, 7 };

static uint64_t sim_random(sim_t *sim)
{
    uint64_t z = (sim->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int64_t sim_below(sim_t *sim, int64_t bound)
{
    return (int64_t) (sim_random(sim) % (uint64_t) bound);
}

static bool sim_chance(sim_t *sim, double probability)
{
    return (double) (sim_random(sim) >> 11) / (double) (1ull << 53) < probability;
}

static void sim_init(sim_t *sim, uint64_t seed, double loss)
{
    memset(sim, 0, sizeof *sim);
    sim->rng = seed;
    sim->loss = loss;
    sim->fail_ms = FAIL;
    for (int id = 0; id < NODES; id++) {
        sim_node_t *node = &sim->nodes[id];
        node->start_at = sim_below(sim, MAX_START);
        node->offset = sim_below(sim, 1000000);
        node->wake = node->start_at;
        sim->killed_at[id] = NEVER;
        for (int other = 0; other < NODES; other++) {
            node->failed_at[other] = NEVER;
            node->heard_at[other] = NEVER;
        }
    }
}

static void sim_free(sim_t *sim)
{
    for (int id = 0; id < NODES; id++)
        zr_gossip_destroy(&sim->nodes[id].core);
    free(sim->flights);
}

static void start(sim_t *sim, int id)
{
    sim_node_t *node = &sim->nodes[id];
    zr_gossip_config_t config = { .self_id = id, .self_incarnation = 1, .server_ids = members, .server_count = NODES,
                                  .random_seed = sim_random(sim),
                                  .first_seq = 1000 * (uint64_t) id };
    zr_timings_t timings;
    zr_timings_init(&timings, BASE);
    timings.fail_after_ms = (int) sim->fail_ms;
    timings.gossip_startup_grace_ms = 30 * BASE;   /* finite: nodes start within MAX_START */
    zr_timings_derive(&timings);
    zr_gossip_config_timings(&config, &timings);
    node->core = zr_gossip_new(&config, sim->now + node->offset);
    assert_non_null(node->core);
    node->started = node->alive = true;
}

static void put_in_flight(sim_t *sim, int64_t to, const uint8_t *bytes, size_t len)
{
    if (sim->flight_count == sim->flight_cap) {
        sim->flight_cap = sim->flight_cap ? 2 * sim->flight_cap : 64;
        sim->flights = realloc(sim->flights, sim->flight_cap * sizeof *sim->flights);
        assert_non_null(sim->flights);
    }
    flight_t *flight = &sim->flights[sim->flight_count++];
    flight->at = sim->now + sim_below(sim, MAX_LATENCY + 1);
    flight->to = to;
    flight->len = len;
    memcpy(flight->bytes, bytes, len);
}

/* Encodes what the core wants sent (the codec must accept it) and loses or duplicates it. */
static void send_outputs(sim_t *sim, sim_node_t *node)
{
    zr_gossip_output_t out;
    uint8_t bytes[ZR_PROTO_UDP_MAX_PAYLOAD];
    while (zr_gossip_next_output(node->core, &out)) {
        size_t len = 0;
        assert_int_equal(zr_gossip_msg_encode(&out.msg, bytes, sizeof bytes, &len), ZR_ENCODE_OK);
        assert_true(out.to_id >= 0 && out.to_id < NODES && out.to_id != out.msg.sender_id);
        sim->sent++;
        if (sim_chance(sim, sim->loss)) {
            sim->lost++;
            continue;
        }
        put_in_flight(sim, out.to_id, bytes, len);
        if (sim_chance(sim, DUPLICATES))
            put_in_flight(sim, out.to_id, bytes, len);
    }
}

static void note_update(sim_t *sim, sim_node_t *node, int64_t server)
{
    int64_t silence = node->heard_at[server] == NEVER ? 0 : sim->now - node->heard_at[server];
    if (sim->killed_at[server] == NEVER && silence > sim->longest_silence)
        sim->longest_silence = silence;
    node->heard_at[server] = sim->now;
}

static void note_failed(sim_t *sim, int self, int64_t server)
{
    sim_node_t *node = &sim->nodes[self];
    if (sim->killed_at[server] == NEVER)
        fail_msg("false positive: %d declared live %lld failed at %lld ms (loss %.2f)", self,
                 (long long) server, (long long) sim->now, sim->loss);
    if (++node->declared[server] != 1)
        fail_msg("%d declared %lld failed twice", self, (long long) server);
    node->failed_at[server] = sim->now;
}

/* Drains facts and failures and checks them against the truth. */
static void take_facts(sim_t *sim, int self)
{
    sim_node_t *node = &sim->nodes[self];
    static zr_gossip_fact_t fact;
    while (zr_gossip_next_fact(node->core, &fact)) {
        assert_int_equal(fact.self_id, self);
        assert_int_equal(fact.at_ms, sim->now + node->offset);
        if (fact.kind == ZR_GOSSIP_FACT_UPDATED)
            note_update(sim, node, fact.server_id);
        else if (fact.kind == ZR_GOSSIP_FACT_FAILED)
            note_failed(sim, self, fact.server_id);
    }
    zr_gossip_change_t change;
    while (zr_gossip_next_change(node->core, &change)) {
        if (change.state != ZR_GOSSIP_FAILED)
            continue;
        assert_int_equal(node->declared[change.id], 1);
        assert_int_equal(++node->drained[change.id], 1);
        assert_true(zr_gossip_is_failed(node->core, change.id));
    }
}

static void after_call(sim_t *sim, int id)
{
    sim_node_t *node = &sim->nodes[id];
    send_outputs(sim, node);
    take_facts(sim, id);
    int64_t wake = zr_gossip_next_deadline(node->core) - node->offset;
    wake += sim_below(sim, MAX_JITTER + 1);
    node->wake = wake > sim->now ? wake : sim->now;
}

static void deliver_due(sim_t *sim)
{
    static zr_gossip_msg_t msg;
    static flight_t flight;
    for (size_t i = 0; i < sim->flight_count;) {
        if (sim->flights[i].at > sim->now) {
            i++;
            continue;
        }
        flight = sim->flights[i];   /* out first: delivering may add flights */
        sim->flights[i] = sim->flights[--sim->flight_count];
        sim_node_t *node = &sim->nodes[flight.to];
        if (node->alive) {
            assert_int_equal(zr_gossip_msg_decode(flight.bytes, flight.len, &msg), ZR_DECODE_OK);
            zr_gossip_receive(node->core, &msg, sim->now + node->offset);
            sim->delivered++;
            after_call(sim, (int) flight.to);
        }
    }
}

static void tick_due(sim_t *sim)
{
    for (int id = 0; id < NODES; id++) {
        sim_node_t *node = &sim->nodes[id];
        if (!node->started && node->start_at <= sim->now)
            start(sim, id);
        if (node->alive && node->wake <= sim->now) {
            zr_gossip_tick(node->core, sim->now + node->offset);
            if (zr_gossip_next_deadline(node->core) <= sim->now + node->offset)
                fail_msg("%d: tick left a deadline that is already due", id);
            after_call(sim, id);
        }
    }
}

static int64_t next_event(const sim_t *sim)
{
    int64_t next = NEVER;
    for (int id = 0; id < NODES; id++) {
        const sim_node_t *node = &sim->nodes[id];
        if ((node->alive || !node->started) && node->wake < next)
            next = node->wake;
    }
    for (size_t i = 0; i < sim->flight_count; i++)
        if (sim->flights[i].at < next)
            next = sim->flights[i].at;
    return next;
}

static void run_until(sim_t *sim, int64_t until)
{
    for (int64_t next = next_event(sim); next <= until; next = next_event(sim)) {
        sim->now = next;
        deliver_due(sim);
        tick_due(sim);
    }
    sim->now = until;
}

static void kill_node(sim_t *sim, int id)
{
    sim->nodes[id].alive = false;
    sim->killed_at[id] = sim->now;
}

typedef struct {
    int64_t slowest, total;   /* ms after the kill */
    int count;                /* detections */
} detections_t;

/* Every live node declared `victim` failed exactly once, within `bound`; adds the times. */
static void check_detected(const sim_t *sim, int victim, int64_t bound, detections_t *seen)
{
    for (int id = 0; id < NODES; id++) {
        const sim_node_t *node = &sim->nodes[id];
        if (!node->alive)
            continue;
        if (node->declared[victim] != 1 || node->drained[victim] != 1)
            fail_msg("%d declared %d failed %d times", id, victim, node->declared[victim]);
        int64_t detection = node->failed_at[victim] - sim->killed_at[victim];
        if (detection <= 0 || detection > bound)
            fail_msg("%d detected %d after %lld ms (bound %lld, loss %.2f)", id, victim,
                     (long long) detection, (long long) bound, sim->loss);
        seen->slowest = detection > seen->slowest ? detection : seen->slowest;
        seen->total += detection;
        seen->count++;
    }
}

static void print_detections(const char *what, const detections_t *seen, int64_t bound)
{
    printf("    %s: %d detections, mean %lld ms, slowest %lld ms after the kill (bound %lld)\n",
           what, seen->count, (long long) (seen->total / (seen->count ? seen->count : 1)),
           (long long) seen->slowest, (long long) bound);
}

/* ---- the bound ---------------------------------------------------------------------------
 * A node declares the victim failed FAIL after its entry last went up, at its next tick
 * (<= MAX_JITTER late). The last increase is the victim's last heartbeat (sent at most when
 * it died) arriving directly (<= MAX_LATENCY), or, if that datagram was lost (p), relayed by
 * a peer's table some intervals later: each interval a peer holding it picks this node with
 * probability ~1/7 and the table survives with 1 - p, so with ~6 holders the relay misses an
 * interval with probability q ~ (1 - (1 - p) / 7)^6 (0.55 at p = 0.3). P(delay > r intervals)
 * ~ p q^r: below 1e-5 for r = 20 at p = 0.3. Lossless: FAIL + MAX_LATENCY + MAX_JITTER. */
#define LOSSLESS_BOUND (FAIL + MAX_LATENCY + MAX_JITTER)
#define LOSSY_BOUND (FAIL + 20 * BASE + MAX_LATENCY + MAX_JITTER)

static int64_t bound_for(double loss)
{
    return loss == 0 ? LOSSLESS_BOUND : LOSSY_BOUND;
}

static const double losses[] = { 0.0, 0.1, 0.2, 0.3 };
#define LOSS_RATES (sizeof losses / sizeof losses[0])

/* ---- safe loss rates ----------------------------------------------------------------------
 * A false positive needs a live server's entry at some node to stay still for fail_after_ms.
 * Each interval the entry goes up unless the direct heartbeat is lost (p) and no table
 * relayed anything newer; the longest such silences, over 8 nodes (56 monitoring pairs):
 *   loss 20%, fail 10 x base: 30 virtual hours, longest 800-900 ms, no false positive; the
 *     tail shrinks ~10x per 100 ms, so ~1 false positive per 1000 cluster-hours.
 *   loss 30%, fail 10 x base: 40 virtual hours, 10 false positives (~1 per 4 cluster-hours;
 *     the tail shrinks only ~6x per 100 ms). Not safe for long.
 *   loss 30%, fail 13 or 15 x base: 20 virtual hours each, longest 1100-1200 ms, none.
 * So the default fail time is safe up to ~20% independent loss; at 30% use >= 15 x base.
 * The long runs below: 0-20% with the default, 30% with 15 x base. */
static void run_all_live(double loss, int64_t fail_ms, int64_t duration)
{
    sim_t sim;
    sim_init(&sim, 1000 + (uint64_t) (loss * 100), loss);
    sim.fail_ms = fail_ms;
    run_until(&sim, duration);
    printf("    loss %.0f%%, fail after %lld ms: %lld s virtual, %llu datagrams (%llu lost), "
           "longest silence of a live server at a node %lld ms\n", loss * 100,
           (long long) fail_ms, (long long) duration / 1000, (unsigned long long) sim.sent,
           (unsigned long long) sim.lost, (long long) sim.longest_silence);
    for (int id = 0; id < NODES; id++) {
        zr_gossip_stats_t stats;
        zr_gossip_stats(sim.nodes[id].core, &stats);
        assert_int_equal(stats.failures, 0);
        assert_true(stats.merged > 0);
    }
    sim_free(&sim);
}

/* Everyone alive for a long virtual time: nobody is ever declared failed. */
static void nobody_fails_while_all_live(void **state)
{
    int64_t duration = test_iterations(200) * 1000;   /* virtual ms per loss rate */
    for (size_t l = 0; l + 1 < LOSS_RATES; l++)
        run_all_live(losses[l], FAIL, duration);
    run_all_live(0.3, 15 * BASE, duration);
}

/* One kill at a random time after everyone started. */
static void one_kill(uint64_t seed, double loss, int victim, detections_t *seen)
{
    sim_t sim;
    sim_init(&sim, seed, loss);
    run_until(&sim, MAX_START + 3000 + sim_below(&sim, 5000));
    kill_node(&sim, victim);
    run_until(&sim, sim.now + bound_for(loss) + BASE);
    check_detected(&sim, victim, bound_for(loss), seen);
    sim_free(&sim);
}

static void a_killed_node_is_detected_by_all(void **state)
{
    int runs = test_iterations(60);
    for (size_t l = 0; l < LOSS_RATES; l++) {
        detections_t seen = { 0 };
        for (int run = 0; run < runs; run++)
            one_kill(2000 + 100 * l + (uint64_t) run, losses[l], run % NODES, &seen);
        char what[64];
        snprintf(what, sizeof what, "loss %.0f%%, %d kills", losses[l] * 100, runs);
        print_detections(what, &seen, bound_for(losses[l]));
    }
}

/* The leader-equivalent dies, then (after everyone saw it) a random follower; nobody else
 * is ever declared failed. */
static void leader_then_follower(void **state)
{
    int runs = test_iterations(40);
    detections_t seen[2] = { { 0 }, { 0 } };
    for (int run = 0; run < runs; run++) {
        sim_t sim;
        double loss = losses[run % LOSS_RATES];
        sim_init(&sim, 3000 + (uint64_t) run, loss);
        run_until(&sim, MAX_START + 3000 + sim_below(&sim, 3000));
        int victims[2] = { LEADER, 1 + (int) sim_below(&sim, LEADER - 1) };
        for (int k = 0; k < 2; k++) {
            kill_node(&sim, victims[k]);
            run_until(&sim, sim.now + bound_for(loss) + sim_below(&sim, 2000));
            check_detected(&sim, victims[k], bound_for(loss), &seen[k]);
        }
        run_until(&sim, sim.now + 5000);
        for (int id = 0; id < NODES; id++)
            for (int other = 0; other < NODES && sim.nodes[id].alive; other++)
                assert_int_equal(sim.nodes[id].declared[other], sim.killed_at[other] != NEVER);
        sim_free(&sim);
    }
    print_detections("leader (7)", &seen[0], LOSSY_BOUND);
    print_detections("then a follower", &seen[1], LOSSY_BOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nobody_fails_while_all_live),
        cmocka_unit_test(a_killed_node_is_detected_by_all),
        cmocka_unit_test(leader_then_follower),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
