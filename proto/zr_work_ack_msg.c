/* zr_work_ack_msg: work acknowledgement codec; layout in proto/PROTOCOL.md.
 * Encoder and decoder share one validity rule, so whatever encodes also decodes. */
#include "proto/zr_work_ack_msg.h"

static bool ack_valid(const zr_work_ack_msg_t *msg)
{
    if (msg->leader_id < 0 || msg->count < 1)
        return false;
    for (uint16_t i = 0; i < msg->count && i < ZR_WORK_ACK_MAX_JOBS; i++)
        if (msg->jobs[i].gateway_id < 0)
            return false;
    return true;
}

zr_encode_status_t zr_work_ack_msg_encode(const zr_work_ack_msg_t *msg, uint8_t *buf, size_t cap,
                                          size_t *len)
{
    zr_wire_writer_t writer;
    zr_wire_writer_open(&writer, buf, cap, SIZE_MAX, ZR_MSG_WORK_ACK);
    zr_wire_writer_require(&writer, msg->count <= ZR_WORK_ACK_MAX_JOBS, ZR_ENCODE_TOO_LARGE);
    zr_wire_writer_require(&writer, ack_valid(msg), ZR_ENCODE_BAD_VALUE);
    zr_wire_write_id(&writer, msg->leader_id);
    zr_wire_write_u64(&writer, msg->leader_epoch);
    zr_wire_write_u16(&writer, msg->count);
    for (uint16_t i = 0; i < msg->count && i < ZR_WORK_ACK_MAX_JOBS; i++) {
        zr_wire_write_id(&writer, msg->jobs[i].gateway_id);
        zr_wire_write_u64(&writer, msg->jobs[i].request_id);
    }
    return zr_wire_writer_close(&writer, len);
}

zr_decode_status_t zr_work_ack_msg_decode(const uint8_t *data, size_t size, zr_work_ack_msg_t *msg)
{
    zr_wire_reader_t reader;
    zr_wire_reader_open(&reader, data, size, ZR_MSG_WORK_ACK);
    msg->leader_id = zr_wire_read_id(&reader);
    msg->leader_epoch = zr_wire_read_u64(&reader);
    msg->count = zr_wire_read_u16(&reader);
    zr_wire_reader_require(&reader, msg->count <= ZR_WORK_ACK_MAX_JOBS, ZR_DECODE_TOO_LARGE);
    for (uint16_t i = 0; i < msg->count && i < ZR_WORK_ACK_MAX_JOBS; i++) {
        msg->jobs[i].gateway_id = zr_wire_read_id(&reader);
        msg->jobs[i].request_id = zr_wire_read_u64(&reader);
    }
    zr_wire_reader_require(&reader, ack_valid(msg), ZR_DECODE_BAD_VALUE);
    return zr_wire_reader_close(&reader);
}
