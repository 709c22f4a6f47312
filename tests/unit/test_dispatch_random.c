/* test_dispatch_random: a seeded simulation of gateway (zr_pending), leaders (zr_dispatch) and
 * workers with random delivery order, duplicates, kills, elections, recovery, zombie leaders and
 * workers back as new incarnations.
 * Invariants: every request is answered exactly once (correctly), expired or cancelled;
 * nothing is ever assigned to a dead node; counts agree after every step. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "actors/work/zr_dispatch.h"
#include "actors/gateway/zr_pending.h"
#include "tests/unit/test_support.h"

#define GATEWAY 0
#define MAX_NODES 96
#define FIRST_NODES 7
#define DEADLINE_MS 2000
#define TIMEOUT_MS 700
#define REJOIN_WAIT_MS 400

typedef enum { REQUEST, RESULT, ANSWER, JOB, HELD } kind_t;
typedef enum { PENDING = 0, ANSWERED, EXPIRED, CANCELLED } fate_t;

/* One record type for messages in the network, jobs at a node, and results held by a node. */
typedef struct {
    kind_t kind;
    uint64_t rid;
    int64_t from;       /* sender; for HELD the holder */
    int64_t to;         /* receiver; for JOB the leader that assigned it */
    uint64_t epoch;
} item_t;

typedef struct {
    item_t *items;
    size_t count;
    size_t cap;
} bag_t;

typedef struct {
    uint64_t seed;
    uint64_t rng;
    int step;
    int64_t now;
    zr_pending_t *pending;
    uint64_t first_id;
    fate_t *fate;                  /* by rid - first_id */
    size_t accepted, fates[4];
    bool alive[MAX_NODES];
    int64_t node_total;            /* ids 1..node_total were created */
    int64_t leader;                /* -1: none */
    uint64_t epoch;
    int64_t zombie;                /* the last dead leader and its epoch */
    uint64_t zombie_epoch;
    zr_dispatch_t *dispatch;
    size_t adopted_new, dropped;   /* this dispatch's jobs adopted without a submit, dropped without a result */
    bag_t network, jobs[MAX_NODES], held;
} sim_t;

