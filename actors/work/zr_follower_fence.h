/* zr_follower_fence: which leaders a follower takes messages from, given the leader it follows
 * now (fencing by leader id and epoch). Pure core, used by zr_follower. */
#ifndef ZR_FOLLOWER_FENCE_H
#define ZR_FOLLOWER_FENCE_H
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int64_t leader_id;   /* the leader followed now */
    uint64_t epoch;      /* its epoch */
} zr_follower_fence_t;

/* WORK_REQUEST and WORK_ACK: from the leader followed (at its epoch or later), or from any leader
 * of a newer epoch (elected while this node was away: refusing its work would only delay it).
 * A deposed leader is refused: it may have woken from a pause and forwarded results the gateway
 * no longer takes from it, so its acknowledgement must not release a result the worker holds. */
bool zr_follower_fence_takes_work(zr_follower_fence_t fence, int64_t leader_id, uint64_t epoch);

/* RECOVERY_REQUEST: only from the leader followed, at its epoch (a newer one asks again). */
bool zr_follower_fence_takes_recovery(zr_follower_fence_t fence, int64_t leader_id, uint64_t epoch);

#endif
