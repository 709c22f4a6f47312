/* test_dispatch: the leader's round robin: equal circular shares, results matched out of order,
 * failover without loss, fencing, the leader running work alone, cached answers, timeouts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "actors/work/zr_dispatch.h"
#include "tests/unit/test_support.h"

#define LEADER 7
#define EPOCH 3
#define GATEWAY 0

static const int64_t six_workers[] = { 11, 12, 13, 14, 15, 16 };

static zr_dispatch_t *dispatch_with(const int64_t *workers, size_t count)
{
    zr_dispatch_t *dispatch = zr_dispatch_new(LEADER, EPOCH);
    for (size_t i = 0; i < count; i++)
        assert_true(zr_dispatch_add_worker(dispatch, workers[i]));
    return dispatch;
}

static void submit_range(zr_dispatch_t *dispatch, uint64_t first, uint64_t count, int64_t now)
{
    for (uint64_t id = first; id < first + count; id++) {
        char source[32];
        int len = snprintf(source, sizeof source, "class R%llu {}", (unsigned long long) id);
        assert_int_equal(zr_dispatch_submit(dispatch, GATEWAY, id, source, (size_t) len, now),
                         ZR_DISPATCH_QUEUED);
    }
}

/* Drains every assignment into who[request id] (who sized for the ids used). */
static size_t drain(zr_dispatch_t *dispatch, int64_t *who, size_t who_size)
{
    zr_dispatch_assignment_t out;
    size_t count = 0;
    while (zr_dispatch_next_assignment(dispatch, &out)) {
        assert_true(out.request_id < who_size);
        assert_int_equal(out.leader_id, LEADER);
        assert_int_equal(out.epoch, EPOCH);
        who[out.request_id] = out.worker_id;
        count++;
    }
    return count;
}

static zr_dispatch_verdict_t complete(zr_dispatch_t *dispatch, uint64_t id, int64_t worker)
{
    char result[32];
    int len = snprintf(result, sizeof result, "result %llu", (unsigned long long) id);
    return zr_dispatch_complete(dispatch, GATEWAY, id, worker, EPOCH, result, (size_t) len);
}

static void shuffle(uint64_t *ids, size_t count, unsigned seed)
{
    for (size_t i = count; i > 1; i--) {
        size_t j = (size_t) rand_r(&seed) % i;
        uint64_t swap = ids[i - 1];
        ids[i - 1] = ids[j];
        ids[j] = swap;
    }
}

static void round_robin_gives_equal_circular_shares(void **state)
{
    zr_dispatch_t *dispatch = dispatch_with(six_workers, 6);
    const size_t total = (size_t) test_iterations(6000) + 5;   /* not a multiple of 6 */
    zr_dispatch_assignment_t out;
    submit_range(dispatch, 1, total, 0);
    for (size_t i = 0; i < total; i++) {
        assert_true(zr_dispatch_next_assignment(dispatch, &out));
        assert_int_equal(out.request_id, i + 1);
        assert_int_equal(out.worker_id, six_workers[i % 6]);
        assert_int_equal(out.attempt, 1);
        assert_memory_equal(out.source, "class R", 7);
    }
    assert_false(zr_dispatch_next_assignment(dispatch, &out));
    for (size_t i = 0; i < 6; i++) {
        zr_dispatch_worker_stats_t stats;
        assert_true(zr_dispatch_worker_stats(dispatch, six_workers[i], &stats));
        assert_true(stats.assigned == total / 6 || stats.assigned == total / 6 + 1);
        assert_int_equal(stats.in_flight, stats.assigned);
    }
    zr_dispatch_destroy(&dispatch);
    assert_null(dispatch);
}

