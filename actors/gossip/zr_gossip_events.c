/* zr_gossip_events: a switch from fact kind to event; the summary log keeps its contract lines,
 * the events carry the same facts with their numbers for tools. */
#include "actors/gossip/zr_gossip_events.h"

static const char *rejoin_reason(zr_gossip_rejoin_t reason)
{
    static const char *const names[] = { "none", "paused", "declared", "superseded" };
    return (unsigned) reason < sizeof names / sizeof names[0] ? names[reason] : "unknown";
}

void zr_gossip_events_fact(zr_events_t *events, const zr_gossip_fact_t *fact)
{
    long long peer = (long long) fact->server_id, silent = (long long) fact->silent_ms;
    switch (fact->kind) {
    case ZR_GOSSIP_FACT_SUSPECTED:
        zr_event_emit(events, ZR_EVENT_SUSPECT, "peer=%lld silent_ms=%lld", peer, silent);
        break;
    case ZR_GOSSIP_FACT_REFUTED:
        zr_event_emit(events, ZR_EVENT_REFUTE, "peer=%lld seq=%llu", peer, (unsigned long long) fact->seq);
        break;
    case ZR_GOSSIP_FACT_FAILED:
        zr_event_emit(events, ZR_EVENT_FAILURE, "peer=%lld silent_ms=%lld", peer, silent);
        break;
    case ZR_GOSSIP_FACT_JOINED:
        zr_event_emit(events, ZR_EVENT_JOIN, "peer=%lld incarnation=%llu", peer,
                      (unsigned long long) fact->incarnation);
        break;
    case ZR_GOSSIP_FACT_REJOINING:
        zr_event_emit(events, ZR_EVENT_REJOIN, "incarnation=%llu reason=%s source=%lld",
                      (unsigned long long) fact->incarnation, rejoin_reason(fact->reason),
                      (long long) fact->source_id);
        break;
    default:
        break;
    }
}
