/* test_proto_election: election notification round trips (incarnation included), exact layout
 * and rejections (bad state, negative ids, short buffers). Generic truncation/fuzz: test_proto_malformed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "proto/zr_election_msg.h"

static void round_trip(const zr_election_msg_t *sent)
{
    uint8_t buf[ZR_ELECTION_MSG_SIZE];
    size_t len = 0;
    assert_int_equal(zr_election_msg_encode(sent, buf, sizeof buf, &len), ZR_ENCODE_OK);
    assert_int_equal(len, ZR_ELECTION_MSG_SIZE);
    zr_election_msg_t got;
    memset(&got, 0xEE, sizeof got);
    assert_int_equal(zr_election_msg_decode(buf, len, &got), ZR_DECODE_OK);
    assert_int_equal(got.state, sent->state);
    assert_true(got.sender_id == sent->sender_id);
    assert_true(got.incarnation == sent->incarnation);
    assert_true(got.round == sent->round);
    assert_true(got.leader_id == sent->leader_id);
    assert_true(got.leader_epoch == sent->leader_epoch);
}

static void round_trips_edge_values(void **state)
{
    for (int peer = ZR_PEER_LOOKING; peer <= ZR_PEER_OBSERVER; peer++) {
        round_trip(&(zr_election_msg_t) { (zr_peer_state_t) peer, 0, 0, 0, 0, 0 });
        round_trip(&(zr_election_msg_t) { (zr_peer_state_t) peer, INT64_MAX, UINT64_MAX, UINT64_MAX,
                                          INT64_MAX, UINT64_MAX });
        round_trip(&(zr_election_msg_t) { (zr_peer_state_t) peer, 3, 1767225600000, 17, 7, 2 });
    }
}

static void layout_is_as_specified(void **state)
{
    zr_election_msg_t msg = { ZR_PEER_FOLLOWING, 0x0102030405060708LL, 0x4142434445464748ULL,
                              0x1112131415161718ULL, 0x2122232425262728LL, 0x3132333435363738ULL };
    uint8_t buf[64];
    size_t len = 0;
    assert_int_equal(zr_election_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_OK);
    const uint8_t expected[ZR_ELECTION_MSG_SIZE] = {
        2, 0x01, 1,
        1, 2, 3, 4, 5, 6, 7, 8,
        0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
        0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
        0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
        0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38,
    };
    assert_int_equal(len, sizeof expected);
    assert_memory_equal(buf, expected, sizeof expected);
}

static uint8_t *valid(uint8_t *buf)
{
    zr_election_msg_t msg = { ZR_PEER_LEADING, 5, 77, 9, 5, 3 };
    size_t len = 0;
    assert_int_equal(zr_election_msg_encode(&msg, buf, ZR_ELECTION_MSG_SIZE, &len), ZR_ENCODE_OK);
    return buf;
}

static void decoder_rejects_bad_fields(void **state)
{
    uint8_t buf[ZR_ELECTION_MSG_SIZE];
    zr_election_msg_t got;
    valid(buf)[2] = 4;   /* state beyond OBSERVER */
    assert_int_equal(zr_election_msg_decode(buf, sizeof buf, &got), ZR_DECODE_BAD_VALUE);
    valid(buf)[2] = 0xFF;
    assert_int_equal(zr_election_msg_decode(buf, sizeof buf, &got), ZR_DECODE_BAD_VALUE);
    valid(buf)[3] = 0x80;   /* sender id >= 2^63 */
    assert_int_equal(zr_election_msg_decode(buf, sizeof buf, &got), ZR_DECODE_BAD_VALUE);
    valid(buf)[27] = 0x80;  /* proposed leader id >= 2^63 */
    assert_int_equal(zr_election_msg_decode(buf, sizeof buf, &got), ZR_DECODE_BAD_VALUE);
    valid(buf)[35] = 0xFF;  /* epochs, rounds and incarnations use all 64 bits */
    buf[19] = 0xFF;
    buf[11] = 0xFF;
    assert_int_equal(zr_election_msg_decode(buf, sizeof buf, &got), ZR_DECODE_OK);
}

static void encoder_refuses_bad_fields_and_small_buffers(void **state)
{
    uint8_t buf[ZR_ELECTION_MSG_SIZE];
    size_t len = 1;
    zr_election_msg_t msg = { (zr_peer_state_t) 4, 1, 1, 1, 1, 1 };
    assert_int_equal(zr_election_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_BAD_VALUE);
    assert_int_equal(len, 0);
    msg = (zr_election_msg_t) { ZR_PEER_LOOKING, -1, 1, 1, 1, 1 };
    assert_int_equal(zr_election_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_BAD_VALUE);
    msg = (zr_election_msg_t) { ZR_PEER_LOOKING, 1, 1, 1, INT64_MIN, 1 };
    assert_int_equal(zr_election_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_BAD_VALUE);
    msg.leader_id = 2;
    assert_int_equal(zr_election_msg_encode(&msg, buf, sizeof buf - 1, &len), ZR_ENCODE_NO_SPACE);
    assert_int_equal(zr_election_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_OK);
    assert_int_equal(len, ZR_ELECTION_MSG_SIZE);
}

static void states_have_names(void **state)
{
    assert_string_equal(zr_peer_state_name(ZR_PEER_LOOKING), "LOOKING");
    assert_string_equal(zr_peer_state_name(ZR_PEER_FOLLOWING), "FOLLOWING");
    assert_string_equal(zr_peer_state_name(ZR_PEER_LEADING), "LEADING");
    assert_string_equal(zr_peer_state_name(ZR_PEER_OBSERVER), "OBSERVER");
    assert_string_equal(zr_peer_state_name((zr_peer_state_t) 9), "UNKNOWN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trips_edge_values),
        cmocka_unit_test(layout_is_as_specified),
        cmocka_unit_test(decoder_rejects_bad_fields),
        cmocka_unit_test(encoder_refuses_bad_fields_and_small_buffers),
        cmocka_unit_test(states_have_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