static void results_out_of_order_are_matched(void **state)
{
    zr_dispatch_t *dispatch = dispatch_with(six_workers, 6);
    enum { TOTAL = 600 };
    int64_t who[TOTAL + 1];
    uint64_t ids[TOTAL];
    submit_range(dispatch, 1, TOTAL, 0);
    assert_int_equal(drain(dispatch, who, TOTAL + 1), TOTAL);
    for (size_t i = 0; i < TOTAL; i++)
        ids[i] = i + 1;
    shuffle(ids, TOTAL, 42);
    for (size_t i = 0; i < TOTAL; i++)
        assert_int_equal(complete(dispatch, ids[i], who[ids[i]]), ZR_DISPATCH_ACCEPTED);
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(dispatch, &stats);
    assert_int_equal(stats.in_flight, 0);
    assert_int_equal(stats.verdicts[ZR_DISPATCH_ACCEPTED], TOTAL);
    for (size_t i = 0; i < 6; i++) {
        zr_dispatch_worker_stats_t worker;
        assert_true(zr_dispatch_worker_stats(dispatch, six_workers[i], &worker));
        assert_int_equal(worker.completed, TOTAL / 6);
        assert_int_equal(worker.in_flight, 0);
    }
    size_t len = 0;
    const uint8_t *cached = zr_dispatch_cached_result(dispatch, GATEWAY, 77, &len);
    assert_non_null(cached);
    assert_int_equal(len, strlen("result 77"));
    assert_memory_equal(cached, "result 77", len);
    zr_dispatch_destroy(&dispatch);
}

static void removed_worker_jobs_are_reassigned_once_each(void **state)
{
    const int64_t workers[] = { 21, 22, 23 };
    zr_dispatch_t *dispatch = dispatch_with(workers, 3);
    int64_t who[10];
    submit_range(dispatch, 1, 9, 0);
    assert_int_equal(drain(dispatch, who, 10), 9);
    /* 22 holds 2, 5 and 8; they come back in that order, round robin over 21 and 23 */
    assert_int_equal(zr_dispatch_remove_worker(dispatch, 22, 50), 3);
    assert_int_equal(zr_dispatch_worker_count(dispatch), 2);
    const uint64_t expected_ids[] = { 2, 5, 8 };
    zr_dispatch_assignment_t out;
    int64_t previous_worker = -1;
    for (size_t i = 0; i < 3; i++) {
        assert_true(zr_dispatch_next_assignment(dispatch, &out));
        assert_int_equal(out.request_id, expected_ids[i]);
        assert_int_equal(out.attempt, 2);
        assert_true(out.worker_id == 21 || out.worker_id == 23);
        assert_true(out.worker_id != previous_worker);
        previous_worker = who[out.request_id] = out.worker_id;
    }
    assert_false(zr_dispatch_next_assignment(dispatch, &out));
    assert_int_equal(complete(dispatch, 5, 22), ZR_DISPATCH_FAILED_WORKER);
    for (uint64_t id = 1; id <= 9; id++)
        assert_int_equal(complete(dispatch, id, who[id]), ZR_DISPATCH_ACCEPTED);
    for (uint64_t id = 1; id <= 9; id++)
        assert_int_equal(complete(dispatch, id, who[id]), ZR_DISPATCH_DUPLICATE);
    assert_int_equal(zr_dispatch_remove_worker(dispatch, 22, 60), -1);   /* already removed */
    assert_true(zr_dispatch_add_worker(dispatch, 22));   /* a new incarnation of it comes back */
    assert_false(zr_dispatch_add_worker(dispatch, 22));
    assert_int_equal(zr_dispatch_worker_count(dispatch), 3);
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(dispatch, &stats);
    assert_int_equal(stats.reassigned_failover, 3);
    assert_int_equal(stats.in_flight, 0);
    zr_dispatch_destroy(&dispatch);
}

