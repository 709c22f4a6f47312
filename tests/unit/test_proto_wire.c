/* test_proto_wire: the shared reader/writer: byte order, bounds, sticky failures,
 * counting mode, caps, type peeking, status names and drop counters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "proto/zr_wire.h"

static void integers_are_big_endian(void **state)
{
    uint8_t buf[32];
    zr_wire_writer_t writer;
    zr_wire_writer_open(&writer, buf, sizeof buf, SIZE_MAX, ZR_MSG_GOSSIP);
    zr_wire_write_u8(&writer, 0xAB);
    zr_wire_write_u16(&writer, 0x0102);
    zr_wire_write_u32(&writer, 0x03040506);
    zr_wire_write_u64(&writer, 0x0708090A0B0C0D0EULL);
    size_t len = 0;
    assert_int_equal(zr_wire_writer_close(&writer, &len), ZR_ENCODE_OK);
    const uint8_t expected[] = { ZR_PROTO_VERSION, 0x02, 0xAB, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
    assert_int_equal(len, sizeof expected);
    assert_memory_equal(buf, expected, sizeof expected);

    zr_wire_reader_t reader;
    zr_wire_reader_open(&reader, buf, len, ZR_MSG_GOSSIP);
    assert_int_equal(zr_wire_read_u8(&reader), 0xAB);
    assert_int_equal(zr_wire_read_u16(&reader), 0x0102);
    assert_int_equal(zr_wire_read_u32(&reader), 0x03040506);
    assert_true(zr_wire_read_u64(&reader) == 0x0708090A0B0C0D0EULL);
    assert_int_equal(zr_wire_reader_close(&reader), ZR_DECODE_OK);
}

static void reader_failure_sticks_and_reads_nothing(void **state)
{
    const uint8_t data[] = { ZR_PROTO_VERSION, ZR_MSG_ELECTION, 0xFF, 0xFF, 0xFF };
    zr_wire_reader_t reader;
    zr_wire_reader_open(&reader, data, sizeof data, ZR_MSG_ELECTION);
    assert_int_equal(zr_wire_read_u32(&reader), 0);       /* only 3 bytes left */
    assert_int_equal(reader.status, ZR_DECODE_TRUNCATED);
    assert_int_equal(zr_wire_read_u8(&reader), 0);        /* would fit, but failure sticks */
    assert_int_equal(reader.pos, 2);
    zr_wire_reader_require(&reader, false, ZR_DECODE_BAD_VALUE);
    assert_int_equal(zr_wire_reader_close(&reader), ZR_DECODE_TRUNCATED);
}

static void reader_checks_header_and_trailing(void **state)
{
    const uint8_t data[] = { ZR_PROTO_VERSION, ZR_MSG_WORKER_HELLO, 7 };
    zr_wire_reader_t reader;
    zr_wire_reader_open(&reader, data, 1, ZR_MSG_WORKER_HELLO);
    assert_int_equal(zr_wire_reader_close(&reader), ZR_DECODE_TRUNCATED);
    zr_wire_reader_open(&reader, NULL, 0, ZR_MSG_WORKER_HELLO);
    assert_int_equal(zr_wire_reader_close(&reader), ZR_DECODE_TRUNCATED);
    zr_wire_reader_open(&reader, data, sizeof data, ZR_MSG_ELECTION);
    assert_int_equal(zr_wire_reader_close(&reader), ZR_DECODE_BAD_TYPE);
    const uint8_t old[] = { 0, ZR_MSG_WORKER_HELLO };
    zr_wire_reader_open(&reader, old, sizeof old, ZR_MSG_WORKER_HELLO);
    assert_int_equal(zr_wire_reader_close(&reader), ZR_DECODE_BAD_VERSION);
    zr_wire_reader_open(&reader, data, sizeof data, ZR_MSG_WORKER_HELLO);
    assert_int_equal(zr_wire_reader_close(&reader), ZR_DECODE_TRAILING);
}

