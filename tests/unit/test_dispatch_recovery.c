/* test_dispatch_recovery: a new leader's recovery in the dispatch core on an injected clock:
 * nothing assigned until all answered, late and dying followers, early re-sends, stale epochs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "actors/work/zr_dispatch.h"
#include "tests/unit/test_support.h"

#define LEADER 7
#define EPOCH 3
#define GATEWAY 0
#define WAIT_MS 1000
#define REASK_MS 200

static zr_dispatch_t *recovering_leader(int64_t now)
{
    zr_dispatch_t *dispatch = zr_dispatch_new(LEADER, EPOCH);
    assert_true(zr_dispatch_add_worker(dispatch, 31));
    assert_true(zr_dispatch_add_worker(dispatch, 32));
    zr_dispatch_recovery_begin(dispatch, now, WAIT_MS, REASK_MS);
    assert_true(zr_dispatch_recovering(dispatch));
    return dispatch;
}

static zr_dispatch_verdict_t submit(zr_dispatch_t *dispatch, uint64_t id, int64_t now)
{
    return zr_dispatch_submit(dispatch, GATEWAY, id, "class A {}", 10, now);
}

static zr_dispatch_verdict_t result_from(zr_dispatch_t *dispatch, uint64_t id, int64_t worker, uint64_t epoch)
{
    return zr_dispatch_complete(dispatch, GATEWAY, id, worker, epoch, "answer", 6);
}

/* The leader's own worker and both followers answer (their last message). */
static void answer_all(zr_dispatch_t *dispatch, int64_t now)
{
    const int64_t ids[] = { LEADER, 31, 32 };
    for (size_t i = 0; i < 3; i++)
        zr_dispatch_recovery_answered(dispatch, ids[i], EPOCH, now);
    assert_false(zr_dispatch_recovering(dispatch));
}

static void nothing_is_assigned_until_every_worker_answered(void **state)
{
    zr_dispatch_t *dispatch = recovering_leader(0);
    int64_t ids[8];
    assert_int_equal(zr_dispatch_recovery_due(dispatch, 0, ids, 8), 3);
    assert_true(ids[0] == LEADER && ids[1] == 31 && ids[2] == 32);
    assert_int_equal(submit(dispatch, 1, 5), ZR_DISPATCH_QUEUED);
    zr_dispatch_assignment_t out;
    assert_false(zr_dispatch_next_assignment(dispatch, &out));
    assert_true(zr_dispatch_recovery_answered(dispatch, LEADER, EPOCH, 10));
    assert_true(zr_dispatch_recovery_answered(dispatch, 31, EPOCH, 20));
    assert_false(zr_dispatch_recovery_answered(dispatch, 31, EPOCH, 20));   /* once is enough */
    assert_false(zr_dispatch_next_assignment(dispatch, &out));
    assert_true(zr_dispatch_recovery_answered(dispatch, 32, EPOCH, 30));
    assert_false(zr_dispatch_recovering(dispatch));
    assert_true(zr_dispatch_next_assignment(dispatch, &out));
    assert_int_equal(out.request_id, 1);
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(dispatch, &stats);
    assert_int_equal(stats.recovery_ms, 30);
    assert_int_equal(stats.recovery_late, 0);
    zr_dispatch_destroy(&dispatch);
}

static void late_follower_is_asked_again_then_given_up_on(void **state)
{
    zr_dispatch_t *dispatch = recovering_leader(1000);
    int64_t ids[8];
    assert_int_equal(zr_dispatch_recovery_due(dispatch, 1000, ids, 8), 3);
    assert_true(zr_dispatch_recovery_answered(dispatch, LEADER, EPOCH, 1001));
    assert_true(zr_dispatch_recovery_answered(dispatch, 31, EPOCH, 1002));
    assert_int_equal(zr_dispatch_next_deadline(dispatch), 1000 + REASK_MS);
    assert_int_equal(zr_dispatch_recovery_due(dispatch, 1100, ids, 8), 0);   /* not yet */
    assert_int_equal(zr_dispatch_recovery_due(dispatch, 1200, ids, 8), 1);
    assert_int_equal(ids[0], 32);
    zr_dispatch_tick(dispatch, 1999);
    assert_true(zr_dispatch_recovering(dispatch));
    zr_dispatch_tick(dispatch, 2000);   /* the deadline: serve without it */
    assert_false(zr_dispatch_recovering(dispatch));
    assert_int_equal(zr_dispatch_next_deadline(dispatch), -1);
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(dispatch, &stats);
    assert_int_equal(stats.recovery_late, 1);
    assert_int_equal(stats.recovery_ms, WAIT_MS);
    /* its answer still counts when it comes: the result waits for the gateway's re-send */
    assert_int_equal(zr_dispatch_recovered_result(dispatch, 32, EPOCH, GATEWAY, 9, "nine", 4), ZR_DISPATCH_STORED);
    assert_false(zr_dispatch_recovery_answered(dispatch, 32, EPOCH, 2100));
    assert_int_equal(submit(dispatch, 9, 2200), ZR_DISPATCH_DONE);
    size_t len;
    const uint8_t *cached = zr_dispatch_cached_result(dispatch, GATEWAY, 9, &len);
    assert_true(cached && len == 4 && memcmp(cached, "nine", 4) == 0);
    zr_dispatch_destroy(&dispatch);
}

