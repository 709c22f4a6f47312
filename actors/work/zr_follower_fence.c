/* zr_follower_fence: which leaders a follower takes messages from, given the leader it follows
 * now. Pure core. */
#include "actors/work/zr_follower_fence.h"

bool zr_follower_fence_takes_work(zr_follower_fence_t fence, int64_t leader_id, uint64_t epoch)
{
    return (leader_id == fence.leader_id && epoch >= fence.epoch) || epoch > fence.epoch;
}

bool zr_follower_fence_takes_recovery(zr_follower_fence_t fence, int64_t leader_id, uint64_t epoch)
{
    return leader_id == fence.leader_id && epoch == fence.epoch;
}