static void stale_wrong_and_unknown_results_are_fenced(void **state)
{
    const int64_t workers[] = { 31, 32 };
    zr_dispatch_t *dispatch = dispatch_with(workers, 2);
    int64_t who[2];
    submit_range(dispatch, 1, 1, 0);
    assert_int_equal(drain(dispatch, who, 2), 1);
    assert_int_equal(who[1], 31);
    assert_int_equal(zr_dispatch_complete(dispatch, GATEWAY, 1, 31, EPOCH - 1, "x", 1),
                     ZR_DISPATCH_STALE_EPOCH);
    assert_int_equal(zr_dispatch_complete(dispatch, GATEWAY, 1, 31, EPOCH + 1, "x", 1),
                     ZR_DISPATCH_STALE_EPOCH);
    assert_int_equal(complete(dispatch, 1, 32), ZR_DISPATCH_WRONG_WORKER);
    assert_int_equal(complete(dispatch, 1, 99), ZR_DISPATCH_WRONG_WORKER);
    assert_int_equal(complete(dispatch, 1, LEADER), ZR_DISPATCH_WRONG_WORKER);
    assert_int_equal(zr_dispatch_complete(dispatch, GATEWAY + 1, 1, 31, EPOCH, "x", 1),
                     ZR_DISPATCH_UNKNOWN);
    assert_int_equal(complete(dispatch, 2, 31), ZR_DISPATCH_UNKNOWN);
    assert_int_equal(complete(dispatch, 1, 31), ZR_DISPATCH_ACCEPTED);
    assert_int_equal(complete(dispatch, 1, 31), ZR_DISPATCH_DUPLICATE);
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(dispatch, &stats);
    assert_int_equal(stats.verdicts[ZR_DISPATCH_STALE_EPOCH], 2);
    assert_int_equal(stats.verdicts[ZR_DISPATCH_WRONG_WORKER], 3);
    assert_int_equal(stats.verdicts[ZR_DISPATCH_UNKNOWN], 2);
    assert_int_equal(stats.verdicts[ZR_DISPATCH_ACCEPTED], 1);
    assert_int_equal(stats.verdicts[ZR_DISPATCH_DUPLICATE], 1);
    assert_string_equal(zr_dispatch_verdict_name(ZR_DISPATCH_STALE_EPOCH), "STALE_EPOCH");
    zr_dispatch_destroy(&dispatch);
}

static void leader_runs_work_only_when_alone(void **state)
{
    zr_dispatch_t *dispatch = zr_dispatch_new(LEADER, EPOCH);
    int64_t who[8];
    assert_false(zr_dispatch_add_worker(dispatch, LEADER));
    assert_false(zr_dispatch_add_worker(dispatch, -1));
    submit_range(dispatch, 1, 2, 0);
    assert_int_equal(drain(dispatch, who, 8), 2);
    assert_int_equal(who[1], LEADER);
    assert_int_equal(who[2], LEADER);
    assert_true(zr_dispatch_add_worker(dispatch, 41));
    assert_false(zr_dispatch_add_worker(dispatch, 41));
    submit_range(dispatch, 3, 2, 0);
    assert_int_equal(drain(dispatch, who, 8), 2);
    assert_int_equal(who[3], 41);
    assert_int_equal(who[4], 41);
    /* the last worker fails: its jobs fall back to the leader */
    assert_int_equal(zr_dispatch_remove_worker(dispatch, 41, 10), 2);
    assert_int_equal(drain(dispatch, who, 8), 2);
    assert_int_equal(who[3], LEADER);
    assert_int_equal(who[4], LEADER);
    assert_int_equal(zr_dispatch_remove_worker(dispatch, LEADER, 10), -1);
    for (uint64_t id = 1; id <= 4; id++)
        assert_int_equal(complete(dispatch, id, LEADER), ZR_DISPATCH_ACCEPTED);
    zr_dispatch_worker_stats_t stats;
    assert_true(zr_dispatch_worker_stats_at(dispatch, 0, &stats));
    assert_int_equal(stats.id, LEADER);
    assert_int_equal(stats.assigned, 4);
    assert_int_equal(stats.completed, 4);
    assert_true(zr_dispatch_worker_stats_at(dispatch, 1, &stats));
    assert_int_equal(stats.id, 41);
    assert_false(stats.alive);
    assert_false(zr_dispatch_worker_stats_at(dispatch, 2, &stats));
    zr_dispatch_destroy(&dispatch);
}

