/* zr_datagram_auth: envelope layout with proto's big-endian writer and reader, and the tag with
 * libsodium's HMAC-SHA-512-256 over the group name and every envelope byte before the tag. */
#include "runtime/zr_datagram_auth.h"
#include "proto/zr_wire.h"
#include <sodium.h>
#include <string.h>

_Static_assert(1 + ZR_PROTO_GROUP_MAX_LEN + ZR_PROTO_UDP_MAX_PAYLOAD + ZR_DATAGRAM_OVERHEAD
               <= ZR_PROTO_UDP_MAX_DATAGRAM, "a sealed datagram fits the datagram budget");
_Static_assert(ZR_DATAGRAM_TAG_SIZE == crypto_auth_hmacsha512256_BYTES
               && ZR_DATAGRAM_KEY_SIZE == crypto_auth_hmacsha512256_KEYBYTES, "libsodium sizes");

/* The tag binds the group too: a datagram moved to another group does not verify. */
static void compute_tag(const uint8_t *key, const char *group, const uint8_t *bytes, size_t size,
                        uint8_t tag[ZR_DATAGRAM_TAG_SIZE])
{
    crypto_auth_hmacsha512256_state state;
    uint8_t group_length = (uint8_t) strlen(group);
    crypto_auth_hmacsha512256_init(&state, key, ZR_DATAGRAM_KEY_SIZE);
    crypto_auth_hmacsha512256_update(&state, &group_length, 1);
    crypto_auth_hmacsha512256_update(&state, (const uint8_t *) group, group_length);
    crypto_auth_hmacsha512256_update(&state, bytes, size);
    crypto_auth_hmacsha512256_final(&state, tag);
}

int zr_datagram_seal(const uint8_t key[ZR_DATAGRAM_KEY_SIZE], const char *group,
                     const zr_datagram_stamp_t *stamp, const uint8_t *message, size_t size,
                     uint8_t *out, size_t cap, size_t *out_len)
{
    *out_len = 0;
    if (stamp->sender_id < 0 || strlen(group) > ZR_PROTO_GROUP_MAX_LEN
        || cap < ZR_DATAGRAM_OVERHEAD || size > cap - ZR_DATAGRAM_OVERHEAD)
        return -1;
    if (size)   /* first, so that message may be out itself */
        memmove(out + ZR_DATAGRAM_HEADER_SIZE, message, size);
    zr_wire_writer_t writer = { out, cap, cap, 0, ZR_ENCODE_OK };
    zr_wire_write_u8(&writer, ZR_DATAGRAM_ENVELOPE_VERSION);
    zr_wire_write_id(&writer, stamp->sender_id);
    zr_wire_write_u64(&writer, stamp->incarnation);
    zr_wire_write_u64(&writer, stamp->sequence);
    compute_tag(key, group, out, ZR_DATAGRAM_HEADER_SIZE + size, out + ZR_DATAGRAM_HEADER_SIZE + size);
    *out_len = size + ZR_DATAGRAM_OVERHEAD;
    return 0;
}

zr_datagram_status_t zr_datagram_open(const uint8_t key[ZR_DATAGRAM_KEY_SIZE], const char *group,
                                      const uint8_t *data, size_t size, zr_datagram_stamp_t *stamp,
                                      const uint8_t **message, size_t *message_size)
{
    if (size < ZR_DATAGRAM_OVERHEAD || data[0] != ZR_DATAGRAM_ENVELOPE_VERSION
        || strlen(group) > ZR_PROTO_GROUP_MAX_LEN)
        return ZR_DATAGRAM_UNSEALED;
    size_t signed_size = size - ZR_DATAGRAM_TAG_SIZE;
    uint8_t tag[ZR_DATAGRAM_TAG_SIZE];
    compute_tag(key, group, data, signed_size, tag);
    if (crypto_verify_32(tag, data + signed_size) != 0)
        return ZR_DATAGRAM_FORGED;
    zr_wire_reader_t reader = { data, size, 1, ZR_DECODE_OK };
    stamp->sender_id = zr_wire_read_id(&reader);
    stamp->incarnation = zr_wire_read_u64(&reader);
    stamp->sequence = zr_wire_read_u64(&reader);
    *message = data + ZR_DATAGRAM_HEADER_SIZE;
    *message_size = signed_size - ZR_DATAGRAM_HEADER_SIZE;
    return stamp->sender_id < 0 ? ZR_DATAGRAM_BAD_SENDER : ZR_DATAGRAM_OK;
}
