/* zr_wire: bounds-checked big-endian reader/writer, status names and type registry.
 * Every other codec reads and writes only through these functions. */
#include "proto/zr_wire.h"
#include <string.h>

_Static_assert(1 + ZR_PROTO_GROUP_MAX_LEN + ZR_PROTO_UDP_MAX_PAYLOAD <= ZR_PROTO_UDP_MAX_DATAGRAM,
               "a full UDP payload with the longest group must fit the datagram cap");

static const struct {
    int type;
    const char *name;
} msg_types[] = {
    { ZR_MSG_ELECTION, "ELECTION" },
    { ZR_MSG_GOSSIP, "GOSSIP" },
    { ZR_MSG_WORK_REQUEST, "WORK_REQUEST" },
    { ZR_MSG_WORK_RESULT, "WORK_RESULT" },
    { ZR_MSG_WORKER_HELLO, "WORKER_HELLO" },
    { ZR_MSG_WORK_ACK, "WORK_ACK" },
    { ZR_MSG_RECOVERY_REQUEST, "RECOVERY_REQUEST" },
    { ZR_MSG_RECOVERY_ANSWER, "RECOVERY_ANSWER" },
};

/* The type's name, or NULL if the byte is no known type. */
static const char *find_type(int type)
{
    for (size_t i = 0; i < sizeof msg_types / sizeof msg_types[0]; i++)
        if (msg_types[i].type == type)
            return msg_types[i].name;
    return NULL;
}

const char *zr_msg_type_name(int type)
{
    const char *name = find_type(type);
    return name ? name : "UNKNOWN";
}

bool zr_msg_type_known(int type)
{
    return find_type(type) != NULL;
}

static const char *decode_names[ZR_DECODE_STATUS_COUNT] = {
    "OK", "TRUNCATED", "BAD_VERSION", "BAD_TYPE", "BAD_VALUE", "TRAILING", "TOO_LARGE",
};

static const char *encode_names[ZR_ENCODE_STATUS_COUNT] = {
    "OK", "NO_SPACE", "BAD_VALUE", "TOO_LARGE",
};

const char *zr_decode_status_name(zr_decode_status_t status)
{
    return (unsigned) status < ZR_DECODE_STATUS_COUNT ? decode_names[status] : "UNKNOWN";
}

const char *zr_encode_status_name(zr_encode_status_t status)
{
    return (unsigned) status < ZR_ENCODE_STATUS_COUNT ? encode_names[status] : "UNKNOWN";
}

void zr_decode_stats_add(zr_decode_stats_t *stats, zr_decode_status_t status)
{
    if ((unsigned) status < ZR_DECODE_STATUS_COUNT)
        stats->by_status[status]++;
}

uint64_t zr_decode_stats_dropped(const zr_decode_stats_t *stats)
{
    uint64_t dropped = 0;
    for (int status = ZR_DECODE_OK + 1; status < ZR_DECODE_STATUS_COUNT; status++)
        dropped += stats->by_status[status];
    return dropped;
}

/* ---- reader ---------------------------------------------------------------------- */

static void reader_fail(zr_wire_reader_t *reader, zr_decode_status_t status)
{
    if (reader->status == ZR_DECODE_OK)
        reader->status = status;
}

void zr_wire_reader_require(zr_wire_reader_t *reader, bool ok, zr_decode_status_t status)
{
    if (!ok)
        reader_fail(reader, status);
}

size_t zr_wire_reader_remaining(const zr_wire_reader_t *reader)
{
    return reader->size - reader->pos;
}

/* Returns the next n bytes and moves past them, or NULL (TRUNCATED) if fewer remain. */
static const uint8_t *reader_take(zr_wire_reader_t *reader, size_t n)
{
    if (reader->status != ZR_DECODE_OK)
        return NULL;
    if (n > zr_wire_reader_remaining(reader)) {
        reader_fail(reader, ZR_DECODE_TRUNCATED);
        return NULL;
    }
    const uint8_t *start = reader->data + reader->pos;
    reader->pos += n;
    return start;
}

static uint64_t reader_take_be(zr_wire_reader_t *reader, size_t n)
{
    const uint8_t *bytes = reader_take(reader, n);
    uint64_t value = 0;
    for (size_t i = 0; bytes && i < n; i++)
        value = (value << 8) | bytes[i];
    return value;
}

uint8_t zr_wire_read_u8(zr_wire_reader_t *reader)
{
    return (uint8_t) reader_take_be(reader, 1);
}

uint16_t zr_wire_read_u16(zr_wire_reader_t *reader)
{
    return (uint16_t) reader_take_be(reader, 2);
}

uint32_t zr_wire_read_u32(zr_wire_reader_t *reader)
{
    return (uint32_t) reader_take_be(reader, 4);
}

uint64_t zr_wire_read_u64(zr_wire_reader_t *reader)
{
    return reader_take_be(reader, 8);
}

int64_t zr_wire_read_id(zr_wire_reader_t *reader)
{
    return (int64_t) zr_wire_read_u64(reader);
}

