/* test_dispatch_rejoin: a live worker back as a new incarnation, in the dispatch core on an
 * injected clock: its jobs wait until it says what it still runs; only the rest run again. */
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

/* Workers 31 and 32, one slot each; job 1 runs at 31, job 2 at 32. */
static zr_dispatch_t *leader_with_two_jobs(void)
{
    zr_dispatch_t *dispatch = zr_dispatch_new(LEADER, EPOCH);
    assert_true(zr_dispatch_add_worker(dispatch, 31));
    assert_true(zr_dispatch_add_worker(dispatch, 32));
    assert_true(zr_dispatch_set_slots(dispatch, 31, 1));
    assert_true(zr_dispatch_set_slots(dispatch, 32, 1));
    zr_dispatch_assignment_t out;
    for (uint64_t id = 1; id <= 2; id++) {
        assert_int_equal(zr_dispatch_submit(dispatch, GATEWAY, id, "class A {}", 10, 0), ZR_DISPATCH_QUEUED);
        assert_true(zr_dispatch_next_assignment(dispatch, &out));
        assert_true(out.request_id == id && out.worker_id == 30 + (int64_t) id);
    }
    return dispatch;
}

static zr_dispatch_verdict_t result_from(zr_dispatch_t *dispatch, uint64_t id, int64_t worker)
{
    return zr_dispatch_complete(dispatch, GATEWAY, id, worker, EPOCH, "answer", 6);
}

static void expect_failover_and_adopted(const zr_dispatch_t *dispatch, uint64_t failover, uint64_t adopted)
{
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(dispatch, &stats);
    assert_int_equal(stats.reassigned_failover, failover);
    assert_int_equal(stats.adopted, adopted);
}

static void a_job_the_new_incarnation_still_runs_stays_with_it(void **state)
{
    zr_dispatch_t *dispatch = leader_with_two_jobs();
    assert_int_equal(zr_dispatch_rejoin_worker(dispatch, 31, 100, WAIT_MS), 1);
    assert_int_equal(zr_dispatch_worker_count(dispatch), 2);
    /* no new work before its hello: 32 is full, so job 3 waits */
    assert_int_equal(zr_dispatch_submit(dispatch, GATEWAY, 3, "class B {}", 10, 110), ZR_DISPATCH_QUEUED);
    zr_dispatch_assignment_t out;
    assert_false(zr_dispatch_next_assignment(dispatch, &out));
    assert_int_equal(zr_dispatch_recovered_running(dispatch, 31, EPOCH, GATEWAY, 1, 150), ZR_DISPATCH_ADOPTED);
    assert_int_equal(zr_dispatch_rejoin_answered(dispatch, 31, EPOCH, 150), 0);
    assert_int_equal(zr_dispatch_tick(dispatch, 100 + WAIT_MS), 0);   /* confirmed: its deadline is gone */
    assert_false(zr_dispatch_next_assignment(dispatch, &out));
    assert_int_equal(result_from(dispatch, 1, 31), ZR_DISPATCH_ACCEPTED);
    expect_failover_and_adopted(dispatch, 0, 1);
    zr_dispatch_destroy(&dispatch);
}

static void jobs_it_does_not_list_go_to_others(void **state)
{
    zr_dispatch_t *dispatch = leader_with_two_jobs();
    assert_int_equal(zr_dispatch_rejoin_worker(dispatch, 31, 100, WAIT_MS), 1);
    assert_int_equal(zr_dispatch_rejoin_answered(dispatch, 31, EPOCH - 1, 120), 0);   /* another leader's */
    assert_int_equal(zr_dispatch_rejoin_answered(dispatch, 31, EPOCH, 150), 1);   /* a restarted process */
    zr_dispatch_assignment_t out;
    assert_false(zr_dispatch_next_assignment(dispatch, &out));   /* 32 is busy, 31 has not said hello */
    assert_int_equal(result_from(dispatch, 2, 32), ZR_DISPATCH_ACCEPTED);
    assert_true(zr_dispatch_next_assignment(dispatch, &out));
    assert_true(out.request_id == 1 && out.worker_id == 32 && out.attempt == 2);
    expect_failover_and_adopted(dispatch, 1, 0);
    zr_dispatch_destroy(&dispatch);
}

