/* test_runner_sched: the runner pool's decisions with a manual clock, no JVMs: spawning and back-off,
 * FIFO jobs to the JVM that went idle last, job and start deadlines, recycling, giving up and spares. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include "runtime/zr_clock.h"
#include "runtime/runner/zr_runner_sched.h"

static const zr_runner_sched_config_t config = {
    .wall_ms = 10000, .start_ms = 30000, .jobs_per_jvm = 3,
    .retry_ms = 500, .retry_max_ms = 4000, .give_up_failures = 3,
};

static zr_manual_clock_t manual;
static zr_clock_t clock_;

static int64_t now(void)
{
    return zr_clock_now_ms(&clock_);
}

/* A scheduler whose `slots` JVMs have all been spawned and reported ready at time 0. */
static zr_runner_sched_t *ready_sched(int slots)
{
    manual.now_ms = 0;
    clock_ = zr_clock_manual(&manual);
    zr_runner_sched_t *sched = zr_runner_sched_new(slots, &config);
    int slot;
    for (int i = 0; i < slots; i++) {
        assert_true(zr_runner_sched_next_spawn(sched, now(), &slot));
        assert_int_equal(slot, i);
        zr_runner_sched_spawned(sched, slot, now());
    }
    assert_false(zr_runner_sched_next_spawn(sched, now(), &slot));
    for (int i = 0; i < slots; i++)
        zr_runner_sched_ready(sched, i, now());
    return sched;
}

/* Two slots, one of them a spare (busy_max 1). */
static zr_runner_sched_t *sched_with_spare(void)
{
    manual.now_ms = 0;
    clock_ = zr_clock_manual(&manual);
    zr_runner_sched_config_t with_spare = config;
    with_spare.busy_max = 1;
    return zr_runner_sched_new(2, &with_spare);
}

/* The working JVM, then the spare, started and ready. */
static void warm_both(zr_runner_sched_t *sched)
{
    int slot;
    for (int i = 0; i < 2; i++) {
        assert_true(zr_runner_sched_next_spawn(sched, now(), &slot));
        zr_runner_sched_spawned(sched, slot, now());
        zr_runner_sched_ready(sched, slot, now());
    }
}

static void spare_waits_until_the_working_jvm_is_warm(void **state)
{
    zr_runner_sched_t *sched = sched_with_spare();
    int slot;
    assert_true(zr_runner_sched_next_spawn(sched, now(), &slot));
    assert_int_equal(slot, 0);
    zr_runner_sched_spawned(sched, 0, now());
    assert_false(zr_runner_sched_next_spawn(sched, now(), &slot));   /* slot 0 is warming up */
    assert_int_equal(zr_runner_sched_timeout(sched, now()), 30000);   /* its start deadline, no busy wake-up */
    manual.now_ms = 1500;
    zr_runner_sched_ready(sched, 0, now());
    assert_true(zr_runner_sched_next_spawn(sched, now(), &slot));
    assert_int_equal(slot, 1);
    zr_runner_sched_destroy(&sched);
}

static void spare_never_runs_a_job_beside_the_working_jvms(void **state)
{
    zr_runner_sched_t *sched = sched_with_spare();
    int slot;
    uint64_t job;
    warm_both(sched);
    zr_runner_sched_submit(sched, 7);
    zr_runner_sched_submit(sched, 8);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &slot, &job));
    assert_int_equal(job, 7);
    assert_false(zr_runner_sched_next_assignment(sched, now(), &slot, &job));   /* 8 waits */
    assert_int_equal(zr_runner_sched_queued(sched), 1);
    assert_false(zr_runner_sched_done(sched, slot, false, now()));
    assert_true(zr_runner_sched_next_assignment(sched, now(), &slot, &job));
    assert_int_equal(job, 8);
    zr_runner_sched_destroy(&sched);
}

static void spare_takes_over_at_once_when_a_jvm_is_killed(void **state)
{
    zr_runner_sched_t *sched = sched_with_spare();
    int slot, busy;
    uint64_t job;
    warm_both(sched);
    zr_runner_sched_submit(sched, 7);
    zr_runner_sched_submit(sched, 8);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &busy, &job));
    manual.now_ms = config.wall_ms;   /* job 7 runs past its limit: its JVM is killed */
    assert_int_equal(zr_runner_sched_next_expiry(sched, now(), &slot, &job), ZR_EXPIRY_JOB);
    assert_int_equal(slot, busy);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &slot, &job));   /* the spare, now */
    assert_int_equal(job, 8);
    assert_int_not_equal(slot, busy);
    assert_true(zr_runner_sched_next_spawn(sched, now(), &slot));   /* refilled in the background */
    assert_int_equal(slot, busy);
    zr_runner_sched_destroy(&sched);
}

