/* test_follower_fence: a follower takes work and acknowledgements from the leader it follows or a
 * newer one, never from a deposed leader; recovery requests only from the leader it follows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "actors/work/zr_follower_fence.h"

static const zr_follower_fence_t following_5_in_2 = { 5, 2 };

static void work_comes_from_the_leader_followed_or_a_newer_one(void **state)
{
    (void) state;
    assert_true(zr_follower_fence_takes_work(following_5_in_2, 5, 2));
    assert_true(zr_follower_fence_takes_work(following_5_in_2, 5, 3));   /* the same leader, re-elected */
    assert_true(zr_follower_fence_takes_work(following_5_in_2, 3, 3));   /* elected while we were away */
    assert_false(zr_follower_fence_takes_work(following_5_in_2, 3, 2));  /* another leader, same epoch */
}

/* The fail-over checker's case: leader 4 (epoch 1) is paused, 5 is elected in epoch 2 and this
 * follower follows it; 4 wakes up, forwards a result the gateway no longer takes from it and
 * acknowledges it. That ack must not release the result the worker holds for the new leader. */
static void a_deposed_leader_is_refused(void **state)
{
    (void) state;
    assert_false(zr_follower_fence_takes_work(following_5_in_2, 4, 1));
    assert_false(zr_follower_fence_takes_work(following_5_in_2, 5, 1));  /* our leader, an old epoch */
}

static void recovery_comes_only_from_the_leader_followed(void **state)
{
    (void) state;
    assert_true(zr_follower_fence_takes_recovery(following_5_in_2, 5, 2));
    assert_false(zr_follower_fence_takes_recovery(following_5_in_2, 5, 3));
    assert_false(zr_follower_fence_takes_recovery(following_5_in_2, 6, 3));
    assert_false(zr_follower_fence_takes_recovery(following_5_in_2, 4, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(work_comes_from_the_leader_followed_or_a_newer_one),
        cmocka_unit_test(a_deposed_leader_is_refused),
        cmocka_unit_test(recovery_comes_only_from_the_leader_followed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