static void duplicate_submit_never_runs_twice(void **state)
{
    const int64_t workers[] = { 51 };
    zr_dispatch_t *dispatch = dispatch_with(workers, 1);
    int64_t who[2];
    zr_dispatch_assignment_t out;
    submit_range(dispatch, 1, 1, 0);
    assert_int_equal(zr_dispatch_submit(dispatch, GATEWAY, 1, "again", 5, 1),
                     ZR_DISPATCH_IN_FLIGHT);
    assert_int_equal(drain(dispatch, who, 2), 1);
    assert_int_equal(zr_dispatch_submit(dispatch, GATEWAY, 1, "again", 5, 2),
                     ZR_DISPATCH_IN_FLIGHT);
    assert_false(zr_dispatch_next_assignment(dispatch, &out));
    assert_int_equal(complete(dispatch, 1, 51), ZR_DISPATCH_ACCEPTED);
    assert_int_equal(zr_dispatch_submit(dispatch, GATEWAY, 1, "again", 5, 3), ZR_DISPATCH_DONE);
    assert_false(zr_dispatch_next_assignment(dispatch, &out));
    size_t len = 0;
    const uint8_t *cached = zr_dispatch_cached_result(dispatch, GATEWAY, 1, &len);
    assert_non_null(cached);
    assert_memory_equal(cached, "result 1", len);
    /* the same request id from another gateway is another job */
    assert_int_equal(zr_dispatch_submit(dispatch, GATEWAY + 1, 1, "other", 5, 3),
                     ZR_DISPATCH_QUEUED);
    assert_null(zr_dispatch_cached_result(dispatch, GATEWAY + 1, 1, &len));
    zr_dispatch_destroy(&dispatch);
}

static void completed_memory_is_bounded(void **state)
{
    const int64_t workers[] = { 61, 62 };
    zr_dispatch_t *dispatch = dispatch_with(workers, 2);
    enum { TOTAL = 50, KEEP = 8 };
    int64_t who[TOTAL + 1];
    zr_dispatch_set_cache_limits(dispatch, KEEP, 1 << 20);
    submit_range(dispatch, 1, TOTAL, 0);
    drain(dispatch, who, TOTAL + 1);
    for (uint64_t id = 1; id <= TOTAL; id++) {
        assert_int_equal(complete(dispatch, id, who[id]), ZR_DISPATCH_ACCEPTED);
        zr_result_cache_stats_t cache;
        zr_dispatch_cache_stats(dispatch, &cache);
        assert_true(cache.results <= KEEP);
    }
    zr_result_cache_stats_t cache;
    zr_dispatch_cache_stats(dispatch, &cache);
    assert_int_equal(cache.results, KEEP);
    assert_int_equal(cache.evicted, TOTAL - KEEP);
    assert_int_equal(zr_dispatch_submit(dispatch, GATEWAY, TOTAL, "s", 1, 1), ZR_DISPATCH_DONE);
    assert_int_equal(zr_dispatch_submit(dispatch, GATEWAY, TOTAL - KEEP + 1, "s", 1, 1),
                     ZR_DISPATCH_DONE);
    /* forgotten: a re-send runs again, and a late result for it is unknown */
    assert_int_equal(complete(dispatch, 1, who[1]), ZR_DISPATCH_UNKNOWN);
    assert_int_equal(zr_dispatch_submit(dispatch, GATEWAY, 1, "s", 1, 1), ZR_DISPATCH_QUEUED);
    zr_dispatch_destroy(&dispatch);
}

