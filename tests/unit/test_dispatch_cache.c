/* test_dispatch_cache: the leader's completed-result cache stays within its count and byte
 * limits, forgets the oldest first, refuses what can never fit and keeps the first result. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "actors/work/zr_result_cache.h"

static zr_job_key_t key(uint64_t request_id)
{
    return (zr_job_key_t) { 1, request_id };
}

static void count_limit_forgets_oldest_first(void **state)
{
    zr_result_cache_t *cache = zr_result_cache_new(3, 1000);
    for (uint64_t id = 1; id <= 5; id++)
        assert_true(zr_result_cache_put(cache, key(id), "abc", 3));
    assert_false(zr_result_cache_contains(cache, key(1)));
    assert_false(zr_result_cache_contains(cache, key(2)));
    for (uint64_t id = 3; id <= 5; id++)
        assert_true(zr_result_cache_contains(cache, key(id)));
    zr_result_cache_stats_t stats;
    zr_result_cache_stats(cache, &stats);
    assert_int_equal(stats.results, 3);
    assert_int_equal(stats.bytes, 9);
    assert_int_equal(stats.stored, 5);
    assert_int_equal(stats.evicted, 2);
    zr_result_cache_destroy(&cache);
    assert_null(cache);
}

static void byte_limit_is_never_exceeded(void **state)
{
    zr_result_cache_t *cache = zr_result_cache_new(100, 100);
    char blob[100];
    memset(blob, 'x', sizeof blob);
    for (uint64_t id = 1; id <= 50; id++) {
        assert_true(zr_result_cache_put(cache, key(id), blob, (size_t) (id * 7) % 60));
        zr_result_cache_stats_t stats;
        zr_result_cache_stats(cache, &stats);
        assert_true(stats.bytes <= 100);
    }
    assert_false(zr_result_cache_put(cache, key(99), blob, 101));
    assert_false(zr_result_cache_contains(cache, key(99)));
    assert_true(zr_result_cache_put(cache, key(98), blob, 100));   /* exactly fits: alone */
    zr_result_cache_stats_t stats;
    zr_result_cache_stats(cache, &stats);
    assert_int_equal(stats.results, 1);
    assert_int_equal(stats.refused, 1);
    zr_result_cache_set_limits(cache, 100, 10);                     /* shrinking evicts */
    zr_result_cache_stats(cache, &stats);
    assert_int_equal(stats.results, 0);
    assert_int_equal(stats.bytes, 0);
    zr_result_cache_destroy(&cache);
}

static void first_result_is_kept_and_empty_is_not_absent(void **state)
{
    zr_result_cache_t *cache = zr_result_cache_new(4, 64);
    size_t len = 99;
    assert_null(zr_result_cache_get(cache, key(1), &len));
    assert_int_equal(len, 0);
    assert_true(zr_result_cache_put(cache, key(1), NULL, 0));
    assert_non_null(zr_result_cache_get(cache, key(1), &len));
    assert_int_equal(len, 0);
    assert_true(zr_result_cache_put(cache, key(2), "first", 5));
    assert_false(zr_result_cache_put(cache, key(2), "second", 6));
    assert_memory_equal(zr_result_cache_get(cache, key(2), &len), "first", 5);
    assert_int_equal(len, 5);
    assert_false(zr_result_cache_contains(cache, (zr_job_key_t) { 2, 2 }));
    zr_result_cache_t *none = zr_result_cache_new(0, 64);
    assert_false(zr_result_cache_put(none, key(1), "a", 1));
    zr_result_cache_destroy(&none);
    zr_result_cache_destroy(&cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(count_limit_forgets_oldest_first),
        cmocka_unit_test(byte_limit_is_never_exceeded),
        cmocka_unit_test(first_result_is_kept_and_empty_is_not_absent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
