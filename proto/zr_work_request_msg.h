/* zr_work_request_msg: one compile-and-run job on its way (tcp): gateway -> leader, and
 * leader -> worker. Carries the leader's id and epoch for fencing, and the Java source. */
#ifndef ZR_WORK_REQUEST_MSG_H
#define ZR_WORK_REQUEST_MSG_H
#include "proto/zr_wire.h"

#define ZR_WORK_REQUEST_MSG_FIXED_SIZE 39   /* everything but the source bytes */
#define ZR_WORK_FLAGS_KNOWN 0x00            /* no flag is defined yet: every bit must be 0 */

typedef struct {
    uint8_t flags;          /* reserved: must be 0 (any bit outside ZR_WORK_FLAGS_KNOWN) */
    uint64_t request_id;    /* unique per gateway */
    int64_t gateway_id;     /* >= 0; (gateway_id, request_id) names the job cluster-wide */
    int64_t leader_id;      /* >= 0: the leader that sent it (or that the gateway believes in) */
    uint64_t leader_epoch;  /* that leader's epoch */
    zr_wire_bytes_t source; /* at most ZR_PROTO_MAX_SOURCE bytes; may be empty */
} zr_work_request_msg_t;

/* Encodes into buf[0..cap) (buf NULL: only computes *len). */
zr_encode_status_t zr_work_request_msg_encode(const zr_work_request_msg_t *msg, uint8_t *buf,
                                              size_t cap, size_t *len);
/* msg->source points into data (lifetime of data). On failure *msg is unspecified. */
zr_decode_status_t zr_work_request_msg_decode(const uint8_t *data, size_t size,
                                              zr_work_request_msg_t *msg);

#endif
