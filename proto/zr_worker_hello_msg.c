/* zr_worker_hello_msg: worker hello codec; layout in proto/PROTOCOL.md.
 * Encoder and decoder share one validity rule, so whatever encodes also decodes. */
#include "proto/zr_worker_hello_msg.h"

static bool hello_valid(const zr_worker_hello_msg_t *msg)
{
    return msg->worker_id >= 0 && msg->leader_id >= 0 && msg->slots >= 1;
}

zr_encode_status_t zr_worker_hello_msg_encode(const zr_worker_hello_msg_t *msg, uint8_t *buf,
                                              size_t cap, size_t *len)
{
    zr_wire_writer_t writer;
    zr_wire_writer_open(&writer, buf, cap, ZR_WORKER_HELLO_MSG_SIZE, ZR_MSG_WORKER_HELLO);
    zr_wire_writer_require(&writer, hello_valid(msg), ZR_ENCODE_BAD_VALUE);
    zr_wire_write_id(&writer, msg->worker_id);
    zr_wire_write_id(&writer, msg->leader_id);
    zr_wire_write_u64(&writer, msg->leader_epoch);
    zr_wire_write_u16(&writer, msg->slots);
    return zr_wire_writer_close(&writer, len);
}

zr_decode_status_t zr_worker_hello_msg_decode(const uint8_t *data, size_t size,
                                              zr_worker_hello_msg_t *msg)
{
    zr_wire_reader_t reader;
    zr_wire_reader_open(&reader, data, size, ZR_MSG_WORKER_HELLO);
    msg->worker_id = zr_wire_read_id(&reader);
    msg->leader_id = zr_wire_read_id(&reader);
    msg->leader_epoch = zr_wire_read_u64(&reader);
    msg->slots = zr_wire_read_u16(&reader);
    zr_wire_reader_require(&reader, hello_valid(msg), ZR_DECODE_BAD_VALUE);
    return zr_wire_reader_close(&reader);
}