#define CHECK(sim, cond)                                                                    \
    do {                                                                                    \
        if (!(cond))                                                                        \
            fail_msg("seed %" PRIu64 " step %d: %s", (sim)->seed, (sim)->step, #cond);      \
    } while (0)

/* Jobs the leader holds (queued or assigned). */
static size_t in_flight(const sim_t *sim)
{
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(sim->dispatch, &stats);
    return stats.in_flight;
}

static uint64_t rnd(sim_t *sim, uint64_t bound)
{
    sim->rng ^= sim->rng >> 12;
    sim->rng ^= sim->rng << 25;
    sim->rng ^= sim->rng >> 27;
    return (sim->rng * 0x2545F4914F6CDD1Dull) % bound;
}

static void bag_push(bag_t *bag, item_t item)
{
    if (bag->count == bag->cap) {
        bag->cap = bag->cap ? bag->cap * 2 : 16;
        bag->items = realloc(bag->items, bag->cap * sizeof *bag->items);
        assert_non_null(bag->items);
    }
    bag->items[bag->count++] = item;
}

/* Removes and returns a random item (random order of delivery). */
static item_t bag_take(sim_t *sim, bag_t *bag)
{
    size_t index = (size_t) rnd(sim, bag->count);
    item_t item = bag->items[index];
    bag->items[index] = bag->items[--bag->count];
    return item;
}

static void result_text(uint64_t rid, char *text, size_t size, size_t *len)
{
    *len = (size_t) snprintf(text, size, "result %" PRIu64, rid);
}

static fate_t *fate_of(sim_t *sim, uint64_t rid)
{
    CHECK(sim, rid >= sim->first_id && rid < sim->first_id + sim->accepted);
    return &sim->fate[rid - sim->first_id];
}

static void set_fate(sim_t *sim, uint64_t rid, fate_t fate)
{
    fate_t *current = fate_of(sim, rid);
    CHECK(sim, *current == PENDING);
    *current = fate;
    sim->fates[fate]++;
}

/* ---- gateway side ---- */

static void gateway_flush(sim_t *sim)
{
    zr_pending_send_t send;
    while (zr_pending_next_send(sim->pending, &send)) {
        char expected[32];
        int len = snprintf(expected, sizeof expected, "class R%" PRIu64, send.request_id);
        CHECK(sim, send.source_len == (size_t) len && !memcmp(send.source, expected, (size_t) len));
        bag_push(&sim->network, (item_t) { REQUEST, send.request_id, GATEWAY, send.leader_id,
                                           send.epoch });
    }
}

static void gateway_accept(sim_t *sim)
{
    char source[32];
    uint64_t rid = sim->first_id + sim->accepted;
    int len = snprintf(source, sizeof source, "class R%" PRIu64, rid);
    CHECK(sim, zr_pending_accept_id(sim->pending, rid, source, (size_t) len, sim->now));
    sim->accepted++;
    gateway_flush(sim);
}

/* The observer catches up with the cluster: loss and new leader, maybe one step apart. */
static void gateway_observe(sim_t *sim)
{
    int64_t believed;
    uint64_t epoch;
    bool known = zr_pending_leader(sim->pending, &believed, &epoch);
    bool stale = known && (believed != sim->leader || epoch != sim->epoch);
    if (stale && sim->leader >= 0 && rnd(sim, 2))   /* straight to the new leader */
        CHECK(sim, zr_pending_leader_changed(sim->pending, sim->leader, sim->epoch, sim->now));
    else if (stale)
        zr_pending_leader_lost(sim->pending, sim->now);
    else if (!known && sim->leader >= 0)
        CHECK(sim, zr_pending_leader_changed(sim->pending, sim->leader, sim->epoch, sim->now));
    gateway_flush(sim);
}

static void gateway_receive(sim_t *sim, item_t answer)
{
    int64_t believed;
    uint64_t epoch;
    bool known = zr_pending_leader(sim->pending, &believed, &epoch);
    zr_pending_verdict_t verdict = zr_pending_answer(sim->pending, answer.rid, answer.from,
                                                     answer.epoch);
    if (verdict != ZR_PENDING_ANSWERED)
        return;
    CHECK(sim, known && believed == answer.from && epoch == answer.epoch);
    set_fate(sim, answer.rid, ANSWERED);
}

static void gateway_tick(sim_t *sim)
{
    zr_pending_expired_t expired;
    zr_pending_tick(sim->pending, sim->now);
    while (zr_pending_next_expired(sim->pending, &expired)) {
        CHECK(sim, expired.waited_ms >= DEADLINE_MS);
        set_fate(sim, expired.request_id, EXPIRED);
    }
}

static void gateway_cancel(sim_t *sim)
{
    if (sim->accepted == 0)
        return;
    uint64_t rid = sim->first_id + rnd(sim, sim->accepted);
    bool pending = *fate_of(sim, rid) == PENDING;
    CHECK(sim, zr_pending_cancel(sim->pending, rid) == pending);
    if (pending)
        set_fate(sim, rid, CANCELLED);
}

/* ---- leader side ---- */

static void leader_flush(sim_t *sim)
{
    zr_dispatch_assignment_t out;
    while (zr_dispatch_next_assignment(sim->dispatch, &out)) {
        CHECK(sim, out.worker_id > 0 && out.worker_id <= sim->node_total);
        CHECK(sim, sim->alive[out.worker_id]);
        CHECK(sim, out.leader_id == sim->leader && out.epoch == sim->epoch);
        CHECK(sim, (out.worker_id == sim->leader) == (zr_dispatch_worker_count(sim->dispatch) == 0));
        bag_push(&sim->jobs[out.worker_id], (item_t) { JOB, out.request_id, sim->leader,
                                                       sim->leader, sim->epoch });
    }
}

static void leader_answer(sim_t *sim, uint64_t rid)
{
    bag_push(&sim->network, (item_t) { ANSWER, rid, sim->leader, GATEWAY, sim->epoch });
}

static void leader_request(sim_t *sim, item_t request)
{
    char source[32];
    int len = snprintf(source, sizeof source, "class R%" PRIu64, request.rid);
    zr_dispatch_verdict_t verdict = zr_dispatch_submit(sim->dispatch, GATEWAY, request.rid,
                                                       source, (size_t) len, sim->now);
    if (verdict == ZR_DISPATCH_DONE) {
        char expected[32];
        size_t expected_len, cached_len = 0;
        result_text(request.rid, expected, sizeof expected, &expected_len);
        const uint8_t *cached = zr_dispatch_cached_result(sim->dispatch, GATEWAY, request.rid,
                                                          &cached_len);
        CHECK(sim, cached && cached_len == expected_len && !memcmp(cached, expected, cached_len));
        leader_answer(sim, request.rid);
    }
    leader_flush(sim);
}

static void leader_result(sim_t *sim, item_t result)
{
    char text[32];
    size_t len;
    result_text(result.rid, text, sizeof text, &len);
    zr_dispatch_verdict_t verdict = zr_dispatch_complete(sim->dispatch, GATEWAY, result.rid,
                                                         result.from, result.epoch, text, len);
    /* WRONG_WORKER and UNKNOWN: a duplicated old result after the small cache forgot the job */
    CHECK(sim, verdict != ZR_DISPATCH_STALE_EPOCH);
    CHECK(sim, verdict != ZR_DISPATCH_ACCEPTED || sim->alive[result.from]);
    if (verdict == ZR_DISPATCH_ACCEPTED)
        leader_answer(sim, result.rid);
}

/* A paused follower wakes up with a result stamped with an older epoch: always refused. */
static void stale_result(sim_t *sim)
{
    if (!sim->dispatch || sim->epoch == 0 || sim->accepted == 0)
        return;
    uint64_t rid = sim->first_id + rnd(sim, sim->accepted);
    CHECK(sim, zr_dispatch_complete(sim->dispatch, GATEWAY, rid, sim->leader, sim->epoch - 1,
                                    "stale", 5) == ZR_DISPATCH_STALE_EPOCH);
}

/* A dead leader's late answer (SIGSTOP, then wake): refused once the gateway moved on. */
static void zombie_answer(sim_t *sim)
{
    int64_t believed;
    uint64_t epoch;
    bool known = zr_pending_leader(sim->pending, &believed, &epoch);
    if (sim->zombie < 0 || sim->accepted == 0
        || (known && believed == sim->zombie && epoch == sim->zombie_epoch))
        return;
    uint64_t rid = sim->first_id + rnd(sim, sim->accepted);
    CHECK(sim, zr_pending_answer(sim->pending, rid, sim->zombie, sim->zombie_epoch)
               != ZR_PENDING_ANSWERED);
}

static void recover(sim_t *sim)
{
    for (size_t i = 0; i < sim->held.count; i++) {
        item_t held = sim->held.items[i];
        char text[32];
        size_t len;
        result_text(held.rid, text, sizeof text, &len);
        if (zr_dispatch_adopt_completed(sim->dispatch, GATEWAY, held.rid, text, len)
            == ZR_DISPATCH_ACCEPTED)
            leader_answer(sim, held.rid);
    }
    sim->held.count = 0;
}

/* ---- the cluster ---- */

static void elect(sim_t *sim)
{
    for (int64_t id = sim->node_total; id >= 1; id--)
        if (sim->alive[id]) {
            sim->leader = id;
            break;
        }
    sim->epoch++;
    sim->dispatch = zr_dispatch_new(sim->leader, sim->epoch);
    sim->adopted_new = sim->dropped = 0;
    zr_dispatch_set_timeout(sim->dispatch, TIMEOUT_MS);
    zr_dispatch_set_cache_limits(sim->dispatch, 8 + (size_t) rnd(sim, 256), 1 << 20);
    for (int64_t id = 1; id <= sim->node_total; id++)
        if (sim->alive[id] && id != sim->leader)
            CHECK(sim, zr_dispatch_add_worker(sim->dispatch, id));
}

static void spawn_node(sim_t *sim)
{
    if (sim->node_total + 1 >= MAX_NODES)
        return;
    int64_t id = ++sim->node_total;
    sim->alive[id] = true;
    if (sim->dispatch) {
        CHECK(sim, zr_dispatch_add_worker(sim->dispatch, id));
        leader_flush(sim);
    }
}

static size_t alive_count(const sim_t *sim)
{
    size_t count = 0;
    for (int64_t id = 1; id <= sim->node_total; id++)
        count += sim->alive[id];
    return count;
}

static void drop_held_by(sim_t *sim, int64_t id)
{
    for (size_t i = 0; i < sim->held.count;)
        if (sim->held.items[i].from == id)
            sim->held.items[i] = sim->held.items[--sim->held.count];
        else
            i++;
}

static void kill_node(sim_t *sim, int64_t id)
{
    sim->alive[id] = false;
    sim->jobs[id].count = 0;
    drop_held_by(sim, id);
    if (id == sim->leader) {
        zr_dispatch_destroy(&sim->dispatch);
        sim->zombie = id;
        sim->zombie_epoch = sim->epoch;
        sim->leader = -1;
    }
    else if (sim->dispatch) {
        size_t before = in_flight(sim);   /* adopted jobs never re-sent leave with their worker */
        CHECK(sim, zr_dispatch_remove_worker(sim->dispatch, id, sim->now) >= 0);
        sim->dropped += before - in_flight(sim);
        zr_dispatch_worker_stats_t stats;
        CHECK(sim, zr_dispatch_worker_stats(sim->dispatch, id, &stats) && stats.in_flight == 0);
        leader_flush(sim);
    }
}

/* A live worker comes back as a new incarnation before any verdict: the same process, still
 * running its jobs (it lists those of this leader), or a restarted one that lost them; or its
 * answer is lost, and its jobs go on at the deadline. */
static void come_back(sim_t *sim)
{
    int64_t id = 1 + (int64_t) rnd(sim, (uint64_t) sim->node_total);
    if (!sim->dispatch || !sim->alive[id] || id == sim->leader)
        return;
    CHECK(sim, zr_dispatch_rejoin_worker(sim->dispatch, id, sim->now, REJOIN_WAIT_MS) >= 0);
    uint64_t how = rnd(sim, 3);
    if (how == 0) {   /* restarted: nothing survived */
        sim->jobs[id].count = 0;
        drop_held_by(sim, id);
    }
    if (how != 2) {
        const bag_t *jobs = &sim->jobs[id];
        for (size_t i = 0; i < jobs->count; i++) {
            if (jobs->items[i].to != sim->leader || jobs->items[i].epoch != sim->epoch)
                continue;
            size_t before = in_flight(sim);   /* one the leader had forgotten is adopted anew */
            zr_dispatch_verdict_t verdict = zr_dispatch_recovered_running(sim->dispatch, id, sim->epoch,
                                                                          GATEWAY, jobs->items[i].rid, sim->now);
            CHECK(sim, verdict == ZR_DISPATCH_ADOPTED || verdict == ZR_DISPATCH_IN_FLIGHT
                       || verdict == ZR_DISPATCH_DUPLICATE);
            sim->adopted_new += in_flight(sim) - before;
        }
        size_t before = in_flight(sim);   /* unlisted adopted jobs are dropped, the rest queued */
        zr_dispatch_rejoin_answered(sim->dispatch, id, sim->epoch, sim->now);
        sim->dropped += before - in_flight(sim);
    }
    leader_flush(sim);
}

static void kill_random(sim_t *sim, bool leader)
{
    if (alive_count(sim) <= 2 || (leader && sim->leader < 0))
        return;
    int64_t id = leader ? sim->leader : 1 + (int64_t) rnd(sim, (uint64_t) sim->node_total);
    if (sim->alive[id] && (leader || id != sim->leader))
        kill_node(sim, id);
}

/* Live nodes with jobs to run, into busy[]; returns how many. */
static size_t busy_nodes(const sim_t *sim, int64_t *busy)
{
    size_t count = 0;
    for (int64_t id = 1; id <= sim->node_total; id++)
        if (sim->alive[id] && sim->jobs[id].count)
            busy[count++] = id;
    return count;
}

/* A busy node runs one of its jobs (any of them: results come back in any order). */
static void execute(sim_t *sim)
{
    int64_t busy[MAX_NODES];
    size_t count = busy_nodes(sim, busy);
    if (count == 0)
        return;
    int64_t id = busy[rnd(sim, count)];
    item_t job = bag_take(sim, &sim->jobs[id]);
    bag_push(&sim->network, (item_t) { RESULT, job.rid, id, job.to, job.epoch });
}

/* Delivers one message; a small share is delivered twice (left in the network). */
static void deliver(sim_t *sim)
{
    if (sim->network.count == 0)
        return;
    item_t msg = rnd(sim, 20) == 0 ? sim->network.items[rnd(sim, sim->network.count)]
                                    : bag_take(sim, &sim->network);
    bool to_leader = msg.to == sim->leader && sim->dispatch;
    if (msg.kind == ANSWER)
        gateway_receive(sim, msg);
    else if (msg.kind == REQUEST && to_leader)
        leader_request(sim, msg);
    else if (msg.kind == RESULT && to_leader)
        leader_result(sim, msg);
    else if (msg.kind == RESULT && sim->alive[msg.from])
        bag_push(&sim->held, (item_t) { HELD, msg.rid, msg.from, -1, msg.epoch });
}

static void advance_clock(sim_t *sim)
{
    sim->now += (int64_t) rnd(sim, 300);
    gateway_tick(sim);
    if (sim->dispatch) {
        size_t before = in_flight(sim);   /* adopted jobs never re-sent leave at their timeout */
        zr_dispatch_tick(sim->dispatch, sim->now);
        sim->dropped += before - in_flight(sim);
        leader_flush(sim);
    }
}

/* ---- invariants ---- */

static void check_counts(sim_t *sim)
{
    size_t open = sim->accepted - sim->fates[ANSWERED] - sim->fates[EXPIRED]
                  - sim->fates[CANCELLED];
    CHECK(sim, zr_pending_count(sim->pending) == open);
    if (!sim->dispatch)
        return;
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(sim->dispatch, &stats);
    size_t assigned = 0;
    zr_dispatch_worker_stats_t worker;
    for (size_t i = 0; zr_dispatch_worker_stats_at(sim->dispatch, i, &worker); i++) {
        CHECK(sim, worker.alive == sim->alive[worker.id]);
        CHECK(sim, worker.alive || worker.in_flight == 0);
        assigned += worker.in_flight;
    }
    CHECK(sim, stats.in_flight == stats.queued + assigned);
    CHECK(sim, stats.verdicts[ZR_DISPATCH_QUEUED] + sim->adopted_new
               == stats.in_flight + stats.verdicts[ZR_DISPATCH_ACCEPTED] + sim->dropped);
}

static void random_step(sim_t *sim)
{
    uint64_t dice = rnd(sim, 1000);
    if (dice < 100)   /* arrivals stay below what delivery and execution can serve */
        gateway_accept(sim);
    else if (dice < 600)
        deliver(sim);
    else if (dice < 800)
        execute(sim);
    else if (dice < 860)
        advance_clock(sim);
    else if (dice < 900)
        gateway_observe(sim);
    else if (dice < 930 && sim->leader < 0)
        elect(sim);
    else if (dice < 960 && sim->dispatch)
        recover(sim);
    else if (dice < 970)
        gateway_cancel(sim);
    else if (dice < 978)
        kill_random(sim, false);
    else if (dice < 981)
        kill_random(sim, true);
    else if (dice < 986 && alive_count(sim) < 5)
        spawn_node(sim);
    else if (dice < 990)
        come_back(sim);
    else if (dice < 995)
        stale_result(sim);
    else
        zombie_answer(sim);
}

/* Runs every message and job to the end with a leader the gateway knows. */
static void settle(sim_t *sim)
{
    if (sim->leader < 0)
        elect(sim);
    gateway_observe(sim);
    gateway_observe(sim);   /* a loss first, then the new leader */
    for (int guard = 0; guard < 10000000; guard++) {
        int64_t busy[MAX_NODES];
        sim->step++;
        if (sim->network.count)
            deliver(sim);
        else if (busy_nodes(sim, busy))
            execute(sim);
        else if (sim->held.count)
            recover(sim);
        else
            return;
        check_counts(sim);
    }
    fail_msg("seed %" PRIu64 ": the simulation did not settle", sim->seed);
}

static void run_simulation(uint64_t seed, int steps)
{
    sim_t sim = { .seed = seed, .rng = seed * 0x9E3779B97F4A7C15ull + 1, .leader = -1,
                  .zombie = -1 };
    sim.first_id = 1000 + seed;
    sim.pending = zr_pending_new(DEADLINE_MS);
    sim.fate = calloc((size_t) steps + 1, sizeof *sim.fate);
    assert_non_null(sim.fate);
    sim.node_total = FIRST_NODES;
    for (int64_t id = 1; id <= FIRST_NODES; id++)
        sim.alive[id] = true;
    for (sim.step = 0; sim.step < steps; sim.step++) {
        random_step(&sim);
        check_counts(&sim);
    }
    settle(&sim);
    CHECK(&sim, zr_pending_count(sim.pending) == 0);
    for (size_t i = 0; i < sim.accepted; i++)
        CHECK(&sim, sim.fate[i] != PENDING);
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(sim.dispatch, &stats);
    CHECK(&sim, stats.in_flight == 0);
    CHECK(&sim, sim.fates[ANSWERED] > sim.accepted / 4);   /* it did exercise answers */
    zr_dispatch_destroy(&sim.dispatch);
    zr_pending_destroy(&sim.pending);
    free(sim.fate);
    free(sim.network.items);
    free(sim.held.items);
    for (int i = 0; i < MAX_NODES; i++)
        free(sim.jobs[i].items);
}

static void every_request_ends_exactly_once(void **state)
{
    const int seeds = test_iterations(40), steps = test_iterations(20000);
    for (int seed = 1; seed <= seeds; seed++)
        run_simulation((uint64_t) seed, steps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_request_ends_exactly_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