static void follower_that_dies_during_recovery_does_not_block_it(void **state)
{
    zr_dispatch_t *dispatch = recovering_leader(0);
    assert_true(zr_dispatch_recovery_answered(dispatch, LEADER, EPOCH, 1));
    assert_true(zr_dispatch_recovery_answered(dispatch, 31, EPOCH, 2));
    /* 32 reported a running job before it died: with no re-send yet, the job is forgotten */
    assert_int_equal(zr_dispatch_recovered_running(dispatch, 32, EPOCH, GATEWAY, 4, 3), ZR_DISPATCH_ADOPTED);
    assert_int_equal(zr_dispatch_remove_worker(dispatch, 32, 50), 0);
    assert_false(zr_dispatch_recovering(dispatch));
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(dispatch, &stats);
    assert_int_equal(stats.in_flight, 0);
    assert_int_equal(stats.recovery_ms, 50);
    /* the gateway's re-send of it now runs it elsewhere */
    assert_int_equal(submit(dispatch, 4, 60), ZR_DISPATCH_QUEUED);
    zr_dispatch_assignment_t out;
    assert_true(zr_dispatch_next_assignment(dispatch, &out));
    assert_int_equal(out.worker_id, 31);
    assert_int_equal(zr_dispatch_recovered_running(dispatch, 32, EPOCH, GATEWAY, 5, 70), ZR_DISPATCH_FAILED_WORKER);
    zr_dispatch_destroy(&dispatch);
}

static void resends_before_recovery_ends_wait_for_what_it_finds(void **state)
{
    zr_dispatch_t *dispatch = recovering_leader(0);
    assert_int_equal(submit(dispatch, 5, 1), ZR_DISPATCH_QUEUED);   /* running at 31 */
    assert_int_equal(submit(dispatch, 6, 1), ZR_DISPATCH_QUEUED);   /* finished at 32 */
    assert_int_equal(submit(dispatch, 7, 1), ZR_DISPATCH_QUEUED);   /* nowhere: runs afresh */
    assert_int_equal(zr_dispatch_recovered_running(dispatch, 31, EPOCH, GATEWAY, 5, 2), ZR_DISPATCH_ADOPTED);
    assert_int_equal(zr_dispatch_recovered_result(dispatch, 32, EPOCH, GATEWAY, 6, "six", 3), ZR_DISPATCH_ACCEPTED);
    assert_int_equal(zr_dispatch_recovered_result(dispatch, LEADER, EPOCH, GATEWAY, 6, "six", 3),
                     ZR_DISPATCH_DUPLICATE);
    answer_all(dispatch, 3);
    assert_false(zr_dispatch_recovering(dispatch));
    zr_dispatch_assignment_t out;
    assert_true(zr_dispatch_next_assignment(dispatch, &out));
    assert_int_equal(out.request_id, 7);   /* only the one nobody had */
    assert_false(zr_dispatch_next_assignment(dispatch, &out));
    assert_int_equal(submit(dispatch, 5, 4), ZR_DISPATCH_IN_FLIGHT);   /* a second re-send */
    assert_int_equal(result_from(dispatch, 5, 32, EPOCH), ZR_DISPATCH_WRONG_WORKER);
    assert_int_equal(result_from(dispatch, 5, 31, EPOCH), ZR_DISPATCH_ACCEPTED);
    assert_int_equal(submit(dispatch, 6, 5), ZR_DISPATCH_DONE);
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(dispatch, &stats);
    assert_int_equal(stats.adopted, 1);
    assert_int_equal(stats.recovered_results, 1);
    assert_int_equal(stats.assigned, 1);   /* adoption is no assignment: nothing ran twice */
    zr_dispatch_destroy(&dispatch);
}

