/* test_proto_gossip: gossip table round trips (empty, full; incarnations and the sender's view),
 * the datagram budget and table splitting, and rejection of huge counts, duplicate ids, bad flags. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "proto/zr_gossip_msg.h"

static zr_gossip_msg_t table(size_t count)
{
    zr_gossip_msg_t msg = { .sender_id = 4, .sender_incarnation = 9, .sender_seq = 1000,
                            .view = { ZR_GOSSIP_VIEW_LEADER, 7, 3, 1, 2, 99 }, .count = count };
    for (size_t i = 0; i < count; i++)
        msg.entries[i] = (zr_gossip_msg_entry_t) { (int64_t) i * 3, 100 + i, UINT64_MAX - i,
                                                   (uint8_t) (i % 3) };
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
    assert_true(got.sender_incarnation == sent->sender_incarnation);
    assert_true(got.sender_seq == sent->sender_seq);
    assert_int_equal(got.view.flags, sent->view.flags);   /* field by field: the struct has padding */
    assert_true(got.view.leader_id == sent->view.leader_id && got.view.epoch == sent->view.epoch);
    assert_true(got.view.jvms_busy == sent->view.jvms_busy && got.view.jvms_total == sent->view.jvms_total);
    assert_true(got.view.jobs_done == sent->view.jobs_done);
    assert_int_equal(got.count, sent->count);
    for (size_t i = 0; i < sent->count; i++) {
        assert_true(got.entries[i].server_id == sent->entries[i].server_id);
        assert_true(got.entries[i].incarnation == sent->entries[i].incarnation);
        assert_true(got.entries[i].heartbeat_seq == sent->entries[i].heartbeat_seq);
        assert_int_equal(got.entries[i].flags, sent->entries[i].flags);
    }
}

static void round_trips_empty_and_full_tables(void **state)
{
    zr_gossip_msg_t msg = table(0);
    round_trip(&msg);
    msg.sender_id = INT64_MAX;
    msg.sender_incarnation = UINT64_MAX;
    msg.sender_seq = UINT64_MAX;
    msg.view = (zr_gossip_view_t) { ZR_GOSSIP_VIEW_FLAGS, INT64_MAX, UINT64_MAX, 65535, 65535, UINT64_MAX };
    round_trip(&msg);
    msg = table(1);
    msg.entries[0] = (zr_gossip_msg_entry_t) { INT64_MAX, UINT64_MAX, 0, ZR_GOSSIP_ENTRY_FLAGS };
    round_trip(&msg);
    msg = table(ZR_GOSSIP_MSG_MAX_ENTRIES);
    round_trip(&msg);
}

static void layout_is_as_specified(void **state)
{
    zr_gossip_msg_t msg = { .sender_id = 2, .sender_incarnation = 0x0C0D, .sender_seq = 0x0A0B,
                            .view = { ZR_GOSSIP_VIEW_LEADER | ZR_GOSSIP_VIEW_READY, 5, 0x0E, 0x0102, 0x0304,
                                      0x05060708 },
                            .count = 1 };
    msg.entries[0] = (zr_gossip_msg_entry_t) { 7, 0x0F10, 0x0102, ZR_GOSSIP_ENTRY_SUSPECT };
    uint8_t buf[ZR_PROTO_UDP_MAX_PAYLOAD];
    const uint8_t expected[] = {
        2, 0x02, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0x0C, 0x0D, 0, 0, 0, 0, 0, 0, 0x0A, 0x0B,
        0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0x0E, 3, 1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 8, 0, 1,
        0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0x0F, 0x10, 0, 0, 0, 0, 0, 0, 1, 2, 2,
    };
    assert_int_equal(encode(&msg, buf), sizeof expected);
    assert_memory_equal(buf, expected, sizeof expected);
}

static void budget_says_how_many_entries_fit(void **state)
{
    assert_int_equal(ZR_GOSSIP_MSG_MAX_ENTRIES, 49);
    assert_int_equal(zr_gossip_msg_entries_fit(ZR_PROTO_UDP_MAX_PAYLOAD), 49);
    assert_int_equal(zr_gossip_msg_entries_fit(SIZE_MAX), 49);
    assert_int_equal(zr_gossip_msg_entries_fit(0), 0);
    assert_int_equal(zr_gossip_msg_entries_fit(ZR_GOSSIP_MSG_HEADER_SIZE - 1), 0);
    assert_int_equal(zr_gossip_msg_entries_fit(ZR_GOSSIP_MSG_HEADER_SIZE), 0);
    assert_int_equal(zr_gossip_msg_entries_fit(ZR_GOSSIP_MSG_HEADER_SIZE + 24), 0);
    assert_int_equal(zr_gossip_msg_entries_fit(ZR_GOSSIP_MSG_HEADER_SIZE + 25), 1);
    assert_int_equal(zr_gossip_msg_entries_fit(200), 5);
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
            part.entries[part.count++] = (zr_gossip_msg_entry_t) { (int64_t) i, 1, i, 0 };
        uint8_t buf[ZR_PROTO_UDP_MAX_PAYLOAD];
        size_t len = encode(&part, buf);
        zr_gossip_msg_t got;
        assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_OK);
        for (size_t i = 0; i < got.count; i++)
            assert_int_equal(got.entries[i].server_id, (int64_t) (seen + i));
        seen += got.count;
    }
    assert_int_equal(seen, ROWS);
    assert_int_equal(datagrams, 5);
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
    msg.entries[1].flags = 0x04;
    assert_int_equal(zr_gossip_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_BAD_VALUE);
    msg = table(3);
    msg.view.flags = 0x04;
    assert_int_equal(zr_gossip_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_BAD_VALUE);
    msg = table(3);
    msg.view.leader_id = -2;
    assert_int_equal(zr_gossip_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_BAD_VALUE);
    msg = table(3);
    msg.entries[1].server_id = -5;
    assert_int_equal(zr_gossip_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_BAD_VALUE);
    msg = table(3);
    msg.sender_id = -1;
    assert_int_equal(zr_gossip_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_BAD_VALUE);
    msg = table(3);
    assert_int_equal(zr_gossip_msg_encode(&msg, buf, 57 + 2 * 25, &len), ZR_ENCODE_NO_SPACE);
}

/* The count is at 55; entry i starts at 57 + 25 * i; its flags byte is the last of its 25. */
static void decoder_rejects_huge_counts_and_bad_rows(void **state)
{
    uint8_t buf[ZR_PROTO_UDP_MAX_PAYLOAD];
    zr_gossip_msg_t msg = table(3), got;
    size_t len = encode(&msg, buf);
    buf[55] = 0xFF, buf[56] = 0xFF;   /* count 65535 */
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_TOO_LARGE);
    buf[55] = 0, buf[56] = ZR_GOSSIP_MSG_MAX_ENTRIES + 1;
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_TOO_LARGE);
    buf[56] = 4;   /* more rows announced than present */
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_TRUNCATED);
    buf[56] = 2;   /* fewer rows announced than present */
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_TRAILING);

    len = encode(&msg, buf);
    buf[57 + 25 + 24] = 0x07;   /* unknown flag bit */
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);
    len = encode(&msg, buf);
    buf[42] = 0x80;             /* unknown view flag */
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);
    len = encode(&msg, buf);
    memcpy(buf + 57 + 2 * 25, buf + 57, 8);   /* row 2 repeats row 0's id */
    assert_int_equal(zr_gossip_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);
    len = encode(&msg, buf);
    buf[57 + 25] = 0x80;        /* negative id */
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
