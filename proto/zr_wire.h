/* zr_wire: the wire format's shared parts: version, message types, limits, status codes,
 * and the bounds-checked big-endian reader and writer every codec in proto/ is built on. */
#ifndef ZR_WIRE_H
#define ZR_WIRE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZR_PROTO_VERSION 2

/* UDP (RADIO/DISH): a datagram is 1 group-length byte + group name + payload. */
#define ZR_PROTO_UDP_MAX_DATAGRAM 1400
#define ZR_PROTO_UDP_MAX_PAYLOAD 1300
#define ZR_PROTO_GROUP_MAX_LEN 15
#define ZR_PROTO_GROUP_ELECTION "election"
#define ZR_PROTO_GROUP_GOSSIP "gossip"
/* TCP (DEALER/ROUTER) port of a node = its UDP port + this offset. */
#define ZR_PROTO_TCP_PORT_OFFSET 2

/* Hard caps on variable-length fields. The gateway's body limit must not exceed the source cap. */
#define ZR_PROTO_MAX_SOURCE ((1u << 20) + 4096u)  /* Java source of a work request */
#define ZR_PROTO_MAX_BODY (4u << 20)              /* result body (what run() returned) */
#define ZR_PROTO_MAX_OUTPUT (1u << 20)            /* captured stdout, and stderr, each */
/* The largest encoded TCP message (a recovery answer carrying a maximal result): what a
 * socket that receives results must allow (ZMQ_MAXMSGSIZE). */
#define ZR_PROTO_MAX_TCP_MESSAGE (90u + ZR_PROTO_MAX_BODY + 2u * ZR_PROTO_MAX_OUTPUT)

/* Message type byte (offset 1 of every message); unique across all families. */
typedef enum {
    ZR_MSG_ELECTION = 0x01,          /* udp, group "election" */
    ZR_MSG_GOSSIP = 0x02,            /* udp, group "gossip" */
    ZR_MSG_WORK_REQUEST = 0x10,      /* tcp, gateway -> leader -> worker */
    ZR_MSG_WORK_RESULT = 0x11,       /* tcp, worker -> leader -> gateway */
    ZR_MSG_WORKER_HELLO = 0x12,      /* tcp, worker -> leader */
    ZR_MSG_WORK_ACK = 0x13,          /* tcp, leader -> worker: results it may forget */
    ZR_MSG_RECOVERY_REQUEST = 0x20,  /* tcp, new leader -> follower */
    ZR_MSG_RECOVERY_ANSWER = 0x21,   /* tcp, follower -> new leader */
} zr_msg_type_t;

/* "ELECTION", "GOSSIP", ...; "UNKNOWN" for any other byte. */
const char *zr_msg_type_name(int type);
bool zr_msg_type_known(int type);

typedef enum {
    ZR_DECODE_OK = 0,
    ZR_DECODE_TRUNCATED,    /* input ends before the message does */
    ZR_DECODE_BAD_VERSION,  /* first byte is not ZR_PROTO_VERSION */
    ZR_DECODE_BAD_TYPE,     /* second byte is not the expected (or any known) type */
    ZR_DECODE_BAD_VALUE,    /* enum out of range, negative id, reserved bit set, ... */
    ZR_DECODE_TRAILING,     /* bytes left over after the message */
    ZR_DECODE_TOO_LARGE,    /* a length or count above its cap */
    ZR_DECODE_STATUS_COUNT
} zr_decode_status_t;

typedef enum {
    ZR_ENCODE_OK = 0,
    ZR_ENCODE_NO_SPACE,     /* the caller's buffer is too small */
    ZR_ENCODE_BAD_VALUE,    /* a field the decoder would reject */
    ZR_ENCODE_TOO_LARGE,    /* a field above its cap, or a UDP message above the payload cap */
    ZR_ENCODE_STATUS_COUNT
} zr_encode_status_t;