static void adopted_results_answer_resends(void **state)
{
    const int64_t workers[] = { 71, 72 };
    zr_dispatch_t *dispatch = dispatch_with(workers, 2);
    int64_t who[4];
    size_t len = 0;
    assert_int_equal(zr_dispatch_adopt_completed(dispatch, GATEWAY, 1, "old 1", 5),
                     ZR_DISPATCH_STORED);
    assert_int_equal(zr_dispatch_adopt_completed(dispatch, GATEWAY, 1, "old 1", 5),
                     ZR_DISPATCH_DUPLICATE);
    assert_int_equal(zr_dispatch_submit(dispatch, GATEWAY, 1, "s", 1, 0), ZR_DISPATCH_DONE);
    assert_memory_equal(zr_dispatch_cached_result(dispatch, GATEWAY, 1, &len), "old 1", 5);
    /* the gateway's re-send got here before the recovery answer: adopt completes it */
    submit_range(dispatch, 2, 2, 0);
    assert_int_equal(drain(dispatch, who, 4), 2);
    assert_int_equal(zr_dispatch_adopt_completed(dispatch, GATEWAY, 2, "old 2", 5),
                     ZR_DISPATCH_ACCEPTED);
    assert_int_equal(complete(dispatch, 2, who[2]), ZR_DISPATCH_DUPLICATE);
    assert_int_equal(complete(dispatch, 3, who[3]), ZR_DISPATCH_ACCEPTED);
    zr_dispatch_worker_stats_t stats;
    assert_true(zr_dispatch_worker_stats(dispatch, who[2], &stats));
    assert_int_equal(stats.in_flight, 0);
    assert_int_equal(stats.completed, 0);
    zr_dispatch_destroy(&dispatch);
}

static void timed_out_job_is_reassigned_with_growing_waits(void **state)
{
    const int64_t workers[] = { 81, 82, 83 };
    zr_dispatch_t *dispatch = dispatch_with(workers, 3);
    int64_t who[4];
    zr_dispatch_assignment_t out;
    zr_dispatch_set_timeout(dispatch, 1000);
    assert_int_equal(zr_dispatch_next_deadline(dispatch), -1);
    submit_range(dispatch, 1, 1, 100);
    assert_int_equal(drain(dispatch, who, 4), 1);
    submit_range(dispatch, 2, 1, 300);
    assert_int_equal(drain(dispatch, who, 4), 1);
    assert_int_equal(zr_dispatch_next_deadline(dispatch), 1100);
    assert_int_equal(zr_dispatch_tick(dispatch, 1099), 0);
    assert_int_equal(zr_dispatch_tick(dispatch, 1100), 1);
    assert_int_equal(zr_dispatch_next_deadline(dispatch), 1300);
    assert_true(zr_dispatch_next_assignment(dispatch, &out));
    assert_int_equal(out.request_id, 1);
    assert_int_equal(out.worker_id, 83);
    assert_int_equal(out.attempt, 2);
    /* the first worker's late result still counts; the second one's is then a duplicate */
    assert_int_equal(complete(dispatch, 1, 81), ZR_DISPATCH_ACCEPTED);
    assert_int_equal(complete(dispatch, 1, 83), ZR_DISPATCH_DUPLICATE);
    /* job 2 times out, and again after twice the wait (each worker dropped it) */
    assert_int_equal(zr_dispatch_tick(dispatch, 5000), 1);
    assert_true(zr_dispatch_next_assignment(dispatch, &out));
    assert_int_equal(out.worker_id, 81);
    assert_int_equal(zr_dispatch_next_deadline(dispatch), 7000);
    assert_int_equal(zr_dispatch_tick(dispatch, 6999), 0);
    assert_int_equal(zr_dispatch_tick(dispatch, 7000), 1);
    assert_true(zr_dispatch_next_assignment(dispatch, &out));
    assert_true(out.worker_id == 82 && out.attempt == 3);
    assert_int_equal(zr_dispatch_next_deadline(dispatch), 7000 + 4000);
    /* its worker fails: only the one before it may still answer */
    assert_int_equal(zr_dispatch_remove_worker(dispatch, 82, 8000), 1);
    assert_true(zr_dispatch_next_assignment(dispatch, &out));
    assert_int_equal(out.worker_id, 83);
    assert_int_equal(complete(dispatch, 2, 82), ZR_DISPATCH_FAILED_WORKER);
    assert_int_equal(complete(dispatch, 2, 81), ZR_DISPATCH_ACCEPTED);
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(dispatch, &stats);
    assert_int_equal(stats.reassigned_timeout, 3);
    assert_int_equal(stats.in_flight, 0);
    zr_dispatch_destroy(&dispatch);
}

