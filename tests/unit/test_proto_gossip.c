/* test_proto_gossip: gossip table round trips (empty, full), the datagram budget and
 * table splitting, and rejection of huge counts, duplicate ids and unknown flags. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "proto/zr_gossip_msg.h"

static zr_gossip_msg_t table(size_t count)
{
    zr_gossip_msg_t msg = { .sender_id = 4, .sender_seq = 1000, .count = count };
    for (size_t i = 0; i < count; i++)
        msg.entries[i] = (zr_gossip_msg_entry_t) { (int64_t) i * 3, UINT64_MAX - i,
                                                   i % 2 ? ZR_GOSSIP_ENTRY_FAILED : 0 };
    return msg;
}

static size_t encode(const zr_gossip_msg_t *msg, uint8_t *buf)
{
    size_t len = 0;
    assert_int_equal(zr_gossip_msg_encode(msg, buf, ZR_PROTO_UDP_MAX_PAYLOAD, &len),
                     ZR_ENCODE_OK);
    return len;
}

static void round_trip(const zr_gossip_msg_t *sent)
{
    uint8_t buf[ZR_PROTO_UDP_MAX_PAYLOAD];
    size_t len = encode(sent, buf);
    assert_int_equal(len, ZR_GOSSIP_MSG_HEADER_SIZE + sent->count * ZR_GOSSIP_MSG_ENTRY_SIZE);
    zr_gossip_msg_t got;
    memset(&got, 0xEE, sizeof got);
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_OK);
    assert_true(got.sender_id == sent->sender_id);
    assert_true(got.sender_seq == sent->sender_seq);
    assert_int_equal(got.count, sent->count);
    for (size_t i = 0; i < sent->count; i++) {
        assert_true(got.entries[i].server_id == sent->entries[i].server_id);
        assert_true(got.entries[i].heartbeat_seq == sent->entries[i].heartbeat_seq);
        assert_int_equal(got.entries[i].flags, sent->entries[i].flags);
    }
}

static void round_trips_empty_and_full_tables(void **state)
{
    zr_gossip_msg_t msg = table(0);
    round_trip(&msg);
    msg.sender_id = INT64_MAX;
    msg.sender_seq = UINT64_MAX;
    round_trip(&msg);
    msg = table(1);
    msg.entries[0] = (zr_gossip_msg_entry_t) { INT64_MAX, 0, ZR_GOSSIP_ENTRY_FAILED };
    round_trip(&msg);
    msg = table(ZR_GOSSIP_MSG_MAX_ENTRIES);
    round_trip(&msg);
}

static void layout_is_as_specified(void **state)
{
    zr_gossip_msg_t msg = { .sender_id = 2, .sender_seq = 0x0A0B, .count = 1 };
    msg.entries[0] = (zr_gossip_msg_entry_t) { 7, 0x0102, ZR_GOSSIP_ENTRY_FAILED };
    uint8_t buf[ZR_PROTO_UDP_MAX_PAYLOAD];
    const uint8_t expected[] = {
        1, 0x02, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0x0A, 0x0B, 0, 1,
        0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 1, 2, 1,
    };
    assert_int_equal(encode(&msg, buf), sizeof expected);
    assert_memory_equal(buf, expected, sizeof expected);
}

static void budget_says_how_many_entries_fit(void **state)
{
    assert_int_equal(ZR_GOSSIP_MSG_MAX_ENTRIES, 75);
    assert_int_equal(zr_gossip_msg_entries_fit(ZR_PROTO_UDP_MAX_PAYLOAD), 75);
    assert_int_equal(zr_gossip_msg_entries_fit(SIZE_MAX), 75);
    assert_int_equal(zr_gossip_msg_entries_fit(0), 0);
    assert_int_equal(zr_gossip_msg_entries_fit(ZR_GOSSIP_MSG_HEADER_SIZE - 1), 0);
    assert_int_equal(zr_gossip_msg_entries_fit(ZR_GOSSIP_MSG_HEADER_SIZE), 0);
    assert_int_equal(zr_gossip_msg_entries_fit(ZR_GOSSIP_MSG_HEADER_SIZE + 16), 0);
    assert_int_equal(zr_gossip_msg_entries_fit(ZR_GOSSIP_MSG_HEADER_SIZE + 17), 1);
    assert_int_equal(zr_gossip_msg_entries_fit(200), 10);
    /* whatever fits the budget really encodes within it */
    for (size_t budget = ZR_GOSSIP_MSG_HEADER_SIZE; budget <= ZR_PROTO_UDP_MAX_PAYLOAD;
         budget += 13) {
        zr_gossip_msg_t msg = table(zr_gossip_msg_entries_fit(budget));
        uint8_t buf[ZR_PROTO_UDP_MAX_PAYLOAD];
        size_t len = 0;
        assert_int_equal(zr_gossip_msg_encode(&msg, buf, budget, &len), ZR_ENCODE_OK);
        assert_true(len <= budget && budget - len < ZR_GOSSIP_MSG_ENTRY_SIZE);
    }
}

