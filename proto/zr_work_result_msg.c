/* zr_work_result_msg: work result codec and its bridge to zr_job_result_t.
 * Layout in proto/PROTOCOL.md; encoder and decoder share one validity rule. */
#include "proto/zr_work_result_msg.h"
#include <limits.h>

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

static zr_wire_bytes_t text(const char *data, size_t size)
{
    return (zr_wire_bytes_t) { data, data ? size : 0 };
}

void zr_work_result_msg_from_job(zr_work_result_msg_t *msg, const zr_job_result_t *job,
                                 int64_t gateway_id, int64_t leader_id, uint64_t leader_epoch)
{
    bool http_fits = job->http_status >= 0 && job->http_status <= UINT16_MAX;
    *msg = (zr_work_result_msg_t) {
        .request_id = job->request_id, .gateway_id = gateway_id, .leader_id = leader_id,
        .leader_epoch = leader_epoch, .worker_id = job->worker_id, .status = job->status,
        .http_status = http_fits ? (uint16_t) job->http_status : 0,
        .compile_ms = job->compile_ms, .run_ms = job->run_ms,
        .body = text(job->body, job->body_len), .out = text(job->out, job->out_len),
        .err = text(job->err, job->err_len),
    };
}

zr_job_result_t *zr_work_result_msg_to_job(const zr_work_result_msg_t *msg)
{
    if (msg->worker_id < 0 || msg->worker_id > INT_MAX)
        return NULL;
    zr_job_result_t *job = zr_job_result_new(msg->request_id, msg->status, msg->body.data,
                                             msg->body.size);
    zr_job_result_set_output(job, msg->out.data, msg->out.size, msg->err.data, msg->err.size);
    job->http_status = msg->http_status;
    job->compile_ms = msg->compile_ms;
    job->run_ms = msg->run_ms;
    job->worker_id = (int) msg->worker_id;
    return job;
}