/* The refill of a killed JVM is ready after the spare that took over went idle, yet the next job
 * still goes to the JVM that has worked: a fresh JVM's JIT saw only its warm-up. */
static void refilled_jvm_comes_after_the_one_that_worked(void **state)
{
    zr_runner_sched_t *sched = sched_with_spare();
    int slot, killed, worked;
    uint64_t job;
    warm_both(sched);
    zr_runner_sched_submit(sched, 1);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &killed, &job));
    uint64_t lost;
    assert_true(zr_runner_sched_died(sched, killed, now(), &lost));   /* it ran out of heap */
    zr_runner_sched_submit(sched, 2);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &worked, &job));
    manual.now_ms = 100;
    zr_runner_sched_done(sched, worked, false, now());
    assert_true(zr_runner_sched_next_spawn(sched, now(), &slot));
    assert_int_equal(slot, killed);
    zr_runner_sched_spawned(sched, slot, now());
    manual.now_ms = 2000;
    zr_runner_sched_ready(sched, slot, now());   /* ready well after the other went idle */
    zr_runner_sched_submit(sched, 3);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &slot, &job));
    assert_int_equal(job, 3);
    assert_int_equal(slot, worked);
    zr_runner_sched_destroy(&sched);
}

/* With a refill delay, a killed JVM whose place the spare took is respawned only later (the job
 * right after the kill runs alone); when the pool then falls short, at once. */
static void spare_refill_waits_unless_the_pool_falls_short(void **state)
{
    manual.now_ms = 0;
    clock_ = zr_clock_manual(&manual);
    zr_runner_sched_config_t delayed = config;
    delayed.busy_max = 1;
    delayed.refill_delay_ms = 1000;
    zr_runner_sched_t *sched = zr_runner_sched_new(2, &delayed);
    int slot, first, second;
    uint64_t job, lost;
    warm_both(sched);
    zr_runner_sched_submit(sched, 1);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &first, &job));
    assert_true(zr_runner_sched_died(sched, first, now(), &lost));
    assert_false(zr_runner_sched_next_spawn(sched, now(), &slot));   /* the spare is warm */
    assert_int_equal(zr_runner_sched_timeout(sched, now()), 1000);
    manual.now_ms = 999;
    assert_false(zr_runner_sched_next_spawn(sched, now(), &slot));
    manual.now_ms = 1000;
    assert_true(zr_runner_sched_next_spawn(sched, now(), &slot));
    assert_int_equal(slot, first);
    zr_runner_sched_spawned(sched, slot, now());
    zr_runner_sched_ready(sched, slot, now());
    /* again, but the JVM that took over dies before the refill is due: the pool is short, so the
     * refill starts at once */
    zr_runner_sched_submit(sched, 2);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &first, &job));
    assert_true(zr_runner_sched_died(sched, first, now(), &lost));
    zr_runner_sched_submit(sched, 3);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &second, &job));
    manual.now_ms = 1010;
    assert_true(zr_runner_sched_died(sched, second, now(), &lost));
    assert_int_equal(zr_runner_sched_timeout(sched, now()), 0);
    assert_true(zr_runner_sched_next_spawn(sched, now(), &slot));
    assert_int_equal(slot, first);
    zr_runner_sched_destroy(&sched);
}

static void every_slot_is_spawned_at_start(void **state)
{
    zr_runner_sched_t *sched = ready_sched(3);
    assert_int_equal(zr_runner_sched_count(sched, ZR_SLOT_IDLE), 3);
    assert_int_equal(zr_runner_sched_timeout(sched, now()), -1);   /* nothing to wait for */
    zr_runner_sched_destroy(&sched);
    assert_null(sched);
}

