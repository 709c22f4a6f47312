/* zr_gossip_text: formats gossip facts into log lines (see zr_gossip_text.h); an appender
 * keeps the snprintf length even when the buffer is too small. */
#include "actors/gossip/zr_gossip_text.h"
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

typedef struct {
    char *buf;
    size_t cap, len;
} appender_t;

static void append(appender_t *out, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    size_t room = out->len < out->cap ? out->cap - out->len : 0;
    int written = vsnprintf(room ? out->buf + out->len : NULL, room, format, args);
    va_end(args);
    if (written > 0)
        out->len += (size_t) written;
}

static const char *verdict_note(zr_gossip_verdict_t verdict)
{
    switch (verdict) {
    case ZR_GOSSIP_FROM_FAILED: return " (ignored: sender failed)";
    case ZR_GOSSIP_FROM_UNKNOWN: return " (ignored: unknown sender)";
    default: return "";
    }
}

static void append_receipt(appender_t *out, const zr_gossip_fact_t *fact)
{
    const zr_gossip_msg_t *msg = &fact->msg;
    append(out, "%" PRId64 ": gossip from %" PRId64 " (incarnation %" PRIu64 ") at node time %" PRId64
           ": heartbeat %" PRIu64 ", %zu rows", fact->self_id, fact->source_id, msg->sender_incarnation,
           fact->at_ms, msg->sender_seq, msg->count);
    for (size_t i = 0; i < msg->count && i < ZR_GOSSIP_MSG_MAX_ENTRIES; i++) {
        const zr_gossip_msg_entry_t *row = &msg->entries[i];
        append(out, "%s%" PRId64 "=%" PRIu64 "%s", i ? ", " : ": ", row->server_id, row->heartbeat_seq,
               row->flags & ZR_GOSSIP_ENTRY_FAILED ? " FAILED" : row->flags & ZR_GOSSIP_ENTRY_SUSPECT ? " SUSPECT" : "");
    }
    append(out, "%s", verdict_note(fact->verdict));
}

static const char *rejoin_reason(zr_gossip_rejoin_t reason)
{
    switch (reason) {
    case ZR_GOSSIP_REJOIN_PAUSED: return "this node was paused past the failure timeout";
    case ZR_GOSSIP_REJOIN_DECLARED: return "declared failed by server";
    case ZR_GOSSIP_REJOIN_SUPERSEDED: return "a newer leader is known to server";
    default: return "no reason";
    }
}

/* The lines of the facts beyond the contract's: suspicions, refutations, joins, rejoins. */
static void append_membership(appender_t *out, const zr_gossip_fact_t *fact)
{
    switch (fact->kind) {
    case ZR_GOSSIP_FACT_SUSPECTED:
        append(out, "%" PRId64 ": suspect server %" PRId64 " (no heartbeat for %" PRId64 " ms)",
               fact->self_id, fact->server_id, fact->silent_ms);
        break;
    case ZR_GOSSIP_FACT_REFUTED:
        append(out, "%" PRId64 ": server %" PRId64 " is alive again (heartbeat %" PRIu64 " from %" PRId64 ")",
               fact->self_id, fact->server_id, fact->seq, fact->source_id);
        break;
    case ZR_GOSSIP_FACT_JOINED:
        append(out, "%" PRId64 ": server %" PRId64 " joined as incarnation %" PRIu64 " (heard from %" PRId64 ")",
               fact->self_id, fact->server_id, fact->incarnation, fact->source_id);
        break;
    default:   /* REJOINING */
        append(out, "%" PRId64 ": rejoining as incarnation %" PRIu64 ": %s", fact->self_id,
               fact->incarnation, rejoin_reason(fact->reason));
        if (fact->reason != ZR_GOSSIP_REJOIN_PAUSED)
            append(out, " %" PRId64, fact->source_id);
        break;
    }
}

size_t zr_gossip_fact_text(const zr_gossip_fact_t *fact, char *buf, size_t cap)
{
    appender_t out = { buf, cap, 0 };
    if (cap > 0)
        buf[0] = '\0';
    switch (fact->kind) {
    case ZR_GOSSIP_FACT_FAILED:
        append(&out, "%" PRId64 ": no heartbeat from server %" PRId64 " - SERVER FAILED",
               fact->self_id, fact->server_id);
        break;
    case ZR_GOSSIP_FACT_UPDATED:
        append(&out, "%" PRId64 ": updated %" PRId64 "'s heartbeat sequence to %" PRIu64
               " based on message from %" PRId64 " at node time %" PRId64, fact->self_id,
               fact->server_id, fact->seq, fact->source_id, fact->at_ms);
        break;
    case ZR_GOSSIP_FACT_RECEIVED:
        append_receipt(&out, fact);
        break;
    case ZR_GOSSIP_FACT_CLEANED:
        append(&out, "%" PRId64 ": removed failed server %" PRId64
               " from the gossip table at node time %" PRId64, fact->self_id, fact->server_id,
               fact->at_ms);
        break;
    default:
        append_membership(&out, fact);
        break;
    }
    return out.len;
}
