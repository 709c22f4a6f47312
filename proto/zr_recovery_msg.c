/* zr_recovery_msg: recovery request and answer codecs; layouts in proto/PROTOCOL.md.
 * An answer embeds a work result through zr_work_result_msg_read/write, not a copy of them. */
#include "proto/zr_recovery_msg.h"
#include <string.h>

_Static_assert(ZR_PROTO_MAX_TCP_MESSAGE == ZR_RECOVERY_ANSWER_MSG_FIXED_SIZE + 1
                                              + ZR_WORK_RESULT_MSG_FIXED_SIZE - 2
                                              + ZR_PROTO_MAX_BODY + 2 * ZR_PROTO_MAX_OUTPUT,
               "ZR_PROTO_MAX_TCP_MESSAGE is the largest recovery answer");

static bool request_valid(const zr_recovery_request_msg_t *msg)
{
    return msg->leader_id >= 0;
}

zr_encode_status_t zr_recovery_request_msg_encode(const zr_recovery_request_msg_t *msg,
                                                  uint8_t *buf, size_t cap, size_t *len)
{
    zr_wire_writer_t writer;
    zr_wire_writer_open(&writer, buf, cap, ZR_RECOVERY_REQUEST_MSG_SIZE,
                        ZR_MSG_RECOVERY_REQUEST);
    zr_wire_writer_require(&writer, request_valid(msg), ZR_ENCODE_BAD_VALUE);
    zr_wire_write_id(&writer, msg->leader_id);
    zr_wire_write_u64(&writer, msg->leader_epoch);
    return zr_wire_writer_close(&writer, len);
}

zr_decode_status_t zr_recovery_request_msg_decode(const uint8_t *data, size_t size,
                                                  zr_recovery_request_msg_t *msg)
{
    zr_wire_reader_t reader;
    zr_wire_reader_open(&reader, data, size, ZR_MSG_RECOVERY_REQUEST);
    msg->leader_id = zr_wire_read_id(&reader);
    msg->leader_epoch = zr_wire_read_u64(&reader);
    zr_wire_reader_require(&reader, request_valid(msg), ZR_DECODE_BAD_VALUE);
    return zr_wire_reader_close(&reader);
}

bool zr_recovery_answer_has_result(const zr_recovery_answer_msg_t *msg)
{
    return msg->total > 0 && msg->entry == ZR_RECOVERY_RESULT;
}

bool zr_recovery_answer_is_last(const zr_recovery_answer_msg_t *msg)
{
    return msg->total == 0 || msg->index == msg->total - 1;
}

static bool answer_valid(const zr_recovery_answer_msg_t *msg)
{
    bool numbered = msg->total == 0 ? msg->index == 0 && msg->entry == ZR_RECOVERY_NOTHING
                                    : msg->index < msg->total;
    bool entry = msg->total == 0 || msg->entry == ZR_RECOVERY_RESULT
                 || (msg->entry == ZR_RECOVERY_RUNNING && msg->gateway_id >= 0);
    return msg->follower_id >= 0 && numbered && entry;
}

zr_encode_status_t zr_recovery_answer_msg_encode(const zr_recovery_answer_msg_t *msg,
                                                 uint8_t *buf, size_t cap, size_t *len)
{
    zr_wire_writer_t writer;
    zr_wire_writer_open(&writer, buf, cap, SIZE_MAX, ZR_MSG_RECOVERY_ANSWER);
    zr_wire_writer_require(&writer, msg->total <= ZR_RECOVERY_MAX_RESULTS, ZR_ENCODE_TOO_LARGE);
    zr_wire_writer_require(&writer, answer_valid(msg), ZR_ENCODE_BAD_VALUE);
    zr_wire_write_id(&writer, msg->follower_id);
    zr_wire_write_u64(&writer, msg->leader_epoch);
    zr_wire_write_u32(&writer, msg->index);
    zr_wire_write_u32(&writer, msg->total);
    if (msg->total > 0)
        zr_wire_write_u8(&writer, (uint8_t) msg->entry);
    if (zr_recovery_answer_has_result(msg))
        zr_work_result_msg_write(&writer, &msg->result);
    else if (msg->total > 0) {
        zr_wire_write_id(&writer, msg->gateway_id);
        zr_wire_write_u64(&writer, msg->request_id);
    }
    return zr_wire_writer_close(&writer, len);
}

zr_decode_status_t zr_recovery_answer_msg_decode(const uint8_t *data, size_t size,
                                                 zr_recovery_answer_msg_t *msg)
{
    zr_wire_reader_t reader;
    zr_wire_reader_open(&reader, data, size, ZR_MSG_RECOVERY_ANSWER);
    memset(&msg->result, 0, sizeof msg->result);
    msg->gateway_id = 0;
    msg->request_id = 0;
    msg->follower_id = zr_wire_read_id(&reader);
    msg->leader_epoch = zr_wire_read_u64(&reader);
    msg->index = zr_wire_read_u32(&reader);
    msg->total = zr_wire_read_u32(&reader);
    msg->entry = msg->total > 0 ? (zr_recovery_entry_t) zr_wire_read_u8(&reader) : ZR_RECOVERY_NOTHING;
    zr_wire_reader_require(&reader, msg->total <= ZR_RECOVERY_MAX_RESULTS, ZR_DECODE_TOO_LARGE);
    zr_wire_reader_require(&reader, answer_valid(msg), ZR_DECODE_BAD_VALUE);
    if (zr_recovery_answer_has_result(msg))
        zr_work_result_msg_read(&reader, &msg->result);
    else if (msg->total > 0) {
        msg->gateway_id = zr_wire_read_id(&reader);
        msg->request_id = zr_wire_read_u64(&reader);
        zr_wire_reader_require(&reader, msg->gateway_id >= 0, ZR_DECODE_BAD_VALUE);
    }
    return zr_wire_reader_close(&reader);
}
