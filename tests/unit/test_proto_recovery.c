/* test_proto_recovery: the new leader's request and the follower's numbered answers:
 * empty answers, answers carrying a result, the last-message rule and bad numbering. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "proto/zr_recovery_msg.h"

static void request_round_trips_and_rejects_negative_leader(void **state)
{
    zr_recovery_request_msg_t cases[] = { { 0, 0 }, { INT64_MAX, UINT64_MAX }, { 3, 8 } };
    for (size_t i = 0; i < 3; i++) {
        uint8_t buf[ZR_RECOVERY_REQUEST_MSG_SIZE];
        size_t len = 0;
        assert_int_equal(zr_recovery_request_msg_encode(&cases[i], buf, sizeof buf, &len),
                         ZR_ENCODE_OK);
        assert_int_equal(len, ZR_RECOVERY_REQUEST_MSG_SIZE);
        zr_recovery_request_msg_t got;
        assert_int_equal(zr_recovery_request_msg_decode(buf, len, &got), ZR_DECODE_OK);
        assert_true(got.leader_id == cases[i].leader_id);
        assert_true(got.leader_epoch == cases[i].leader_epoch);
        buf[2] |= 0x80;
        assert_int_equal(zr_recovery_request_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);
    }
    size_t len;
    zr_recovery_request_msg_t bad = { -1, 1 };
    assert_int_equal(zr_recovery_request_msg_encode(&bad, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
}

static zr_recovery_answer_msg_t answer(uint32_t index, uint32_t total)
{
    zr_recovery_answer_msg_t msg = { .follower_id = 6, .leader_epoch = 8, .index = index,
                                     .total = total,
                                     .entry = total ? ZR_RECOVERY_RESULT : ZR_RECOVERY_NOTHING };
    msg.result = (zr_work_result_msg_t) {
        .request_id = 100 + index, .gateway_id = 0, .leader_id = 1, .leader_epoch = 7,
        .worker_id = 6, .status = ZR_JOB_COMPILE_ERROR, .http_status = 400,
        .compile_ms = 40, .run_ms = 0, .body = { "Code did not compile:\n", 22 },
        .out = { "", 0 }, .err = { "e", 1 },
    };
    return msg;
}

static size_t encode(const zr_recovery_answer_msg_t *msg, uint8_t *buf, size_t cap)
{
    size_t len = 0;
    assert_int_equal(zr_recovery_answer_msg_encode(msg, buf, cap, &len), ZR_ENCODE_OK);
    return len;
}

static void empty_answer_is_last_and_carries_nothing(void **state)
{
    uint8_t buf[256];
    zr_recovery_answer_msg_t msg = answer(0, 0), got;
    size_t len = encode(&msg, buf, sizeof buf);
    assert_int_equal(len, ZR_RECOVERY_ANSWER_MSG_FIXED_SIZE);
    const uint8_t expected[] = { ZR_PROTO_VERSION, 0x21, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 8,
                                 0, 0, 0, 0, 0, 0, 0, 0 };
    assert_memory_equal(buf, expected, sizeof expected);
    assert_int_equal(zr_recovery_answer_msg_decode(buf, len, &got), ZR_DECODE_OK);
    assert_false(zr_recovery_answer_has_result(&got));
    assert_true(zr_recovery_answer_is_last(&got));
    assert_true(got.follower_id == 6 && got.leader_epoch == 8);
    assert_int_equal(got.result.body.size, 0);
}

static void numbered_answers_carry_results(void **state)
{
    uint8_t buf[256];
    for (uint32_t index = 0; index < 3; index++) {
        zr_recovery_answer_msg_t msg = answer(index, 3), got;
        size_t len = encode(&msg, buf, sizeof buf);
        assert_int_equal(len, ZR_RECOVERY_ANSWER_MSG_FIXED_SIZE + 1 + ZR_WORK_RESULT_MSG_FIXED_SIZE - 2
                                  + 22 + 0 + 1);
        assert_int_equal(zr_recovery_answer_msg_decode(buf, len, &got), ZR_DECODE_OK);
        assert_true(zr_recovery_answer_has_result(&got));
        assert_int_equal(zr_recovery_answer_is_last(&got), index == 2);
        assert_int_equal(got.index, index);
        assert_int_equal(got.total, 3);
        assert_true(got.result.request_id == 100 + index && got.result.leader_epoch == 7);
        assert_int_equal(got.result.status, ZR_JOB_COMPILE_ERROR);
        assert_int_equal(got.result.body.size, 22);
        assert_memory_equal(got.result.body.data, "Code did not compile:\n", 22);
        assert_int_equal(buf[26], ZR_RECOVERY_RESULT);
        assert_ptr_equal(got.result.body.data, (const char *) buf + 27 + 55);
    }
    zr_recovery_answer_msg_t msg = answer(ZR_RECOVERY_MAX_RESULTS - 1, ZR_RECOVERY_MAX_RESULTS);
    zr_recovery_answer_msg_t got;
    size_t len = encode(&msg, buf, sizeof buf);
    assert_int_equal(zr_recovery_answer_msg_decode(buf, len, &got), ZR_DECODE_OK);
    assert_true(zr_recovery_answer_is_last(&got));
}

static void encoder_refuses_bad_numbering_and_bad_results(void **state)
{
    size_t len;
    const uint32_t bad[][2] = { { 1, 0 }, { 3, 3 }, { 4, 3 }, { UINT32_MAX, 1 } };
    for (size_t i = 0; i < 4; i++) {
        zr_recovery_answer_msg_t msg = answer(bad[i][0], bad[i][1]);
        assert_int_equal(zr_recovery_answer_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
    }
    zr_recovery_answer_msg_t msg = answer(0, ZR_RECOVERY_MAX_RESULTS + 1);
    assert_int_equal(zr_recovery_answer_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_TOO_LARGE);
    msg = answer(0, 1);
    msg.result.http_status = 0;
    assert_int_equal(zr_recovery_answer_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
    msg.total = 0;   /* nothing held, yet an entry */
    assert_int_equal(zr_recovery_answer_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
    msg.entry = ZR_RECOVERY_NOTHING;   /* the result is ignored when there is none */
    assert_int_equal(zr_recovery_answer_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_OK);
    msg = answer(0, 1);
    msg.entry = 3;
    assert_int_equal(zr_recovery_answer_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
    msg.entry = ZR_RECOVERY_RUNNING;
    msg.gateway_id = -1;
    assert_int_equal(zr_recovery_answer_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
    msg = answer(0, 1);
    msg.result.body.size = ZR_PROTO_MAX_BODY + 1;
    assert_int_equal(zr_recovery_answer_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_TOO_LARGE);
    msg = answer(0, 1);
    msg.follower_id = -2;
    assert_int_equal(zr_recovery_answer_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
}

static void put_u32(uint8_t *at, uint32_t value)
{
    for (int b = 0; b < 4; b++)
        at[b] = (uint8_t) (value >> (24 - 8 * b));
}

static void decoder_rejects_bad_numbering_and_stray_results(void **state)
{
    uint8_t buf[256];
    zr_recovery_answer_msg_t msg = answer(1, 2), got;
    size_t len = encode(&msg, buf, sizeof buf);
    put_u32(buf + 18, 2);   /* index == total */
    assert_int_equal(zr_recovery_answer_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);
    put_u32(buf + 18, 0);
    put_u32(buf + 22, ZR_RECOVERY_MAX_RESULTS + 1);
    assert_int_equal(zr_recovery_answer_msg_decode(buf, len, &got), ZR_DECODE_TOO_LARGE);
    put_u32(buf + 22, UINT32_MAX);
    assert_int_equal(zr_recovery_answer_msg_decode(buf, len, &got), ZR_DECODE_TOO_LARGE);
    put_u32(buf + 22, 0);   /* "nothing held", yet a result follows */
    assert_int_equal(zr_recovery_answer_msg_decode(buf, len, &got), ZR_DECODE_TRAILING);
    put_u32(buf + 22, 2);
    buf[26] = 3;   /* no such entry */
    assert_int_equal(zr_recovery_answer_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);
    buf[26] = ZR_RECOVERY_RESULT;
    buf[27] = ZR_JOB_INTERNAL + 1;   /* the embedded result's status */
    assert_int_equal(zr_recovery_answer_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);

    msg = answer(0, 0);
    len = encode(&msg, buf, sizeof buf);
    put_u32(buf + 18, 1);   /* index 1 of nothing */
    assert_int_equal(zr_recovery_answer_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);
    put_u32(buf + 18, 0);
    put_u32(buf + 22, 1);   /* one result announced, none there */
    assert_int_equal(zr_recovery_answer_msg_decode(buf, len, &got), ZR_DECODE_TRUNCATED);
}

static void running_entries_name_a_job(void **state)
{
    uint8_t buf[64];
    zr_recovery_answer_msg_t msg = { .follower_id = 6, .leader_epoch = 8, .index = 1, .total = 2,
                                     .entry = ZR_RECOVERY_RUNNING, .gateway_id = 3, .request_id = 0x0102 };
    size_t len = encode(&msg, buf, sizeof buf);
    assert_int_equal(len, ZR_RECOVERY_ANSWER_RUNNING_SIZE);
    const uint8_t expected[] = { ZR_PROTO_VERSION, 0x21, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 8,
                                 0, 0, 0, 1, 0, 0, 0, 2, ZR_RECOVERY_RUNNING, 0, 0, 0, 0, 0, 0, 0, 3,
                                 0, 0, 0, 0, 0, 0, 1, 2 };
    assert_memory_equal(buf, expected, sizeof expected);
    zr_recovery_answer_msg_t got;
    assert_int_equal(zr_recovery_answer_msg_decode(buf, len, &got), ZR_DECODE_OK);
    assert_false(zr_recovery_answer_has_result(&got));
    assert_true(zr_recovery_answer_is_last(&got));
    assert_int_equal(got.entry, ZR_RECOVERY_RUNNING);
    assert_true(got.gateway_id == 3 && got.request_id == 0x0102);
    buf[27] = 0x80;   /* a negative gateway id */
    assert_int_equal(zr_recovery_answer_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);
    buf[27] = 0;
    assert_int_equal(zr_recovery_answer_msg_decode(buf, len - 1, &got), ZR_DECODE_TRUNCATED);
}

static void largest_answer_is_the_tcp_message_cap(void **state)
{
    char *text = calloc(1, ZR_PROTO_MAX_BODY);
    assert_non_null(text);
    zr_recovery_answer_msg_t msg = answer(0, 1);
    msg.result.body = (zr_wire_bytes_t) { text, ZR_PROTO_MAX_BODY };
    msg.result.out = msg.result.err = (zr_wire_bytes_t) { text, ZR_PROTO_MAX_OUTPUT };
    size_t len = 0;
    assert_int_equal(zr_recovery_answer_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_OK);
    assert_int_equal(len, ZR_PROTO_MAX_TCP_MESSAGE);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_round_trips_and_rejects_negative_leader),
        cmocka_unit_test(empty_answer_is_last_and_carries_nothing),
        cmocka_unit_test(numbered_answers_carry_results),
        cmocka_unit_test(encoder_refuses_bad_numbering_and_bad_results),
        cmocka_unit_test(decoder_rejects_bad_numbering_and_stray_results),
        cmocka_unit_test(running_entries_name_a_job),
        cmocka_unit_test(largest_answer_is_the_tcp_message_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