static void big_table_splits_into_datagrams(void **state)
{
    enum { ROWS = 200 };
    size_t per = zr_gossip_msg_entries_fit(ZR_PROTO_UDP_MAX_PAYLOAD), seen = 0, datagrams = 0;
    for (size_t first = 0; first < ROWS; first += per, datagrams++) {
        zr_gossip_msg_t part = { .sender_id = 1, .sender_seq = 5 };
        for (size_t i = first; i < ROWS && i < first + per; i++)
            part.entries[part.count++] = (zr_gossip_msg_entry_t) { (int64_t) i, i, 0 };
        uint8_t buf[ZR_PROTO_UDP_MAX_PAYLOAD];
        size_t len = encode(&part, buf);
        zr_gossip_msg_t got;
        assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_OK);
        for (size_t i = 0; i < got.count; i++)
            assert_int_equal(got.entries[i].server_id, (int64_t) (seen + i));
        seen += got.count;
    }
    assert_int_equal(seen, ROWS);
    assert_int_equal(datagrams, 3);
}

static void encoder_refuses_too_many_and_bad_rows(void **state)
{
    uint8_t buf[2 * ZR_PROTO_UDP_MAX_PAYLOAD];
    size_t len = 1;
    zr_gossip_msg_t msg = table(ZR_GOSSIP_MSG_MAX_ENTRIES);
    msg.count = ZR_GOSSIP_MSG_MAX_ENTRIES + 1;
    assert_int_equal(zr_gossip_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_TOO_LARGE);
    assert_int_equal(len, 0);
    msg.count = SIZE_MAX;
    assert_int_equal(zr_gossip_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_TOO_LARGE);
    msg = table(3);
    msg.entries[2].server_id = msg.entries[0].server_id;
    assert_int_equal(zr_gossip_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_BAD_VALUE);
    msg = table(3);
    msg.entries[1].flags = 0x02;
    assert_int_equal(zr_gossip_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_BAD_VALUE);
    msg = table(3);
    msg.entries[1].server_id = -5;
    assert_int_equal(zr_gossip_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_BAD_VALUE);
    msg = table(3);
    msg.sender_id = -1;
    assert_int_equal(zr_gossip_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_BAD_VALUE);
    msg = table(3);
    assert_int_equal(zr_gossip_msg_encode(&msg, buf, 20 + 2 * 17, &len), ZR_ENCODE_NO_SPACE);
}

/* Entry i starts at 20 + 17 * i; its flags byte is the last of its 17. */
static void decoder_rejects_huge_counts_and_bad_rows(void **state)
{
    uint8_t buf[ZR_PROTO_UDP_MAX_PAYLOAD];
    zr_gossip_msg_t msg = table(3), got;
    size_t len = encode(&msg, buf);
    buf[18] = 0xFF, buf[19] = 0xFF;   /* count 65535 */
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_TOO_LARGE);
    buf[18] = 0, buf[19] = ZR_GOSSIP_MSG_MAX_ENTRIES + 1;
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_TOO_LARGE);
    buf[19] = 4;   /* more rows announced than present */
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_TRUNCATED);
    buf[19] = 2;   /* fewer rows announced than present */
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_TRAILING);

    len = encode(&msg, buf);
    buf[20 + 17 + 16] = 0x03;   /* unknown flag bit */
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);
    len = encode(&msg, buf);
    memcpy(buf + 20 + 2 * 17, buf + 20, 8);   /* row 2 repeats row 0's id */
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);
    len = encode(&msg, buf);
    buf[20 + 17] = 0x80;        /* negative id */
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);
    len = encode(&msg, buf);
    buf[2] = 0x80;              /* negative sender */
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trips_empty_and_full_tables),
        cmocka_unit_test(layout_is_as_specified),
        cmocka_unit_test(budget_says_how_many_entries_fit),
        cmocka_unit_test(big_table_splits_into_datagrams),
        cmocka_unit_test(encoder_refuses_too_many_and_bad_rows),
        cmocka_unit_test(decoder_rejects_huge_counts_and_bad_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