static void a_finished_result_in_its_answer_completes_the_job(void **state)
{
    zr_dispatch_t *dispatch = leader_with_two_jobs();
    assert_int_equal(zr_dispatch_rejoin_worker(dispatch, 31, 100, WAIT_MS), 1);
    assert_int_equal(zr_dispatch_recovered_result(dispatch, 31, EPOCH, GATEWAY, 1, "answer", 6), ZR_DISPATCH_ACCEPTED);
    assert_int_equal(zr_dispatch_rejoin_answered(dispatch, 31, EPOCH, 150), 0);
    assert_int_equal(zr_dispatch_submit(dispatch, GATEWAY, 1, "class A {}", 10, 160), ZR_DISPATCH_DONE);
    expect_failover_and_adopted(dispatch, 0, 0);
    zr_dispatch_destroy(&dispatch);
}

static void a_silent_new_incarnation_loses_its_jobs_at_the_deadline(void **state)
{
    zr_dispatch_t *dispatch = leader_with_two_jobs();
    zr_dispatch_set_timeout(dispatch, 60000);
    assert_int_equal(zr_dispatch_rejoin_worker(dispatch, 31, 100, WAIT_MS), 1);
    assert_int_equal(zr_dispatch_next_deadline(dispatch), 100 + WAIT_MS);
    assert_int_equal(zr_dispatch_tick(dispatch, 99 + WAIT_MS), 0);
    assert_int_equal(zr_dispatch_tick(dispatch, 100 + WAIT_MS), 1);   /* counted as a failover */
    expect_failover_and_adopted(dispatch, 1, 0);
    assert_int_equal(result_from(dispatch, 2, 32), ZR_DISPATCH_ACCEPTED);
    zr_dispatch_assignment_t out;
    assert_true(zr_dispatch_next_assignment(dispatch, &out));
    assert_true(out.request_id == 1 && out.worker_id == 32);
    /* should the old process answer after all, the first answer wins */
    assert_int_equal(result_from(dispatch, 1, 31), ZR_DISPATCH_ACCEPTED);
    assert_int_equal(result_from(dispatch, 1, 32), ZR_DISPATCH_DUPLICATE);
    zr_dispatch_destroy(&dispatch);
}

static void a_confirmed_job_keeps_its_own_timeout(void **state)
{
    zr_dispatch_t *dispatch = leader_with_two_jobs();
    zr_dispatch_set_timeout(dispatch, 5000);
    assert_int_equal(zr_dispatch_rejoin_worker(dispatch, 31, 100, WAIT_MS), 1);
    assert_int_equal(zr_dispatch_recovered_running(dispatch, 31, EPOCH, GATEWAY, 1, 200), ZR_DISPATCH_ADOPTED);
    assert_int_equal(zr_dispatch_next_deadline(dispatch), 200 + 5000);
    zr_dispatch_destroy(&dispatch);
}

static void a_worker_back_and_then_failed_loses_its_jobs_at_once(void **state)
{
    zr_dispatch_t *dispatch = leader_with_two_jobs();
    assert_int_equal(zr_dispatch_rejoin_worker(dispatch, 31, 100, WAIT_MS), 1);
    assert_int_equal(zr_dispatch_remove_worker(dispatch, 31, 200), 1);
    assert_int_equal(zr_dispatch_recovered_running(dispatch, 31, EPOCH, GATEWAY, 1, 210), ZR_DISPATCH_FAILED_WORKER);
    assert_int_equal(zr_dispatch_rejoin_answered(dispatch, 31, EPOCH, 210), 0);
    assert_int_equal(zr_dispatch_rejoin_worker(dispatch, 31, 220, WAIT_MS), -1);   /* not live */
    assert_int_equal(zr_dispatch_rejoin_worker(dispatch, LEADER, 220, WAIT_MS), -1);
    expect_failover_and_adopted(dispatch, 1, 0);
    zr_dispatch_destroy(&dispatch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_job_the_new_incarnation_still_runs_stays_with_it),
        cmocka_unit_test(jobs_it_does_not_list_go_to_others),
        cmocka_unit_test(a_finished_result_in_its_answer_completes_the_job),
        cmocka_unit_test(a_silent_new_incarnation_loses_its_jobs_at_the_deadline),
        cmocka_unit_test(a_confirmed_job_keeps_its_own_timeout),
        cmocka_unit_test(a_worker_back_and_then_failed_loses_its_jobs_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
