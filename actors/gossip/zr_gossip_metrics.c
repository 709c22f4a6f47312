/* zr_gossip_metrics: reads zr_gossip_stats and the table; the core itself stays metric-free.
 * Per member: heartbeat age (once heard), incarnation, suspected, failed. */
#include "actors/gossip/zr_gossip_metrics.h"

static void add_member(zr_metrics_t *set, const zr_gossip_server_t *server, int64_t now_ms)
{
    bool failed = server->state == ZR_GOSSIP_FAILED || server->state == ZR_GOSSIP_CLEANED;
    if (server->seq > 0) {
        int64_t age = now_ms > server->updated_ms ? now_ms - server->updated_ms : 0;
        zr_metrics_add_id(set, ZR_M_PEER_HEARTBEAT_AGE, server->id, (double) age / 1000.0);
    }
    zr_metrics_add_id(set, ZR_M_PEER_INCARNATION, server->id, (double) server->incarnation);
    zr_metrics_add_id(set, ZR_M_PEER_SUSPECTED, server->id, server->state == ZR_GOSSIP_SUSPECT ? 1 : 0);
    zr_metrics_add_id(set, ZR_M_PEER_FAILED, server->id, failed ? 1 : 0);
}

void zr_gossip_metrics(const zr_gossip_t *gossip, int64_t now_ms, zr_metrics_t *set)
{
    zr_gossip_stats_t stats;
    zr_gossip_stats(gossip, &stats);
    zr_metrics_add(set, ZR_M_HEARTBEATS_SENT, NULL, (double) stats.sent);
    zr_metrics_add(set, ZR_M_HEARTBEATS_RECEIVED, NULL, (double) stats.received);
    zr_metrics_add(set, ZR_M_GOSSIP_MERGED, NULL, (double) stats.merged);
    zr_metrics_add(set, ZR_M_GOSSIP_DROPPED, "from_failed", (double) stats.from_failed);
    zr_metrics_add(set, ZR_M_GOSSIP_DROPPED, "from_unknown", (double) stats.from_unknown);
    zr_metrics_add(set, ZR_M_GOSSIP_SUSPICIONS, NULL, (double) stats.suspicions);
    zr_metrics_add(set, ZR_M_GOSSIP_REFUTATIONS, NULL, (double) stats.refutations);
    zr_metrics_add(set, ZR_M_GOSSIP_FAILURES, NULL, (double) stats.failures);
    zr_metrics_add(set, ZR_M_GOSSIP_JOINS, NULL, (double) stats.joins);
    zr_metrics_add(set, ZR_M_GOSSIP_REJOINS, NULL, (double) stats.rejoins);
    zr_metrics_add(set, ZR_M_GOSSIP_STALLS, NULL, (double) stats.stalls);
    zr_metrics_add(set, ZR_M_GOSSIP_LOCAL_HEALTH, NULL, (double) stats.health);
    zr_metrics_add(set, ZR_M_NODE_INCARNATION, NULL, (double) stats.incarnation);
    zr_metrics_add(set, ZR_M_GOSSIP_HEARTBEAT_SEQ, NULL, (double) stats.heartbeat_seq);
    zr_gossip_server_t server;
    for (size_t i = 0; zr_gossip_server_at(gossip, i, &server); i++)
        add_member(set, &server, now_ms);
}
