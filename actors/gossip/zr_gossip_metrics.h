/* zr_gossip_metrics: the failure detector's figures as metric samples: heartbeats sent and
 * received, merges, failures, and per member the heartbeat age and whether it failed. Pure. */
#ifndef ZR_GOSSIP_METRICS_H
#define ZR_GOSSIP_METRICS_H
#include "actors/gossip/zr_gossip.h"
#include "runtime/zr_metrics.h"

/* now_ms: the node's clock, as given to the core. A member never heard from gets no age. */
void zr_gossip_metrics(const zr_gossip_t *gossip, int64_t now_ms, zr_metrics_t *set);

#endif