static void jobs_go_in_order_to_the_jvm_idle_last(void **state)
{
    zr_runner_sched_t *sched = ready_sched(2);
    int slot;
    uint64_t job;
    manual.now_ms = 100;
    zr_runner_sched_submit(sched, 7);
    zr_runner_sched_submit(sched, 8);
    zr_runner_sched_submit(sched, 9);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &slot, &job));
    assert_int_equal(job, 7);
    assert_int_equal(slot, 0);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &slot, &job));
    assert_int_equal(job, 8);
    assert_int_equal(slot, 1);
    assert_false(zr_runner_sched_next_assignment(sched, now(), &slot, &job));   /* both busy */
    assert_int_equal(zr_runner_sched_queued(sched), 1);
    manual.now_ms = 200;
    assert_false(zr_runner_sched_done(sched, 1, false, now()));
    manual.now_ms = 300;
    assert_false(zr_runner_sched_done(sched, 0, false, now()));
    zr_runner_sched_submit(sched, 10);
    /* slot 0 went idle last (300; slot 1 at 200): its JIT is the warmest */
    assert_true(zr_runner_sched_next_assignment(sched, now(), &slot, &job));
    assert_int_equal(job, 9);
    assert_int_equal(slot, 0);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &slot, &job));
    assert_int_equal(job, 10);
    assert_int_equal(slot, 1);
    zr_runner_sched_destroy(&sched);
}

static void queue_keeps_order_as_it_grows(void **state)
{
    zr_runner_sched_t *sched = ready_sched(1);
    int slot;
    uint64_t job;
    for (uint64_t id = 1; id <= 50; id++)
        zr_runner_sched_submit(sched, id);
    for (uint64_t expected = 1; expected <= 300; expected++) {
        if (expected <= 250)   /* keep adding while taking, so the ring wraps and grows */
            zr_runner_sched_submit(sched, expected + 50);
        assert_true(zr_runner_sched_next_assignment(sched, now(), &slot, &job));
        assert_int_equal(job, expected);
        zr_runner_sched_done(sched, slot, false, now());
        if (zr_runner_sched_state(sched, 0) == ZR_SLOT_DOWN) {   /* jobs_per_jvm reached */
            assert_true(zr_runner_sched_next_spawn(sched, now(), &slot));
            zr_runner_sched_spawned(sched, 0, now());
            zr_runner_sched_ready(sched, 0, now());
        }
    }
    assert_int_equal(zr_runner_sched_queued(sched), 0);
    zr_runner_sched_destroy(&sched);
}

static void busy_jvm_past_the_wall_limit_expires(void **state)
{
    zr_runner_sched_t *sched = ready_sched(1);
    int slot;
    uint64_t job;
    manual.now_ms = 1000;
    zr_runner_sched_submit(sched, 42);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &slot, &job));
    assert_int_equal(zr_runner_sched_timeout(sched, now()), config.wall_ms);
    manual.now_ms = 1000 + config.wall_ms - 1;
    assert_int_equal(zr_runner_sched_next_expiry(sched, now(), &slot, &job), ZR_EXPIRY_NONE);
    assert_int_equal(zr_runner_sched_timeout(sched, now()), 1);
    manual.now_ms = 1000 + config.wall_ms;
    job = 0;
    assert_int_equal(zr_runner_sched_next_expiry(sched, now(), &slot, &job), ZR_EXPIRY_JOB);
    assert_int_equal(job, 42);
    assert_int_equal(zr_runner_sched_state(sched, 0), ZR_SLOT_DOWN);
    /* the job's fault, not the JVM's: a replacement is due at once */
    assert_true(zr_runner_sched_next_spawn(sched, now(), &slot));
    zr_runner_sched_destroy(&sched);
}

static void jvm_is_recycled_on_request_and_after_its_quota(void **state)
{
    zr_runner_sched_t *sched = ready_sched(1);
    int slot;
    uint64_t job;
    zr_runner_sched_submit(sched, 1);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &slot, &job));
    assert_true(zr_runner_sched_done(sched, slot, true, now()));   /* it asked */
    assert_int_equal(zr_runner_sched_state(sched, 0), ZR_SLOT_DOWN);
    assert_true(zr_runner_sched_next_spawn(sched, now(), &slot));
    zr_runner_sched_spawned(sched, slot, now());
    zr_runner_sched_ready(sched, slot, now());
    for (int i = 1; i <= config.jobs_per_jvm; i++) {
        zr_runner_sched_submit(sched, 100 + i);
        assert_true(zr_runner_sched_next_assignment(sched, now(), &slot, &job));
        assert_int_equal(zr_runner_sched_done(sched, slot, false, now()), i == config.jobs_per_jvm);
    }
    zr_runner_sched_destroy(&sched);
}

