/* zr_gossip_msg: the heartbeat/gossip table (udp, group "gossip"): the sender's own
 * heartbeat and up to ZR_GOSSIP_MSG_MAX_ENTRIES rows of its table; big tables are split. */
#ifndef ZR_GOSSIP_MSG_H
#define ZR_GOSSIP_MSG_H
#include "proto/zr_wire.h"

#define ZR_GOSSIP_MSG_HEADER_SIZE 20
#define ZR_GOSSIP_MSG_ENTRY_SIZE 17
#define ZR_GOSSIP_MSG_MAX_ENTRIES \
    ((ZR_PROTO_UDP_MAX_PAYLOAD - ZR_GOSSIP_MSG_HEADER_SIZE) / ZR_GOSSIP_MSG_ENTRY_SIZE)

#define ZR_GOSSIP_ENTRY_FAILED 0x01   /* entry flag: the sender considers this server failed */

typedef struct {
    int64_t server_id;       /* >= 0, unique within one message */
    uint64_t heartbeat_seq;  /* highest heartbeat sequence the sender knows for it */
    uint8_t flags;           /* ZR_GOSSIP_ENTRY_*; other bits must be zero */
} zr_gossip_msg_entry_t;

typedef struct {
    int64_t sender_id;       /* >= 0 */
    uint64_t sender_seq;     /* the sender's own heartbeat sequence */
    size_t count;            /* rows used in entries[], <= ZR_GOSSIP_MSG_MAX_ENTRIES */
    zr_gossip_msg_entry_t entries[ZR_GOSSIP_MSG_MAX_ENTRIES];
} zr_gossip_msg_t;

/* How many entries fit in a payload of `budget` bytes (0 if not even the header fits),
 * at most ZR_GOSSIP_MSG_MAX_ENTRIES. Use ZR_PROTO_UDP_MAX_PAYLOAD unless told otherwise. */
size_t zr_gossip_msg_entries_fit(size_t budget);

/* Encodes into buf[0..cap) (buf NULL: only computes *len). TOO_LARGE above the UDP cap,
 * BAD_VALUE on a negative or duplicate id or unknown flag bit. */
zr_encode_status_t zr_gossip_msg_encode(const zr_gossip_msg_t *msg, uint8_t *buf, size_t cap,
                                        size_t *len);
/* On failure *msg is unspecified. */
zr_decode_status_t zr_gossip_msg_decode(const uint8_t *data, size_t size, zr_gossip_msg_t *msg);

#endif
