/* zr_gossip_msg: gossip table codec (header with the sender's view, then rows); layout in PROTOCOL.md.
 * Counts are checked against the cap and the remaining input before any row is read. */
#include "proto/zr_gossip_msg.h"

size_t zr_gossip_msg_entries_fit(size_t budget)
{
    if (budget < ZR_GOSSIP_MSG_HEADER_SIZE)
        return 0;
    size_t fit = (budget - ZR_GOSSIP_MSG_HEADER_SIZE) / ZR_GOSSIP_MSG_ENTRY_SIZE;
    return fit < ZR_GOSSIP_MSG_MAX_ENTRIES ? fit : ZR_GOSSIP_MSG_MAX_ENTRIES;
}

static bool entry_valid(const zr_gossip_msg_t *msg, size_t index)
{
    const zr_gossip_msg_entry_t *entry = &msg->entries[index];
    if (entry->server_id < 0 || (entry->flags & ~ZR_GOSSIP_ENTRY_FLAGS))
        return false;
    for (size_t earlier = 0; earlier < index; earlier++)
        if (msg->entries[earlier].server_id == entry->server_id)
            return false;
    return true;
}

/* Assumes count is within the array (checked first by both encoder and decoder). */
static bool gossip_valid(const zr_gossip_msg_t *msg)
{
    if (msg->sender_id < 0 || msg->view.leader_id < 0 || (msg->view.flags & ~ZR_GOSSIP_VIEW_FLAGS))
        return false;
    for (size_t index = 0; index < msg->count; index++)
        if (!entry_valid(msg, index))
            return false;
    return true;
}

zr_encode_status_t zr_gossip_msg_encode(const zr_gossip_msg_t *msg, uint8_t *buf, size_t cap,
                                        size_t *len)
{
    zr_wire_writer_t writer;
    zr_wire_writer_open(&writer, buf, cap, ZR_PROTO_UDP_MAX_PAYLOAD, ZR_MSG_GOSSIP);
    bool count_ok = msg->count <= ZR_GOSSIP_MSG_MAX_ENTRIES;
    zr_wire_writer_require(&writer, count_ok, ZR_ENCODE_TOO_LARGE);
    zr_wire_writer_require(&writer, count_ok && gossip_valid(msg), ZR_ENCODE_BAD_VALUE);
    zr_wire_write_id(&writer, msg->sender_id);
    zr_wire_write_u64(&writer, msg->sender_incarnation);
    zr_wire_write_u64(&writer, msg->sender_seq);
    zr_wire_write_id(&writer, msg->view.leader_id);
    zr_wire_write_u64(&writer, msg->view.epoch);
    zr_wire_write_u8(&writer, msg->view.flags);
    zr_wire_write_u16(&writer, msg->view.jvms_busy);
    zr_wire_write_u16(&writer, msg->view.jvms_total);
    zr_wire_write_u64(&writer, msg->view.jobs_done);
    zr_wire_write_u16(&writer, (uint16_t) msg->count);
    for (size_t index = 0; count_ok && index < msg->count; index++) {
        zr_wire_write_id(&writer, msg->entries[index].server_id);
        zr_wire_write_u64(&writer, msg->entries[index].incarnation);
        zr_wire_write_u64(&writer, msg->entries[index].heartbeat_seq);
        zr_wire_write_u8(&writer, msg->entries[index].flags);
    }
    return zr_wire_writer_close(&writer, len);
}

zr_decode_status_t zr_gossip_msg_decode(const uint8_t *data, size_t size, zr_gossip_msg_t *msg)
{
    zr_wire_reader_t reader;
    zr_wire_reader_open(&reader, data, size, ZR_MSG_GOSSIP);
    msg->sender_id = zr_wire_read_id(&reader);
    msg->sender_incarnation = zr_wire_read_u64(&reader);
    msg->sender_seq = zr_wire_read_u64(&reader);
    msg->view.leader_id = zr_wire_read_id(&reader);
    msg->view.epoch = zr_wire_read_u64(&reader);
    msg->view.flags = zr_wire_read_u8(&reader);
    msg->view.jvms_busy = zr_wire_read_u16(&reader);
    msg->view.jvms_total = zr_wire_read_u16(&reader);
    msg->view.jobs_done = zr_wire_read_u64(&reader);
    size_t count = zr_wire_read_u16(&reader);
    zr_wire_reader_require(&reader, count <= ZR_GOSSIP_MSG_MAX_ENTRIES, ZR_DECODE_TOO_LARGE);
    zr_wire_reader_require(&reader,
                           count <= zr_wire_reader_remaining(&reader) / ZR_GOSSIP_MSG_ENTRY_SIZE,
                           ZR_DECODE_TRUNCATED);
    msg->count = reader.status == ZR_DECODE_OK ? count : 0;
    for (size_t index = 0; index < msg->count; index++) {
        msg->entries[index].server_id = zr_wire_read_id(&reader);
        msg->entries[index].incarnation = zr_wire_read_u64(&reader);
        msg->entries[index].heartbeat_seq = zr_wire_read_u64(&reader);
        msg->entries[index].flags = zr_wire_read_u8(&reader);
    }
    zr_wire_reader_require(&reader, gossip_valid(msg), ZR_DECODE_BAD_VALUE);
    return zr_wire_reader_close(&reader);
}