/* "OK", "TRUNCATED", ... for logs and metric labels; "UNKNOWN" out of range. */
const char *zr_decode_status_name(zr_decode_status_t status);
const char *zr_encode_status_name(zr_encode_status_t status);

/* Malformed input is dropped and counted, never fatal: one counter per decode status. */
typedef struct {
    uint64_t by_status[ZR_DECODE_STATUS_COUNT];
} zr_decode_stats_t;
void zr_decode_stats_add(zr_decode_stats_t *stats, zr_decode_status_t status);
uint64_t zr_decode_stats_dropped(const zr_decode_stats_t *stats);

/* Checks version and that the type byte is a known type; *type gets it either way. */
zr_decode_status_t zr_wire_peek_type(const uint8_t *data, size_t size, int *type);

/* A length-prefixed byte string. Decoded ones point into the input buffer (valid only
 * while it is) and are NOT NUL-terminated. data may be NULL when size is 0. */
typedef struct {
    const char *data;
    size_t size;
} zr_wire_bytes_t;

/* Reader: every read is checked against what remains; the first failure sticks and
 * later reads return zero, so a decoder is straight-line code checked once at the end. */
typedef struct {
    const uint8_t *data;
    size_t size;
    size_t pos;
    zr_decode_status_t status;
} zr_wire_reader_t;

/* Starts reading and consumes the 2-byte header, which must carry `type`. */
void zr_wire_reader_open(zr_wire_reader_t *reader, const uint8_t *data, size_t size, int type);
uint8_t zr_wire_read_u8(zr_wire_reader_t *reader);
uint16_t zr_wire_read_u16(zr_wire_reader_t *reader);
uint32_t zr_wire_read_u32(zr_wire_reader_t *reader);
uint64_t zr_wire_read_u64(zr_wire_reader_t *reader);
/* An id travels as 8 bytes; values >= 2^63 come out negative and must be rejected by the caller. */
int64_t zr_wire_read_id(zr_wire_reader_t *reader);
/* u32 length (TOO_LARGE above cap, TRUNCATED beyond the input) then the bytes, not copied. */
zr_wire_bytes_t zr_wire_read_bytes32(zr_wire_reader_t *reader, size_t cap);
/* Fails with `status` unless `ok` (first failure wins). */
void zr_wire_reader_require(zr_wire_reader_t *reader, bool ok, zr_decode_status_t status);
size_t zr_wire_reader_remaining(const zr_wire_reader_t *reader);
/* The final status: TRAILING if all reads succeeded but input is left over. */
zr_decode_status_t zr_wire_reader_close(zr_wire_reader_t *reader);

/* Writer: into buf[0..cap), or only counting bytes when buf is NULL. `max` bounds the
 * whole message (TOO_LARGE beyond it). The first failure sticks, later writes do nothing. */
typedef struct {
    uint8_t *buf;
    size_t cap;
    size_t max;
    size_t len;
    zr_encode_status_t status;
} zr_wire_writer_t;

/* Starts writing and emits the 2-byte header for `type`. */
void zr_wire_writer_open(zr_wire_writer_t *writer, uint8_t *buf, size_t cap, size_t max, int type);
void zr_wire_write_u8(zr_wire_writer_t *writer, uint8_t value);
void zr_wire_write_u16(zr_wire_writer_t *writer, uint16_t value);
void zr_wire_write_u32(zr_wire_writer_t *writer, uint32_t value);
void zr_wire_write_u64(zr_wire_writer_t *writer, uint64_t value);
void zr_wire_write_id(zr_wire_writer_t *writer, int64_t value);
/* u32 length then the bytes; TOO_LARGE if bytes.size > cap. */
void zr_wire_write_bytes32(zr_wire_writer_t *writer, zr_wire_bytes_t bytes, size_t cap);
void zr_wire_writer_require(zr_wire_writer_t *writer, bool ok, zr_encode_status_t status);
/* The final status; *len gets the encoded length on success, 0 on failure (len may be NULL). */
zr_encode_status_t zr_wire_writer_close(zr_wire_writer_t *writer, size_t *len);

#endif
