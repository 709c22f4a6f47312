/* test_worker_book: a worker runs a job once, answers repeats from what it holds, forgets on
 * ack, hands everything to a new leader in recovery, and stays within its bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "actors/work/zr_worker_book.h"
#include "tests/unit/test_support.h"

static const zr_worker_stamp_t old_leader = { 5, 2 }, new_leader = { 6, 3 };

static zr_job_key_t job(uint64_t id)
{
    return (zr_job_key_t) { 0, id };
}

static void a_job_runs_once_and_repeats_are_answered_from_it(void **state)
{
    zr_worker_book_t *book = zr_worker_book_new(8, 1024);
    assert_int_equal(zr_worker_book_start(book, job(1), old_leader), ZR_WORKER_START_RUN);
    assert_int_equal(zr_worker_book_start(book, job(1), new_leader), ZR_WORKER_START_RUNNING);
    assert_int_equal(zr_worker_book_start(book, job(1), old_leader), ZR_WORKER_START_RUNNING);
    zr_worker_stamp_t stamp;
    assert_true(zr_worker_book_running_stamp(book, job(1), &stamp));
    assert_true(stamp.leader_id == 6 && stamp.epoch == 3);   /* the later leader, not the last asker */
    assert_true(zr_worker_book_finish(book, job(1), "one", 3));
    assert_false(zr_worker_book_running_stamp(book, job(1), &stamp));
    assert_int_equal(zr_worker_book_start(book, job(1), new_leader), ZR_WORKER_START_HELD);
    size_t len;
    const uint8_t *held = zr_worker_book_held(book, job(1), &len);
    assert_true(held && len == 3 && memcmp(held, "one", 3) == 0);
    assert_false(zr_worker_book_finish(book, job(2), "stray", 5));   /* never started here */
    assert_null(zr_worker_book_held(book, job(2), &len));
    zr_worker_book_stats_t stats;
    zr_worker_book_stats(book, &stats);
    assert_true(stats.started == 1 && stats.joined == 2 && stats.answered_held == 1);
    assert_true(stats.running == 0 && stats.held == 1 && stats.held_bytes == 3);
    zr_worker_book_destroy(&book);
}

static void an_ack_forgets_the_result(void **state)
{
    zr_worker_book_t *book = zr_worker_book_new(8, 1024);
    zr_worker_book_start(book, job(1), old_leader);
    zr_worker_book_finish(book, job(1), "one", 3);
    assert_true(zr_worker_book_acknowledge(book, job(1)));
    assert_false(zr_worker_book_acknowledge(book, job(1)));
    assert_int_equal(zr_worker_book_start(book, job(1), old_leader), ZR_WORKER_START_RUN);
    zr_worker_book_stats_t stats;
    zr_worker_book_stats(book, &stats);
    assert_true(stats.acknowledged == 1 && stats.held == 0 && stats.running == 1);
    zr_worker_book_destroy(&book);
}

typedef struct {
    uint64_t ids[8];
    bool has_result[8];
    size_t count, total;
} seen_t;

static void remember(void *arg, zr_job_key_t key, const uint8_t *result, size_t len, size_t index, size_t total)
{
    seen_t *seen = arg;
    (void) len;
    assert_int_equal(index, seen->count);
    seen->total = total;
    seen->has_result[seen->count] = result != NULL;
    seen->ids[seen->count++] = key.request_id;
}

static void recovery_hands_over_held_results_then_running_jobs(void **state)
{
    zr_worker_book_t *book = zr_worker_book_new(8, 1024);
    for (uint64_t id = 1; id <= 4; id++)
        zr_worker_book_start(book, job(id), old_leader);
    zr_worker_book_finish(book, job(3), "three", 5);
    zr_worker_book_finish(book, job(1), "one", 3);
    seen_t seen = { 0 };
    assert_int_equal(zr_worker_book_collect(book, new_leader, remember, &seen), 4);
    assert_int_equal(seen.count, 4);
    assert_int_equal(seen.total, 4);
    assert_true(seen.ids[0] == 3 && seen.ids[1] == 1);   /* oldest result first */
    assert_true(seen.has_result[0] && seen.has_result[1] && !seen.has_result[2] && !seen.has_result[3]);
    assert_true(seen.ids[2] + seen.ids[3] == 2 + 4);
    /* the results stay until the new leader acknowledges them; the running jobs answer it */
    assert_int_equal(zr_worker_book_start(book, job(3), new_leader), ZR_WORKER_START_HELD);
    seen_t again = { 0 };
    assert_int_equal(zr_worker_book_collect(book, new_leader, remember, &again), 4);   /* a lost answer */
    assert_true(zr_worker_book_acknowledge(book, job(3)) && zr_worker_book_acknowledge(book, job(1)));
    assert_int_equal(zr_worker_book_start(book, job(3), new_leader), ZR_WORKER_START_RUN);
    zr_worker_stamp_t stamp;
    assert_true(zr_worker_book_running_stamp(book, job(2), &stamp));
    assert_true(stamp.leader_id == 6 && stamp.epoch == 3);
    zr_worker_book_stats_t stats;
    zr_worker_book_stats(book, &stats);
    assert_true(stats.collected == 4 && stats.acknowledged == 2 && stats.held == 0 && stats.running == 3);
    seen_t none = { 0 };
    zr_worker_book_t *empty = zr_worker_book_new(8, 1024);
    assert_int_equal(zr_worker_book_collect(empty, new_leader, remember, &none), 0);
    assert_int_equal(none.count, 0);
    zr_worker_book_destroy(&empty);
    zr_worker_book_destroy(&book);
}

static void held_results_stay_within_their_bounds(void **state)
{
    zr_worker_book_t *book = zr_worker_book_new(2, 10);
    for (uint64_t id = 1; id <= 4; id++)
        zr_worker_book_start(book, job(id), old_leader);
    zr_worker_book_finish(book, job(1), "aaaa", 4);
    zr_worker_book_finish(book, job(2), "bbbb", 4);
    zr_worker_book_finish(book, job(3), "cccc", 4);   /* the oldest (1) goes */
    size_t len;
    assert_null(zr_worker_book_held(book, job(1), &len));
    assert_non_null(zr_worker_book_held(book, job(3), &len));
    zr_worker_book_finish(book, job(4), "far too long", 12);   /* larger than the byte bound */
    assert_null(zr_worker_book_held(book, job(4), &len));
    zr_worker_book_stats_t stats;
    zr_worker_book_stats(book, &stats);
    assert_int_equal(stats.dropped, 2);
    assert_true(stats.held == 2 && stats.held_bytes == 8 && stats.running == 0);
    zr_worker_book_destroy(&book);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_job_runs_once_and_repeats_are_answered_from_it),
        cmocka_unit_test(an_ack_forgets_the_result),
        cmocka_unit_test(recovery_hands_over_held_results_then_running_jobs),
        cmocka_unit_test(held_results_stay_within_their_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