/* Workers told their slots get that many jobs at once, in round-robin order among those with a
 * free slot; the rest wait at the leader until a completion frees one, and a job's timeout
 * counts from its assignment, not from its wait. */
static void jobs_wait_for_a_free_slot(void **state)
{
    const int64_t workers[] = { 21, 22, 23 };
    zr_dispatch_t *dispatch = dispatch_with(workers, 3);
    assert_true(zr_dispatch_set_slots(dispatch, 21, 1));
    assert_true(zr_dispatch_set_slots(dispatch, 22, 2));
    assert_true(zr_dispatch_set_slots(dispatch, 23, 1));
    assert_false(zr_dispatch_set_slots(dispatch, 99, 1));
    zr_dispatch_set_timeout(dispatch, 1000);
    int64_t who[10] = { 0 };
    submit_range(dispatch, 1, 5, 100);
    assert_int_equal(drain(dispatch, who, 10), 4);   /* 1 + 2 + 1 slots */
    assert_true(who[1] == 21 && who[2] == 22 && who[3] == 23 && who[4] == 22);
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(dispatch, &stats);
    assert_int_equal(stats.queued, 1);
    assert_int_equal(complete(dispatch, 2, 22), ZR_DISPATCH_ACCEPTED);
    assert_int_equal(zr_dispatch_tick(dispatch, 900), 0);
    assert_int_equal(drain(dispatch, who, 10), 1);
    assert_int_equal(who[5], 22);                 /* the free slot, not the next in turn (21) */
    assert_int_equal(complete(dispatch, 1, 21), ZR_DISPATCH_ACCEPTED);
    assert_int_equal(complete(dispatch, 3, 23), ZR_DISPATCH_ACCEPTED);
    assert_int_equal(complete(dispatch, 4, 22), ZR_DISPATCH_ACCEPTED);
    assert_int_equal(zr_dispatch_next_deadline(dispatch), 900 + 1000);   /* from its assignment */
    /* a worker that has not told its slots (still warming up) gets nothing while others have */
    assert_true(zr_dispatch_set_slots(dispatch, 22, 0));
    int64_t untold[3];
    assert_int_equal(zr_dispatch_untold(dispatch, untold, 3), 1);
    assert_int_equal(untold[0], 22);
    submit_range(dispatch, 6, 4, 950);
    assert_int_equal(drain(dispatch, who, 10), 2);
    assert_true(who[6] == 23 && who[7] == 21);
    assert_true(zr_dispatch_set_slots(dispatch, 22, 2));   /* warm now (job 5 still runs there) */
    assert_int_equal(drain(dispatch, who, 10), 1);
    assert_int_equal(who[8], 22);
    assert_int_equal(zr_dispatch_untold(dispatch, untold, 3), 0);
    zr_dispatch_destroy(&dispatch);
    /* when nobody has told, every live worker takes any number, in turn */
    dispatch = dispatch_with(workers, 3);
    submit_range(dispatch, 1, 6, 0);
    assert_int_equal(drain(dispatch, who, 10), 6);
    assert_true(who[1] == 21 && who[2] == 22 && who[3] == 23 && who[4] == 21);
    zr_dispatch_destroy(&dispatch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_robin_gives_equal_circular_shares),
        cmocka_unit_test(results_out_of_order_are_matched),
        cmocka_unit_test(removed_worker_jobs_are_reassigned_once_each),
        cmocka_unit_test(stale_wrong_and_unknown_results_are_fenced),
        cmocka_unit_test(leader_runs_work_only_when_alone),
        cmocka_unit_test(duplicate_submit_never_runs_twice),
        cmocka_unit_test(completed_memory_is_bounded),
        cmocka_unit_test(adopted_results_answer_resends),
        cmocka_unit_test(timed_out_job_is_reassigned_with_growing_waits),
        cmocka_unit_test(jobs_wait_for_a_free_slot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
