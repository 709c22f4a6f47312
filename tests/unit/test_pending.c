/* test_pending: the gateway's pending table: queueing without a leader, release and re-send on
 * leader changes, answers fenced by leader and epoch, expiry at the deadline, cancel. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "actors/gateway/zr_pending.h"

#define DEADLINE 1000

static uint64_t next_id;   /* the ids the HTTP front would give, from new_pending's first */

static zr_pending_t *new_pending(uint64_t first_id)
{
    next_id = first_id;
    return zr_pending_new(DEADLINE);
}

static uint64_t accept_text(zr_pending_t *pending, const char *text, int64_t now)
{
    assert_true(zr_pending_accept_id(pending, next_id, text, strlen(text), now));
    return next_id++;
}

/* Drains next_send into ids[] (at most cap); checks every send goes to leader at epoch. */
static size_t drain_sends(zr_pending_t *pending, int64_t leader, uint64_t epoch, uint64_t *ids,
                          size_t cap)
{
    zr_pending_send_t out;
    size_t count = 0;
    while (zr_pending_next_send(pending, &out)) {
        assert_true(count < cap);
        assert_int_equal(out.leader_id, leader);
        assert_int_equal(out.epoch, epoch);
        ids[count++] = out.request_id;
    }
    return count;
}

static void requests_wait_until_a_leader_is_known(void **state)
{
    zr_pending_t *pending = new_pending(500);
    zr_pending_send_t out;
    uint64_t ids[4];
    assert_int_equal(accept_text(pending, "class A {}", 0), 500);
    assert_int_equal(accept_text(pending, "class B {}", 10), 501);
    assert_false(zr_pending_next_send(pending, &out));
    assert_false(zr_pending_leader(pending, NULL, NULL));
    assert_int_equal(zr_pending_count(pending), 2);
    assert_true(zr_pending_leader_changed(pending, 5, 1, 20));
    assert_true(zr_pending_next_send(pending, &out));
    assert_int_equal(out.request_id, 500);
    assert_int_equal(out.source_len, strlen("class A {}"));
    assert_memory_equal(out.source, "class A {}", out.source_len);
    assert_int_equal(out.attempt, 1);
    assert_int_equal(drain_sends(pending, 5, 1, ids, 4), 1);
    assert_int_equal(ids[0], 501);
    /* with a leader known, a new request is released at once; the same leader again is no news */
    assert_int_equal(accept_text(pending, "class C {}", 30), 502);
    assert_false(zr_pending_leader_changed(pending, 5, 1, 40));
    assert_int_equal(drain_sends(pending, 5, 1, ids, 4), 1);
    assert_int_equal(ids[0], 502);
    assert_int_equal(zr_pending_next_deadline(pending), -1);   /* nothing waits for a leader */
    zr_pending_destroy(&pending);
    assert_null(pending);
}

static void caller_assigned_ids_are_kept_and_checked(void **state)
{
    zr_pending_t *pending = new_pending(1);
    uint64_t ids[4];
    assert_true(zr_pending_accept_id(pending, 77, "class A {}", 10, 0));
    assert_false(zr_pending_accept_id(pending, 77, "class B {}", 10, 0));   /* taken */
    assert_false(zr_pending_accept_id(pending, 0, "class C {}", 10, 0));    /* 0 is never an id */
    assert_true(zr_pending_accept_id(pending, 12, "class D {}", 10, 0));    /* out of order is fine */
    assert_int_equal(zr_pending_count(pending), 2);
    assert_true(zr_pending_leader_changed(pending, 3, 1, 5));
    assert_int_equal(drain_sends(pending, 3, 1, ids, 4), 2);
    assert_int_equal(ids[0], 77);
    assert_int_equal(ids[1], 12);
    assert_int_equal(zr_pending_answer(pending, 12, 3, 1), ZR_PENDING_ANSWERED);
    assert_int_equal(zr_pending_answer(pending, 12, 3, 1), ZR_PENDING_UNKNOWN);
    zr_pending_destroy(&pending);
}

static void unanswered_requests_go_to_the_new_leader(void **state)
{
    zr_pending_t *pending = new_pending(1);
    uint64_t ids[8];
    zr_pending_send_t out;
    assert_true(zr_pending_leader_changed(pending, 7, 1, 0));
    for (int i = 0; i < 4; i++)
        accept_text(pending, "class X {}", 0);
    assert_int_equal(drain_sends(pending, 7, 1, ids, 8), 4);
    assert_int_equal(zr_pending_answer(pending, 2, 7, 1), ZR_PENDING_ANSWERED);
    zr_pending_leader_lost(pending, 100);
    assert_false(zr_pending_next_send(pending, &out));
    assert_int_equal(accept_text(pending, "class Y {}", 150), 5);
    /* the old leader wakes up and answers: it was marked failed, so refused */
    assert_int_equal(zr_pending_answer(pending, 3, 7, 1), ZR_PENDING_NO_LEADER);
    assert_true(zr_pending_leader_changed(pending, 6, 2, 200));
    assert_int_equal(drain_sends(pending, 6, 2, ids, 8), 4);
    const uint64_t expected[] = { 1, 3, 4, 5 };
    assert_memory_equal(ids, expected, sizeof expected);
    assert_int_equal(zr_pending_answer(pending, 3, 7, 1), ZR_PENDING_WRONG_LEADER);
    assert_int_equal(zr_pending_answer(pending, 3, 6, 1), ZR_PENDING_WRONG_LEADER);
    assert_int_equal(zr_pending_answer(pending, 3, 6, 2), ZR_PENDING_ANSWERED);
    assert_int_equal(zr_pending_answer(pending, 3, 6, 2), ZR_PENDING_UNKNOWN);
    assert_int_equal(zr_pending_answer(pending, 999, 6, 2), ZR_PENDING_UNKNOWN);
    /* a leader change without a loss in between also re-sends; a lower epoch is refused */
    assert_false(zr_pending_leader_changed(pending, 7, 1, 300));
    assert_true(zr_pending_leader_changed(pending, 4, 3, 300));
    assert_true(zr_pending_next_send(pending, &out));
    assert_int_equal(out.request_id, 1);
    assert_int_equal(out.attempt, 3);
    zr_pending_stats_t stats;
    zr_pending_stats(pending, &stats);
    assert_int_equal(stats.accepted, 5);
    assert_int_equal(stats.sends, 4 + 4 + 1);
    assert_int_equal(stats.resends, 3 + 1);
    assert_int_equal(stats.leader_changes, 3);
    assert_int_equal(stats.leaders_refused, 1);
    assert_int_equal(stats.verdicts[ZR_PENDING_ANSWERED], 2);
    assert_int_equal(stats.verdicts[ZR_PENDING_WRONG_LEADER], 2);
    assert_int_equal(stats.verdicts[ZR_PENDING_NO_LEADER], 1);
    assert_int_equal(stats.verdicts[ZR_PENDING_UNKNOWN], 2);
    assert_int_equal(stats.pending, 3);
    assert_string_equal(zr_pending_verdict_name(ZR_PENDING_WRONG_LEADER), "WRONG_LEADER");
    zr_pending_destroy(&pending);
}

