/* zr_gossip_msg: the heartbeat/gossip table (udp, group "gossip"): the sender's own heartbeat,
 * incarnation, view of the leader and load, and up to ZR_GOSSIP_MSG_MAX_ENTRIES rows of its table. */
#ifndef ZR_GOSSIP_MSG_H
#define ZR_GOSSIP_MSG_H
#include "proto/zr_wire.h"

#define ZR_GOSSIP_MSG_HEADER_SIZE 57
#define ZR_GOSSIP_MSG_ENTRY_SIZE 25
#define ZR_GOSSIP_MSG_MAX_ENTRIES \
    ((ZR_PROTO_UDP_MAX_PAYLOAD - ZR_GOSSIP_MSG_HEADER_SIZE) / ZR_GOSSIP_MSG_ENTRY_SIZE)

#define ZR_GOSSIP_ENTRY_FAILED 0x01    /* entry flag: the sender declared this incarnation failed */
#define ZR_GOSSIP_ENTRY_SUSPECT 0x02   /* entry flag: the sender suspects it (heard nothing lately) */
#define ZR_GOSSIP_ENTRY_FLAGS (ZR_GOSSIP_ENTRY_FAILED | ZR_GOSSIP_ENTRY_SUSPECT)

#define ZR_GOSSIP_VIEW_LEADER 0x01     /* header flag: the sender knows a leader (leader id, epoch) */
#define ZR_GOSSIP_VIEW_READY 0x02      /* header flag: the sender's runner JVMs are warm */
#define ZR_GOSSIP_VIEW_FLAGS (ZR_GOSSIP_VIEW_LEADER | ZR_GOSSIP_VIEW_READY)

typedef struct {
    int64_t server_id;       /* >= 0, unique within one message */
    uint64_t incarnation;    /* which start of that server the row is about */
    uint64_t heartbeat_seq;  /* highest heartbeat sequence the sender knows for it */
    uint8_t flags;           /* ZR_GOSSIP_ENTRY_*; other bits must be zero */
} zr_gossip_msg_entry_t;

/* What the sender tells about itself besides its heartbeat: the leader it follows and its load. */
typedef struct {
    uint8_t flags;           /* ZR_GOSSIP_VIEW_*; other bits must be zero */
    int64_t leader_id;       /* >= 0; meaningful with ZR_GOSSIP_VIEW_LEADER (0 otherwise) */
    uint64_t epoch;          /* the leader's epoch, or the highest the sender knows */
    uint16_t jvms_busy;      /* runner JVMs running a job now */
    uint16_t jvms_total;     /* runner JVMs kept (0 for the gateway) */
    uint64_t jobs_done;      /* jobs its runner pool has answered since it started */
} zr_gossip_view_t;

typedef struct {
    int64_t sender_id;       /* >= 0 */
    uint64_t sender_incarnation;
    uint64_t sender_seq;     /* the sender's own heartbeat sequence */
    zr_gossip_view_t view;
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