zr_wire_bytes_t zr_wire_read_bytes32(zr_wire_reader_t *reader, size_t cap)
{
    zr_wire_bytes_t bytes = { NULL, 0 };
    uint32_t size = zr_wire_read_u32(reader);
    zr_wire_reader_require(reader, size <= cap, ZR_DECODE_TOO_LARGE);
    const uint8_t *start = reader_take(reader, size);
    if (start) {
        bytes.data = (const char *) start;
        bytes.size = size;
    }
    return bytes;
}

void zr_wire_reader_open(zr_wire_reader_t *reader, const uint8_t *data, size_t size, int type)
{
    *reader = (zr_wire_reader_t) { .data = data, .size = size, .pos = 0,
                                   .status = ZR_DECODE_OK };
    int found = -1;
    zr_decode_status_t status = zr_wire_peek_type(data, size, &found);
    if (status == ZR_DECODE_OK && found != type)
        status = ZR_DECODE_BAD_TYPE;
    reader_fail(reader, status);
    reader_take(reader, 2);
}

zr_decode_status_t zr_wire_reader_close(zr_wire_reader_t *reader)
{
    zr_wire_reader_require(reader, zr_wire_reader_remaining(reader) == 0, ZR_DECODE_TRAILING);
    return reader->status;
}

zr_decode_status_t zr_wire_peek_type(const uint8_t *data, size_t size, int *type)
{
    *type = size >= 2 ? data[1] : -1;
    if (size < 2)
        return ZR_DECODE_TRUNCATED;
    if (data[0] != ZR_PROTO_VERSION)
        return ZR_DECODE_BAD_VERSION;
    return zr_msg_type_known(data[1]) ? ZR_DECODE_OK : ZR_DECODE_BAD_TYPE;
}

/* ---- writer ---------------------------------------------------------------------- */

void zr_wire_writer_require(zr_wire_writer_t *writer, bool ok, zr_encode_status_t status)
{
    if (!ok && writer->status == ZR_ENCODE_OK)
        writer->status = status;
}

/* Reserves n bytes; returns where to put them (NULL when counting or failed). */
static uint8_t *writer_take(zr_wire_writer_t *writer, size_t n)
{
    zr_wire_writer_require(writer, n <= writer->max - writer->len, ZR_ENCODE_TOO_LARGE);
    zr_wire_writer_require(writer, !writer->buf || n <= writer->cap - writer->len,
                           ZR_ENCODE_NO_SPACE);
    if (writer->status != ZR_ENCODE_OK)
        return NULL;
    uint8_t *start = writer->buf ? writer->buf + writer->len : NULL;
    writer->len += n;
    return start;
}

static void writer_put_be(zr_wire_writer_t *writer, uint64_t value, size_t n)
{
    uint8_t *out = writer_take(writer, n);
    for (size_t i = 0; out && i < n; i++)
        out[i] = (uint8_t) (value >> (8 * (n - 1 - i)));
}

void zr_wire_write_u8(zr_wire_writer_t *writer, uint8_t value)
{
    writer_put_be(writer, value, 1);
}

void zr_wire_write_u16(zr_wire_writer_t *writer, uint16_t value)
{
    writer_put_be(writer, value, 2);
}

void zr_wire_write_u32(zr_wire_writer_t *writer, uint32_t value)
{
    writer_put_be(writer, value, 4);
}

void zr_wire_write_u64(zr_wire_writer_t *writer, uint64_t value)
{
    writer_put_be(writer, value, 8);
}

void zr_wire_write_id(zr_wire_writer_t *writer, int64_t value)
{
    writer_put_be(writer, (uint64_t) value, 8);
}

void zr_wire_write_bytes32(zr_wire_writer_t *writer, zr_wire_bytes_t bytes, size_t cap)
{
    zr_wire_writer_require(writer, bytes.size <= cap && bytes.size <= UINT32_MAX,
                           ZR_ENCODE_TOO_LARGE);
    zr_wire_writer_require(writer, bytes.data || bytes.size == 0, ZR_ENCODE_BAD_VALUE);
    zr_wire_write_u32(writer, (uint32_t) bytes.size);
    uint8_t *out = writer_take(writer, bytes.size);
    if (out && bytes.size)
        memcpy(out, bytes.data, bytes.size);
}

void zr_wire_writer_open(zr_wire_writer_t *writer, uint8_t *buf, size_t cap, size_t max, int type)
{
    *writer = (zr_wire_writer_t) { .buf = buf, .cap = buf ? cap : 0, .max = max, .len = 0,
                                   .status = ZR_ENCODE_OK };
    zr_wire_write_u8(writer, ZR_PROTO_VERSION);
    zr_wire_write_u8(writer, (uint8_t) type);
}

zr_encode_status_t zr_wire_writer_close(zr_wire_writer_t *writer, size_t *len)
{
    if (len)
        *len = writer->status == ZR_ENCODE_OK ? writer->len : 0;
    return writer->status;
}
