/* zr_work_result_msg: the work result codec.
 * Layout in proto/PROTOCOL.md; encoder and decoder share one validity rule. */
#include "proto/zr_work_result_msg.h"

static bool result_valid(const zr_work_result_msg_t *msg)
{
    return msg->gateway_id >= 0 && msg->leader_id >= 0 && msg->worker_id >= 0
           && (unsigned) msg->status <= ZR_JOB_INTERNAL
           && msg->http_status >= 100 && msg->http_status <= 599;
}

void zr_work_result_msg_write(zr_wire_writer_t *writer, const zr_work_result_msg_t *msg)
{
    zr_wire_writer_require(writer, result_valid(msg), ZR_ENCODE_BAD_VALUE);
    zr_wire_write_u8(writer, (uint8_t) msg->status);
    zr_wire_write_u16(writer, msg->http_status);
    zr_wire_write_u64(writer, msg->request_id);
    zr_wire_write_id(writer, msg->gateway_id);
    zr_wire_write_id(writer, msg->leader_id);
    zr_wire_write_u64(writer, msg->leader_epoch);
    zr_wire_write_id(writer, msg->worker_id);
    zr_wire_write_u32(writer, msg->compile_ms);
    zr_wire_write_u32(writer, msg->run_ms);
    zr_wire_write_bytes32(writer, msg->body, ZR_PROTO_MAX_BODY);
    zr_wire_write_bytes32(writer, msg->out, ZR_PROTO_MAX_OUTPUT);
    zr_wire_write_bytes32(writer, msg->err, ZR_PROTO_MAX_OUTPUT);
}

void zr_work_result_msg_read(zr_wire_reader_t *reader, zr_work_result_msg_t *msg)
{
    msg->status = (zr_job_status_t) zr_wire_read_u8(reader);
    msg->http_status = zr_wire_read_u16(reader);
    msg->request_id = zr_wire_read_u64(reader);
    msg->gateway_id = zr_wire_read_id(reader);
    msg->leader_id = zr_wire_read_id(reader);
    msg->leader_epoch = zr_wire_read_u64(reader);
    msg->worker_id = zr_wire_read_id(reader);
    msg->compile_ms = zr_wire_read_u32(reader);
    msg->run_ms = zr_wire_read_u32(reader);
    msg->body = zr_wire_read_bytes32(reader, ZR_PROTO_MAX_BODY);
    msg->out = zr_wire_read_bytes32(reader, ZR_PROTO_MAX_OUTPUT);
    msg->err = zr_wire_read_bytes32(reader, ZR_PROTO_MAX_OUTPUT);
    zr_wire_reader_require(reader, result_valid(msg), ZR_DECODE_BAD_VALUE);
}

zr_encode_status_t zr_work_result_msg_encode(const zr_work_result_msg_t *msg, uint8_t *buf,
                                             size_t cap, size_t *len)
{
    zr_wire_writer_t writer;
    zr_wire_writer_open(&writer, buf, cap, SIZE_MAX, ZR_MSG_WORK_RESULT);
    zr_work_result_msg_write(&writer, msg);
    return zr_wire_writer_close(&writer, len);
}

zr_decode_status_t zr_work_result_msg_decode(const uint8_t *data, size_t size,
                                             zr_work_result_msg_t *msg)
{
    zr_wire_reader_t reader;
    zr_wire_reader_open(&reader, data, size, ZR_MSG_WORK_RESULT);
    zr_work_result_msg_read(&reader, msg);
    return zr_wire_reader_close(&reader);
}
