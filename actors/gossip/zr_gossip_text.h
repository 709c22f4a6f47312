/* zr_gossip_text: the log lines of gossip facts: the exact texts of the contract (README) for SERVER FAILED
 * and "updated ...", and one line per received message for the verbose log. */
#ifndef ZR_GOSSIP_TEXT_H
#define ZR_GOSSIP_TEXT_H
#include <stddef.h>
#include "actors/gossip/zr_gossip.h"

/* Enough for any fact (a RECEIVED with ZR_GOSSIP_MSG_MAX_ENTRIES rows), terminator included. */
#define ZR_GOSSIP_TEXT_MAX 4096

/* Writes the fact's line without a newline into buf[0..cap), always terminated when cap > 0;
 * returns the full length as snprintf does. Lines:
 *   FAILED    <self>: no heartbeat from server <id> - SERVER FAILED
 *   UPDATED   <self>: updated <id>'s heartbeat sequence to <seq> based on message from <src>
 *             at node time <ms>                                         (one line)
 *   RECEIVED  <self>: gossip from <src> (incarnation <inc>) at node time <ms>: heartbeat <seq>,
 *             <n> rows: <id>=<seq>[ FAILED| SUSPECT], ...               (one line)
 *             then " (ignored: sender failed)" or " (ignored: unknown sender)" if so
 *   CLEANED   <self>: removed failed server <id> from the gossip table at node time <ms>
 *   SUSPECTED <self>: suspect server <id> (no heartbeat for <ms> ms)
 *   REFUTED   <self>: server <id> is alive again (heartbeat <seq> from <src>)
 *   JOINED    <self>: server <id> joined as incarnation <inc> (heard from <src>)
 *   REJOINING <self>: rejoining as incarnation <inc>: <reason> [<src>] */
size_t zr_gossip_fact_text(const zr_gossip_fact_t *fact, char *buf, size_t cap);

#endif