static void bytes_check_cap_before_remaining(void **state)
{
    uint8_t data[] = { ZR_PROTO_VERSION, ZR_MSG_WORK_REQUEST, 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o' };
    zr_wire_reader_t reader;
    zr_wire_reader_open(&reader, data, sizeof data, ZR_MSG_WORK_REQUEST);
    zr_wire_bytes_t bytes = zr_wire_read_bytes32(&reader, 5);
    assert_int_equal(zr_wire_reader_close(&reader), ZR_DECODE_OK);
    assert_int_equal(bytes.size, 5);
    assert_ptr_equal(bytes.data, (const char *) data + 6);

    zr_wire_reader_open(&reader, data, sizeof data, ZR_MSG_WORK_REQUEST);
    zr_wire_read_bytes32(&reader, 4);
    assert_int_equal(zr_wire_reader_close(&reader), ZR_DECODE_TOO_LARGE);

    data[2] = 0xFF;   /* length 0xFF000005: far beyond both the cap and the input */
    zr_wire_reader_open(&reader, data, sizeof data, ZR_MSG_WORK_REQUEST);
    bytes = zr_wire_read_bytes32(&reader, SIZE_MAX);
    assert_int_equal(zr_wire_reader_close(&reader), ZR_DECODE_TRUNCATED);
    assert_null(bytes.data);
    assert_int_equal(bytes.size, 0);
}

static void writer_refuses_overflow_and_oversize(void **state)
{
    uint8_t buf[8];
    size_t len = 99;
    zr_wire_writer_t writer;
    zr_wire_writer_open(&writer, buf, 5, SIZE_MAX, ZR_MSG_ELECTION);
    zr_wire_write_u32(&writer, 1);   /* 2 + 4 > 5 */
    zr_wire_write_u8(&writer, 1);    /* would fit, but failure sticks */
    assert_int_equal(zr_wire_writer_close(&writer, &len), ZR_ENCODE_NO_SPACE);
    assert_int_equal(len, 0);

    zr_wire_writer_open(&writer, buf, sizeof buf, 4, ZR_MSG_ELECTION);
    zr_wire_write_u32(&writer, 1);
    assert_int_equal(zr_wire_writer_close(&writer, &len), ZR_ENCODE_TOO_LARGE);

    zr_wire_writer_open(&writer, buf, sizeof buf, SIZE_MAX, ZR_MSG_ELECTION);
    zr_wire_write_bytes32(&writer, (zr_wire_bytes_t) { "abc", 3 }, 2);
    assert_int_equal(zr_wire_writer_close(&writer, &len), ZR_ENCODE_TOO_LARGE);

    zr_wire_writer_open(&writer, buf, sizeof buf, SIZE_MAX, ZR_MSG_ELECTION);
    zr_wire_write_bytes32(&writer, (zr_wire_bytes_t) { NULL, 3 }, 10);
    assert_int_equal(zr_wire_writer_close(&writer, &len), ZR_ENCODE_BAD_VALUE);
}

static void writer_without_buffer_only_counts(void **state)
{
    zr_wire_writer_t writer;
    size_t len = 0;
    zr_wire_writer_open(&writer, NULL, 0, SIZE_MAX, ZR_MSG_WORK_RESULT);
    zr_wire_write_u64(&writer, 1);
    zr_wire_write_bytes32(&writer, (zr_wire_bytes_t) { "abcdef", 6 }, 6);
    assert_int_equal(zr_wire_writer_close(&writer, &len), ZR_ENCODE_OK);
    assert_int_equal(len, 2 + 8 + 4 + 6);
    zr_wire_writer_close(&writer, NULL);   /* len is optional */
}

static void peek_names_and_counts(void **state)
{
    int type = 0;
    const uint8_t result[] = { ZR_PROTO_VERSION, ZR_MSG_WORK_RESULT };
    assert_int_equal(zr_wire_peek_type(result, sizeof result, &type), ZR_DECODE_OK);
    assert_int_equal(type, ZR_MSG_WORK_RESULT);
    const uint8_t unknown[] = { ZR_PROTO_VERSION, 0x7F };
    assert_int_equal(zr_wire_peek_type(unknown, sizeof unknown, &type), ZR_DECODE_BAD_TYPE);
    assert_int_equal(zr_wire_peek_type(unknown, 1, &type), ZR_DECODE_TRUNCATED);
    assert_string_equal(zr_msg_type_name(ZR_MSG_RECOVERY_ANSWER), "RECOVERY_ANSWER");
    assert_string_equal(zr_msg_type_name(0x7F), "UNKNOWN");

    assert_string_equal(zr_decode_status_name(ZR_DECODE_OK), "OK");
    assert_string_equal(zr_decode_status_name(ZR_DECODE_TOO_LARGE), "TOO_LARGE");
    assert_string_equal(zr_decode_status_name(ZR_DECODE_STATUS_COUNT), "UNKNOWN");
    assert_string_equal(zr_encode_status_name(ZR_ENCODE_NO_SPACE), "NO_SPACE");
    assert_string_equal(zr_encode_status_name((zr_encode_status_t) -1), "UNKNOWN");

    zr_decode_stats_t stats = { { 0 } };
    zr_decode_stats_add(&stats, ZR_DECODE_OK);
    zr_decode_stats_add(&stats, ZR_DECODE_TRAILING);
    zr_decode_stats_add(&stats, ZR_DECODE_BAD_TYPE);
    zr_decode_stats_add(&stats, (zr_decode_status_t) 99);
    assert_int_equal(stats.by_status[ZR_DECODE_OK], 1);
    assert_int_equal(zr_decode_stats_dropped(&stats), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integers_are_big_endian),
        cmocka_unit_test(reader_failure_sticks_and_reads_nothing),
        cmocka_unit_test(reader_checks_header_and_trailing),
        cmocka_unit_test(bytes_check_cap_before_remaining),
        cmocka_unit_test(writer_refuses_overflow_and_oversize),
        cmocka_unit_test(writer_without_buffer_only_counts),
        cmocka_unit_test(peek_names_and_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
