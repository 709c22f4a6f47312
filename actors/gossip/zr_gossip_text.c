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
    append(out, "%" PRId64 ": gossip from %" PRId64 " at node time %" PRId64
           ": heartbeat %" PRIu64 ", %zu rows", fact->self_id, fact->source_id, fact->at_ms,
           msg->sender_seq, msg->count);
    for (size_t i = 0; i < msg->count && i < ZR_GOSSIP_MSG_MAX_ENTRIES; i++)
        append(out, "%s%" PRId64 "=%" PRIu64 "%s", i ? ", " : ": ", msg->entries[i].server_id,
               msg->entries[i].heartbeat_seq,
               msg->entries[i].flags & ZR_GOSSIP_ENTRY_FAILED ? " FAILED" : "");
    append(out, "%s", verdict_note(fact->verdict));
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
    }
    return out.len;
}
