/* zr_proto: encodes or decodes any message by dispatching on its type.
 * The family codecs do all the checking; this only picks one. */
#include "proto/zr_proto.h"

zr_decode_status_t zr_proto_decode(const uint8_t *data, size_t size, zr_proto_msg_t *msg)
{
    int type;
    zr_decode_status_t status = zr_wire_peek_type(data, size, &type);
    if (status != ZR_DECODE_OK)
        return status;
    msg->type = (zr_msg_type_t) type;
    switch (msg->type) {
    case ZR_MSG_ELECTION: return zr_election_msg_decode(data, size, &msg->election);
    case ZR_MSG_GOSSIP: return zr_gossip_msg_decode(data, size, &msg->gossip);
    case ZR_MSG_WORK_REQUEST: return zr_work_request_msg_decode(data, size, &msg->work_request);
    case ZR_MSG_WORK_RESULT: return zr_work_result_msg_decode(data, size, &msg->work_result);
    case ZR_MSG_WORKER_HELLO: return zr_worker_hello_msg_decode(data, size, &msg->worker_hello);
    case ZR_MSG_WORK_ACK: return zr_work_ack_msg_decode(data, size, &msg->work_ack);
    case ZR_MSG_RECOVERY_REQUEST:
        return zr_recovery_request_msg_decode(data, size, &msg->recovery_request);
    case ZR_MSG_RECOVERY_ANSWER:
        return zr_recovery_answer_msg_decode(data, size, &msg->recovery_answer);
    }
    return ZR_DECODE_BAD_TYPE;
}

zr_encode_status_t zr_proto_encode(const zr_proto_msg_t *msg, uint8_t *buf, size_t cap,
                                   size_t *len)
{
    if (len)
        *len = 0;
    switch (msg->type) {
    case ZR_MSG_ELECTION: return zr_election_msg_encode(&msg->election, buf, cap, len);
    case ZR_MSG_GOSSIP: return zr_gossip_msg_encode(&msg->gossip, buf, cap, len);
    case ZR_MSG_WORK_REQUEST:
        return zr_work_request_msg_encode(&msg->work_request, buf, cap, len);
    case ZR_MSG_WORK_RESULT: return zr_work_result_msg_encode(&msg->work_result, buf, cap, len);
    case ZR_MSG_WORKER_HELLO:
        return zr_worker_hello_msg_encode(&msg->worker_hello, buf, cap, len);
    case ZR_MSG_WORK_ACK: return zr_work_ack_msg_encode(&msg->work_ack, buf, cap, len);
    case ZR_MSG_RECOVERY_REQUEST:
        return zr_recovery_request_msg_encode(&msg->recovery_request, buf, cap, len);
    case ZR_MSG_RECOVERY_ANSWER:
        return zr_recovery_answer_msg_encode(&msg->recovery_answer, buf, cap, len);
    }
    return ZR_ENCODE_BAD_VALUE;
}