static void dead_jvm_gives_back_its_job(void **state)
{
    zr_runner_sched_t *sched = ready_sched(2);
    int slot;
    uint64_t job = 0;
    zr_runner_sched_submit(sched, 5);
    assert_true(zr_runner_sched_next_assignment(sched, now(), &slot, &job));
    assert_true(zr_runner_sched_died(sched, slot, now(), &job));
    assert_int_equal(job, 5);
    assert_false(zr_runner_sched_died(sched, slot, now(), &job));   /* already down */
    assert_false(zr_runner_sched_died(sched, 1, now(), &job));      /* idle: no job lost */
    assert_int_equal(zr_runner_sched_count(sched, ZR_SLOT_DOWN), 2);
    zr_runner_sched_destroy(&sched);
}

static void failed_starts_back_off_then_give_up(void **state)
{
    manual.now_ms = 0;
    zr_runner_sched_t *sched = zr_runner_sched_new(1, &config);
    int slot;
    uint64_t job;
    int64_t expected_delay[] = { 500, 1000, 2000, 4000, 4000 };
    zr_runner_sched_submit(sched, 77);
    for (int attempt = 0; attempt < 5; attempt++) {
        assert_true(zr_runner_sched_next_spawn(sched, now(), &slot));
        zr_runner_sched_spawned(sched, slot, now());
        if (attempt % 2 == 0) {
            zr_runner_sched_died(sched, slot, now(), &job);      /* died while warming up */
        } else {
            manual.now_ms += config.start_ms;                    /* never said ready */
            assert_int_equal(zr_runner_sched_next_expiry(sched, now(), &slot, &job), ZR_EXPIRY_START);
        }
        assert_int_equal(zr_runner_sched_timeout(sched, now()), expected_delay[attempt]);
        assert_false(zr_runner_sched_next_spawn(sched, now() + expected_delay[attempt] - 1, &slot));
        /* the queued job waits until the third failure, then is given up */
        assert_int_equal(zr_runner_sched_next_abandoned(sched, &job), attempt == 2);
        if (attempt == 2)
            assert_int_equal(job, 77);
        manual.now_ms += expected_delay[attempt];
    }
    assert_true(zr_runner_sched_hopeless(sched));
    /* a JVM that finally starts makes the pool hopeful again */
    assert_true(zr_runner_sched_next_spawn(sched, now(), &slot));
    zr_runner_sched_spawned(sched, slot, now());
    zr_runner_sched_ready(sched, slot, now());
    assert_false(zr_runner_sched_hopeless(sched));
    zr_runner_sched_submit(sched, 78);
    assert_false(zr_runner_sched_next_abandoned(sched, &job));
    zr_runner_sched_destroy(&sched);
}

static void events_for_the_wrong_state_are_ignored(void **state)
{
    zr_runner_sched_t *sched = ready_sched(1);
    uint64_t job;
    assert_false(zr_runner_sched_done(sched, 0, false, now()));   /* idle, not busy */
    zr_runner_sched_ready(sched, 0, now());                       /* already ready */
    zr_runner_sched_spawned(sched, 0, now());                     /* not down */
    assert_int_equal(zr_runner_sched_state(sched, 0), ZR_SLOT_IDLE);
    assert_false(zr_runner_sched_died(sched, 5, now(), &job));    /* no such slot */
    assert_false(zr_runner_sched_job(sched, 0, &job));
    assert_null(zr_runner_sched_new(0, &config));
    zr_runner_sched_destroy(&sched);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_slot_is_spawned_at_start),
        cmocka_unit_test(jobs_go_in_order_to_the_jvm_idle_last),
        cmocka_unit_test(queue_keeps_order_as_it_grows),
        cmocka_unit_test(busy_jvm_past_the_wall_limit_expires),
        cmocka_unit_test(jvm_is_recycled_on_request_and_after_its_quota),
        cmocka_unit_test(dead_jvm_gives_back_its_job),
        cmocka_unit_test(failed_starts_back_off_then_give_up),
        cmocka_unit_test(events_for_the_wrong_state_are_ignored),
        cmocka_unit_test(spare_waits_until_the_working_jvm_is_warm),
        cmocka_unit_test(spare_never_runs_a_job_beside_the_working_jvms),
        cmocka_unit_test(spare_takes_over_at_once_when_a_jvm_is_killed),
        cmocka_unit_test(refilled_jvm_comes_after_the_one_that_worked),
        cmocka_unit_test(spare_refill_waits_unless_the_pool_falls_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
