/* test_runner_spare: a pool of one working JVM and one warm spare, through the real pool actor:
 * a job that kills its JVM is followed at once by a correct answer, and the spare is refilled. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "test_runner_support.h"

#define HEAP_MB 96

static zactor_t *pool;

static int start_pool(void **state)
{
    zr_runner_config_t config;
    test_runner_config(&config, 1, 10000);
    config.spare_jvms = 1;
    config.heap_mb = HEAP_MB;
    pool = zr_runner_pool_new(&config);
    return pool ? 0 : -1;
}

static int stop_pool(void **state)
{
    zactor_destroy(&pool);
    return 0;
}

/* Polls the pool's figures until `idle` JVMs are ready, within the tests' deadline. */
static zr_pool_stats_t wait_for_idle(uint32_t idle)
{
    zr_pool_stats_t stats = { 0 };
    int64_t deadline = zclock_mono() + TEST_RUNNER_DEADLINE_MS;
    while (zclock_mono() < deadline) {
        assert_true(test_runner_stats(pool, &stats));
        if (stats.idle == idle && stats.starting == 0)
            return stats;
        zclock_sleep(50);   /* poll interval: nothing is synchronised by it */
    }
    fail_msg("the pool never had %u idle JVMs (idle %u, starting %u)", idle, stats.idle, stats.starting);
    return stats;
}

static void pool_keeps_a_warm_spare_beside_its_working_jvm(void **state)
{
    zr_pool_stats_t stats = wait_for_idle(2);
    assert_int_equal(stats.jvms, 1);
    assert_int_equal(stats.spawns, 2);
}

static void a_killed_jvm_is_replaced_by_the_spare_and_refilled(void **state)
{
    const char *hog = "public class Hog { public String run() { java.util.List<long[]> all = "
                      "new java.util.ArrayList<>(); while (true) all.add(new long[1 << 20]); } }";
    test_result_t *result = test_runner_run_text(pool, 1, hog, strlen(hog));
    assert_non_null(result);
    assert_int_equal(result->status, ZR_JOB_LIMIT);
    test_result_destroy(&result);
    const char *next = "public class Next { public String run() { return \"served\"; } }";
    result = test_runner_run_text(pool, 2, next, strlen(next));
    assert_non_null(result);
    assert_int_equal(result->status, ZR_JOB_OK);
    assert_string_equal(result->body, "served");
    test_result_destroy(&result);
    zr_pool_stats_t stats = wait_for_idle(2);   /* the killed JVM's slot warmed up again */
    assert_int_equal(stats.deaths, 1);
    assert_int_equal(stats.spawns, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pool_keeps_a_warm_spare_beside_its_working_jvm),
        cmocka_unit_test(a_killed_jvm_is_replaced_by_the_spare_and_refilled),
    };
    return cmocka_run_group_tests(tests, start_pool, stop_pool);
}