static void answers_for_an_older_epoch_are_ignored(void **state)
{
    zr_dispatch_t *dispatch = recovering_leader(0);
    assert_int_equal(zr_dispatch_recovered_result(dispatch, 31, EPOCH - 1, GATEWAY, 1, "x", 1),
                     ZR_DISPATCH_STALE_EPOCH);
    assert_int_equal(zr_dispatch_recovered_running(dispatch, 31, EPOCH - 1, GATEWAY, 2, 0),
                     ZR_DISPATCH_STALE_EPOCH);
    assert_false(zr_dispatch_recovery_answered(dispatch, 31, EPOCH - 1, 0));
    assert_true(zr_dispatch_recovering(dispatch));
    assert_int_equal(submit(dispatch, 1, 1), ZR_DISPATCH_QUEUED);   /* nothing was recovered */
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(dispatch, &stats);
    assert_int_equal(stats.verdicts[ZR_DISPATCH_STALE_EPOCH], 2);
    assert_int_equal(stats.in_flight, 1);
    /* an old leader's result for a job assigned here is refused too */
    answer_all(dispatch, 3);
    zr_dispatch_assignment_t out;
    assert_true(zr_dispatch_next_assignment(dispatch, &out));
    assert_int_equal(result_from(dispatch, 1, out.worker_id, EPOCH - 1), ZR_DISPATCH_STALE_EPOCH);
    assert_int_equal(result_from(dispatch, 1, out.worker_id, EPOCH), ZR_DISPATCH_ACCEPTED);
    zr_dispatch_destroy(&dispatch);
}

static void adopted_jobs_follow_their_worker_or_time_out_quietly(void **state)
{
    zr_dispatch_t *dispatch = recovering_leader(0);
    zr_dispatch_set_timeout(dispatch, 500);
    assert_int_equal(zr_dispatch_recovered_running(dispatch, 31, EPOCH, GATEWAY, 8, 0), ZR_DISPATCH_ADOPTED);
    assert_int_equal(zr_dispatch_recovered_running(dispatch, 31, EPOCH, GATEWAY, 9, 0), ZR_DISPATCH_ADOPTED);
    assert_int_equal(zr_dispatch_recovered_running(dispatch, 32, EPOCH, GATEWAY, 9, 0), ZR_DISPATCH_IN_FLIGHT);
    assert_int_equal(submit(dispatch, 8, 10), ZR_DISPATCH_IN_FLIGHT);   /* job 8 is re-sent, 9 not */
    assert_int_equal(zr_dispatch_recovered_running(dispatch, 32, EPOCH, GATEWAY, 10, 20), ZR_DISPATCH_ADOPTED);
    answer_all(dispatch, 20);
    assert_int_equal(zr_dispatch_remove_worker(dispatch, 31, 100), 1);   /* 8 moves on, 9 is dropped */
    zr_dispatch_assignment_t out;
    assert_true(zr_dispatch_next_assignment(dispatch, &out));
    assert_true(out.request_id == 8 && out.worker_id == 32);
    assert_true(out.source_len == 10 && memcmp(out.source, "class A {}", 10) == 0);
    assert_false(zr_dispatch_next_assignment(dispatch, &out));
    /* job 10, adopted at 32 and never asked for again, leaves at its timeout, not to a worker */
    zr_dispatch_tick(dispatch, 550);
    assert_false(zr_dispatch_next_assignment(dispatch, &out));
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(dispatch, &stats);
    assert_int_equal(stats.in_flight, 1);   /* job 8 only */
    assert_int_equal(stats.reassigned_timeout, 0);
    zr_dispatch_destroy(&dispatch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nothing_is_assigned_until_every_worker_answered),
        cmocka_unit_test(late_follower_is_asked_again_then_given_up_on),
        cmocka_unit_test(follower_that_dies_during_recovery_does_not_block_it),
        cmocka_unit_test(resends_before_recovery_ends_wait_for_what_it_finds),
        cmocka_unit_test(answers_for_an_older_epoch_are_ignored),
        cmocka_unit_test(adopted_jobs_follow_their_worker_or_time_out_quietly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
