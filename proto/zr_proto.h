/* zr_proto: every message family in one header, plus encode/decode of any message, for
 * sockets that carry several families: dispatches on the type to the family's codec. */
#ifndef ZR_PROTO_H
#define ZR_PROTO_H
#include "proto/zr_wire.h"
#include "proto/zr_election_msg.h"
#include "proto/zr_gossip_msg.h"
#include "proto/zr_work_request_msg.h"
#include "proto/zr_work_result_msg.h"
#include "proto/zr_worker_hello_msg.h"
#include "proto/zr_work_ack_msg.h"
#include "proto/zr_recovery_msg.h"

typedef struct {
    zr_msg_type_t type;   /* which member is filled (valid only when decoding succeeded) */
    union {
        zr_election_msg_t election;
        zr_gossip_msg_t gossip;
        zr_work_request_msg_t work_request;
        zr_work_result_msg_t work_result;
        zr_worker_hello_msg_t worker_hello;
        zr_work_ack_msg_t work_ack;
        zr_recovery_request_msg_t recovery_request;
        zr_recovery_answer_msg_t recovery_answer;
    };
} zr_proto_msg_t;

/* Encodes msg->type's member; same rules as the family encoders (BAD_VALUE: unknown type). */
zr_encode_status_t zr_proto_encode(const zr_proto_msg_t *msg, uint8_t *buf, size_t cap,
                                   size_t *len);
/* Decodes any message; same rules and lifetimes as the family decoders. */
zr_decode_status_t zr_proto_decode(const uint8_t *data, size_t size, zr_proto_msg_t *msg);

#endif
