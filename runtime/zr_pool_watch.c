/* zr_pool_watch: one request per STATS, one remembered answer; the figures are a STATS period
 * old at most, and the owner never waits for the pool. */
#include "runtime/zr_pool_watch.h"

void zr_pool_watch_report(zr_pool_watch_t *self, void *pool, zr_metrics_t *set)
{
    if (self->have)
        zr_pool_stats_metrics(&self->last, set);
    if (pool)
        zr_inproc_pool_stats_request(pool);
}

bool zr_pool_watch_take(zr_pool_watch_t *self, const zr_reply_t *reply)
{
    if (reply->kind != ZR_REPLY_POOL_STATS)
        return false;
    self->last = reply->stats;
    self->have = true;
    return true;
}
