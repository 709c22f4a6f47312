/* zr_work_request_msg: work request codec; layout in proto/PROTOCOL.md.
 * Encoder and decoder share one validity rule, so whatever encodes also decodes. */
#include "proto/zr_work_request_msg.h"

static bool request_valid(const zr_work_request_msg_t *msg)
{
    return (msg->flags & ~ZR_WORK_FLAGS_KNOWN) == 0 && msg->gateway_id >= 0
           && msg->leader_id >= 0;
}

zr_encode_status_t zr_work_request_msg_encode(const zr_work_request_msg_t *msg, uint8_t *buf,
                                              size_t cap, size_t *len)
{
    zr_wire_writer_t writer;
    zr_wire_writer_open(&writer, buf, cap, SIZE_MAX, ZR_MSG_WORK_REQUEST);
    zr_wire_writer_require(&writer, request_valid(msg), ZR_ENCODE_BAD_VALUE);
    zr_wire_write_u8(&writer, msg->flags);
    zr_wire_write_u64(&writer, msg->request_id);
    zr_wire_write_id(&writer, msg->gateway_id);
    zr_wire_write_id(&writer, msg->leader_id);
    zr_wire_write_u64(&writer, msg->leader_epoch);
    zr_wire_write_bytes32(&writer, msg->source, ZR_PROTO_MAX_SOURCE);
    return zr_wire_writer_close(&writer, len);
}

zr_decode_status_t zr_work_request_msg_decode(const uint8_t *data, size_t size,
                                              zr_work_request_msg_t *msg)
{
    zr_wire_reader_t reader;
    zr_wire_reader_open(&reader, data, size, ZR_MSG_WORK_REQUEST);
    msg->flags = zr_wire_read_u8(&reader);
    msg->request_id = zr_wire_read_u64(&reader);
    msg->gateway_id = zr_wire_read_id(&reader);
    msg->leader_id = zr_wire_read_id(&reader);
    msg->leader_epoch = zr_wire_read_u64(&reader);
    msg->source = zr_wire_read_bytes32(&reader, ZR_PROTO_MAX_SOURCE);
    zr_wire_reader_require(&reader, request_valid(msg), ZR_DECODE_BAD_VALUE);
    return zr_wire_reader_close(&reader);
}
