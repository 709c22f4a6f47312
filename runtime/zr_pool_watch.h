/* zr_pool_watch: the runner pool's figures for whichever actor owns the pool's pipe (the role
 * actor today): asks the pool at each STATS and reports the last answer it got. */
#ifndef ZR_POOL_WATCH_H
#define ZR_POOL_WATCH_H
#include <stdbool.h>
#include "runtime/zr_inproc.h"

typedef struct {
    zr_pool_stats_t last;
    bool have;
} zr_pool_watch_t;

/* At the owner's STATS: adds the last figures (zrun_runner_*; nothing before the first
 * answer) to set and asks the pool for fresh ones (they arrive among its RESULTs). */
void zr_pool_watch_report(zr_pool_watch_t *self, void *pool, zr_metrics_t *set);
/* A reply read from the pool that is not a RESULT: kept if it is POOL_STATS (true). */
bool zr_pool_watch_take(zr_pool_watch_t *self, const zr_reply_t *reply);

#endif
