/* zr_election_msg: election notification codec; layout in proto/PROTOCOL.md.
 * Encoder and decoder share one validity rule, so whatever encodes also decodes. */
#include "proto/zr_election_msg.h"

static const char *state_names[] = { "LOOKING", "FOLLOWING", "LEADING", "OBSERVER" };

const char *zr_peer_state_name(zr_peer_state_t state)
{
    return (unsigned) state <= ZR_PEER_OBSERVER ? state_names[state] : "UNKNOWN";
}

static bool election_valid(const zr_election_msg_t *msg)
{
    return (unsigned) msg->state <= ZR_PEER_OBSERVER && msg->sender_id >= 0
           && msg->leader_id >= 0;
}

zr_encode_status_t zr_election_msg_encode(const zr_election_msg_t *msg, uint8_t *buf,
                                          size_t cap, size_t *len)
{
    zr_wire_writer_t writer;
    zr_wire_writer_open(&writer, buf, cap, ZR_ELECTION_MSG_SIZE, ZR_MSG_ELECTION);
    zr_wire_writer_require(&writer, election_valid(msg), ZR_ENCODE_BAD_VALUE);
    zr_wire_write_u8(&writer, (uint8_t) msg->state);
    zr_wire_write_id(&writer, msg->sender_id);
    zr_wire_write_u64(&writer, msg->incarnation);
    zr_wire_write_u64(&writer, msg->round);
    zr_wire_write_id(&writer, msg->leader_id);
    zr_wire_write_u64(&writer, msg->leader_epoch);
    return zr_wire_writer_close(&writer, len);
}

zr_decode_status_t zr_election_msg_decode(const uint8_t *data, size_t size,
                                          zr_election_msg_t *msg)
{
    zr_wire_reader_t reader;
    zr_wire_reader_open(&reader, data, size, ZR_MSG_ELECTION);
    msg->state = (zr_peer_state_t) zr_wire_read_u8(&reader);
    msg->sender_id = zr_wire_read_id(&reader);
    msg->incarnation = zr_wire_read_u64(&reader);
    msg->round = zr_wire_read_u64(&reader);
    msg->leader_id = zr_wire_read_id(&reader);
    msg->leader_epoch = zr_wire_read_u64(&reader);
    zr_wire_reader_require(&reader, election_valid(msg), ZR_DECODE_BAD_VALUE);
    return zr_wire_reader_close(&reader);
}