static void requests_expire_at_the_deadline_without_a_leader(void **state)
{
    zr_pending_t *pending = new_pending(1);
    zr_pending_expired_t expired;
    accept_text(pending, "a", 0);      /* 1: waits from 0 */
    accept_text(pending, "b", 400);    /* 2: waits from 400 */
    assert_int_equal(zr_pending_next_deadline(pending), 1000);
    assert_int_equal(zr_pending_tick(pending, 999), 0);
    assert_false(zr_pending_next_expired(pending, &expired));
    assert_int_equal(zr_pending_tick(pending, 1000), 1);
    assert_true(zr_pending_next_expired(pending, &expired));
    assert_int_equal(expired.request_id, 1);
    assert_int_equal(expired.waited_ms, 1000);
    assert_false(zr_pending_next_expired(pending, &expired));
    assert_int_equal(zr_pending_next_deadline(pending), 1400);
    /* a leader comes and goes: the clock restarts at the loss, for request 2 and a new 3 */
    assert_true(zr_pending_leader_changed(pending, 1, 1, 1200));
    assert_int_equal(zr_pending_next_deadline(pending), -1);
    assert_int_equal(zr_pending_tick(pending, 5000), 0);
    accept_text(pending, "c", 5000);
    zr_pending_leader_lost(pending, 6000);
    zr_pending_leader_lost(pending, 6500);   /* a second loss changes nothing */
    assert_int_equal(zr_pending_next_deadline(pending), 7000);
    assert_int_equal(zr_pending_tick(pending, 7250), 2);
    assert_true(zr_pending_next_expired(pending, &expired));
    assert_int_equal(expired.request_id, 2);
    assert_int_equal(expired.waited_ms, 1250);
    assert_true(zr_pending_next_expired(pending, &expired));
    assert_int_equal(expired.request_id, 3);
    assert_false(zr_pending_next_expired(pending, &expired));
    assert_int_equal(zr_pending_count(pending), 0);
    assert_int_equal(zr_pending_next_deadline(pending), -1);
    /* an expired request cannot be answered any more */
    assert_true(zr_pending_leader_changed(pending, 2, 2, 8000));
    assert_int_equal(zr_pending_answer(pending, 2, 2, 2), ZR_PENDING_UNKNOWN);
    zr_pending_stats_t stats;
    zr_pending_stats(pending, &stats);
    assert_int_equal(stats.expired, 3);
    zr_pending_destroy(&pending);
}

static void cancelled_requests_are_forgotten(void **state)
{
    zr_pending_t *pending = new_pending(1);
    uint64_t ids[4];
    accept_text(pending, "a", 0);
    accept_text(pending, "b", 0);
    accept_text(pending, "c", 0);
    assert_true(zr_pending_cancel(pending, 1));     /* while waiting */
    assert_false(zr_pending_cancel(pending, 1));
    assert_true(zr_pending_leader_changed(pending, 3, 1, 10));
    assert_true(zr_pending_cancel(pending, 2));     /* queued to send */
    assert_int_equal(drain_sends(pending, 3, 1, ids, 4), 1);
    assert_int_equal(ids[0], 3);
    assert_true(zr_pending_cancel(pending, 3));     /* sent */
    assert_int_equal(zr_pending_answer(pending, 3, 3, 1), ZR_PENDING_UNKNOWN);
    assert_int_equal(zr_pending_count(pending), 0);
    zr_pending_leader_lost(pending, 20);
    assert_int_equal(zr_pending_next_deadline(pending), -1);
    zr_pending_stats_t stats;
    zr_pending_stats(pending, &stats);
    assert_int_equal(stats.cancelled, 3);
    zr_pending_destroy(&pending);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(requests_wait_until_a_leader_is_known),
        cmocka_unit_test(caller_assigned_ids_are_kept_and_checked),
        cmocka_unit_test(unanswered_requests_go_to_the_new_leader),
        cmocka_unit_test(requests_expire_at_the_deadline_without_a_leader),
        cmocka_unit_test(cancelled_requests_are_forgotten),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
