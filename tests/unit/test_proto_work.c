/* test_proto_work: work request, work result, worker hello and work ack: round trips with empty
 * and maximal texts, caps on both sides, reserved flags, enum ranges and the job status names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "proto/zr_work_request_msg.h"
#include "proto/zr_work_result_msg.h"
#include "proto/zr_worker_hello_msg.h"
#include "proto/zr_work_ack_msg.h"

static uint8_t *encoded;   /* scratch buffer big enough for the largest message */
static size_t encoded_cap;
static char *filler;       /* ZR_PROTO_MAX_BODY + 1 bytes of text */

static int setup(void **state)
{
    encoded_cap = ZR_WORK_RESULT_MSG_FIXED_SIZE + ZR_PROTO_MAX_BODY + 2 * ZR_PROTO_MAX_OUTPUT;
    encoded = malloc(encoded_cap);
    filler = malloc(ZR_PROTO_MAX_BODY + 1);
    for (size_t i = 0; i <= ZR_PROTO_MAX_BODY; i++)
        filler[i] = (char) ('a' + i % 26);
    return encoded && filler ? 0 : -1;
}

static int teardown(void **state)
{
    free(encoded);
    free(filler);
    return 0;
}

static zr_wire_bytes_t text(size_t size)
{
    return (zr_wire_bytes_t) { filler, size };
}

static void assert_bytes_equal(zr_wire_bytes_t got, zr_wire_bytes_t want)
{
    assert_int_equal(got.size, want.size);
    if (want.size)
        assert_memory_equal(got.data, want.data, want.size);
}

/* ---- work request ---------------------------------------------------------------- */

static zr_work_request_msg_t request(size_t source_size)
{
    return (zr_work_request_msg_t) { 0, 42, 0, 3, 7, text(source_size) };
}

static void request_round_trip(const zr_work_request_msg_t *sent)
{
    size_t len = 0, counted = 0;
    assert_int_equal(zr_work_request_msg_encode(sent, encoded, encoded_cap, &len), ZR_ENCODE_OK);
    assert_int_equal(len, ZR_WORK_REQUEST_MSG_FIXED_SIZE + sent->source.size);
    assert_int_equal(zr_work_request_msg_encode(sent, NULL, 0, &counted), ZR_ENCODE_OK);
    assert_int_equal(counted, len);
    zr_work_request_msg_t got;
    assert_int_equal(zr_work_request_msg_decode(encoded, len, &got), ZR_DECODE_OK);
    assert_int_equal(got.flags, sent->flags);
    assert_true(got.request_id == sent->request_id && got.gateway_id == sent->gateway_id);
    assert_true(got.leader_id == sent->leader_id && got.leader_epoch == sent->leader_epoch);
    assert_bytes_equal(got.source, sent->source);
    assert_ptr_equal(got.source.data, (const char *) encoded + ZR_WORK_REQUEST_MSG_FIXED_SIZE);
}

static void request_round_trips_edge_values(void **state)
{
    zr_work_request_msg_t msg = request(0);
    request_round_trip(&msg);
    msg.source = (zr_wire_bytes_t) { NULL, 0 };
    request_round_trip(&msg);
    msg = (zr_work_request_msg_t) { 0, UINT64_MAX, INT64_MAX, INT64_MAX, UINT64_MAX, text(1) };
    request_round_trip(&msg);
    msg.source = text(ZR_PROTO_MAX_SOURCE);
    request_round_trip(&msg);
}

static void request_layout_is_as_specified(void **state)
{
    zr_work_request_msg_t msg = { 0, 0x0102, 1, 2, 0x0304, { "ab", 2 } };
    size_t len = 0;
    assert_int_equal(zr_work_request_msg_encode(&msg, encoded, encoded_cap, &len), ZR_ENCODE_OK);
    const uint8_t expected[] = {
        ZR_PROTO_VERSION, 0x10, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2,
        0, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 2, 'a', 'b',
    };
    assert_int_equal(len, sizeof expected);
    assert_memory_equal(encoded, expected, sizeof expected);
}

static void request_refuses_oversize_flags_and_negative_ids(void **state)
{
    size_t len = 1;
    zr_work_request_msg_t msg = request(ZR_PROTO_MAX_SOURCE + 1);
    assert_int_equal(zr_work_request_msg_encode(&msg, encoded, encoded_cap, &len),
                     ZR_ENCODE_TOO_LARGE);
    assert_int_equal(len, 0);
    msg = request(10);
    msg.flags = 0x01;
    assert_int_equal(zr_work_request_msg_encode(&msg, encoded, encoded_cap, &len),
                     ZR_ENCODE_BAD_VALUE);
    msg = request(10);
    msg.gateway_id = -1;
    assert_int_equal(zr_work_request_msg_encode(&msg, encoded, encoded_cap, &len),
                     ZR_ENCODE_BAD_VALUE);
    msg = request(10);
    msg.source.data = NULL;
    assert_int_equal(zr_work_request_msg_encode(&msg, encoded, encoded_cap, &len),
                     ZR_ENCODE_BAD_VALUE);
    msg = request(10);
    assert_int_equal(zr_work_request_msg_encode(&msg, encoded, 48, &len), ZR_ENCODE_NO_SPACE);

    zr_work_request_msg_t got;
    msg = request(10);
    assert_int_equal(zr_work_request_msg_encode(&msg, encoded, encoded_cap, &len), ZR_ENCODE_OK);
    for (uint8_t flags = 1; flags; flags <<= 1) {
        encoded[2] = flags;
        assert_int_equal(zr_work_request_msg_decode(encoded, len, &got), ZR_DECODE_BAD_VALUE);
    }
    encoded[2] = 0;
    encoded[19] = 0x80;   /* leader id >= 2^63 */
    assert_int_equal(zr_work_request_msg_decode(encoded, len, &got), ZR_DECODE_BAD_VALUE);
    encoded[19] = 0;
    const uint32_t lengths[] = { ZR_PROTO_MAX_SOURCE + 1, UINT32_MAX };
    for (size_t i = 0; i < 2; i++) {   /* the cap is checked before what remains */
        for (int b = 0; b < 4; b++)
            encoded[35 + b] = (uint8_t) (lengths[i] >> (24 - 8 * b));
        assert_int_equal(zr_work_request_msg_decode(encoded, len, &got), ZR_DECODE_TOO_LARGE);
    }
}

/* ---- work result ----------------------------------------------------------------- */

static zr_work_result_msg_t result(size_t body, size_t out, size_t err)
{
    return (zr_work_result_msg_t) {
        .request_id = 9, .gateway_id = 0, .leader_id = 2, .leader_epoch = 5, .worker_id = 4,
        .status = ZR_JOB_OK, .http_status = 200, .compile_ms = 12, .run_ms = 3,
        .body = text(body), .out = text(out), .err = text(err),
    };
}

static void result_round_trip(const zr_work_result_msg_t *sent)
{
    size_t len = 0;
    assert_int_equal(zr_work_result_msg_encode(sent, encoded, encoded_cap, &len), ZR_ENCODE_OK);
    assert_int_equal(len, ZR_WORK_RESULT_MSG_FIXED_SIZE + sent->body.size + sent->out.size
                              + sent->err.size);
    zr_work_result_msg_t got;
    assert_int_equal(zr_work_result_msg_decode(encoded, len, &got), ZR_DECODE_OK);
    assert_true(got.request_id == sent->request_id && got.gateway_id == sent->gateway_id);
    assert_true(got.leader_id == sent->leader_id && got.leader_epoch == sent->leader_epoch);
    assert_true(got.worker_id == sent->worker_id);
    assert_int_equal(got.status, sent->status);
    assert_int_equal(got.http_status, sent->http_status);
    assert_int_equal(got.compile_ms, sent->compile_ms);
    assert_int_equal(got.run_ms, sent->run_ms);
    assert_bytes_equal(got.body, sent->body);
    assert_bytes_equal(got.out, sent->out);
    assert_bytes_equal(got.err, sent->err);
}

static void result_round_trips_edge_values(void **state)
{
    zr_work_result_msg_t msg = result(0, 0, 0);
    result_round_trip(&msg);
    for (int status = ZR_JOB_OK; status <= ZR_JOB_INTERNAL; status++) {
        msg = result(5, 6, 7);
        msg.status = (zr_job_status_t) status;
        msg.http_status = status == ZR_JOB_OK ? 100 : 599;
        result_round_trip(&msg);
    }
    msg = (zr_work_result_msg_t) { UINT64_MAX, INT64_MAX, INT64_MAX, UINT64_MAX, INT64_MAX,
                                   ZR_JOB_INTERNAL, 503, UINT32_MAX, UINT32_MAX,
                                   text(ZR_PROTO_MAX_BODY), text(ZR_PROTO_MAX_OUTPUT),
                                   text(ZR_PROTO_MAX_OUTPUT) };
    result_round_trip(&msg);
}

static void result_refuses_oversize_texts_and_bad_values(void **state)
{
    size_t len;
    zr_work_result_msg_t bad[] = {
        result(ZR_PROTO_MAX_BODY + 1, 0, 0), result(0, ZR_PROTO_MAX_OUTPUT + 1, 0),
        result(0, 0, ZR_PROTO_MAX_OUTPUT + 1),
    };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(zr_work_result_msg_encode(&bad[i], NULL, 0, &len), ZR_ENCODE_TOO_LARGE);
    zr_work_result_msg_t msg = result(1, 1, 1);
    msg.status = (zr_job_status_t) (ZR_JOB_INTERNAL + 1);
    assert_int_equal(zr_work_result_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
    msg = result(1, 1, 1);
    msg.http_status = 99;
    assert_int_equal(zr_work_result_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
    msg.http_status = 600;
    assert_int_equal(zr_work_result_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
    msg = result(1, 1, 1);
    msg.worker_id = -3;
    assert_int_equal(zr_work_result_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
}

/* Offsets from PROTOCOL.md: status 2, http 3..4, worker 37, body length 53. */
static void result_decoder_rejects_bad_values(void **state)
{
    zr_work_result_msg_t msg = result(3, 2, 1), got;
    size_t len = 0;
    const struct { size_t offset; uint8_t value; zr_decode_status_t want; } cases[] = {
        { 2, ZR_JOB_INTERNAL + 1, ZR_DECODE_BAD_VALUE }, { 2, 0xFF, ZR_DECODE_BAD_VALUE },
        { 3, 0x02, ZR_DECODE_BAD_VALUE },   /* http 0x02C8 = 712 */
        { 4, 0x00, ZR_DECODE_BAD_VALUE },   /* http 0 */
        { 37, 0x80, ZR_DECODE_BAD_VALUE },  /* negative worker */
        { 53, 0x01, ZR_DECODE_TOO_LARGE },  /* body length 16 MiB + 3 */
        { 57 + 3 + 3, 0x09, ZR_DECODE_TRUNCATED },   /* stdout length 9: not there */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(zr_work_result_msg_encode(&msg, encoded, encoded_cap, &len),
                         ZR_ENCODE_OK);
        encoded[cases[i].offset] = cases[i].value;
        assert_int_equal(zr_work_result_msg_decode(encoded, len, &got), cases[i].want);
    }
}

static void job_status_names_and_http_codes(void **state)
{
    static const char *const names[] = { "OK", "COMPILE_ERROR", "RUNTIME_ERROR", "LIMIT", "INTERNAL" };
    static const int http[] = { 200, 400, 400, 400, 500 };
    for (int status = ZR_JOB_OK; status <= ZR_JOB_INTERNAL; status++) {
        assert_string_equal(zr_job_status_name((zr_job_status_t) status), names[status]);
        assert_int_equal(zr_job_status_http((zr_job_status_t) status), http[status]);
    }
    assert_string_equal(zr_job_status_name((zr_job_status_t) 99), "INTERNAL");
}

/* ---- worker hello ---------------------------------------------------------------- */

static void hello_round_trips_and_rejects(void **state)
{
    zr_worker_hello_msg_t cases[] = { { 0, 0, 0, 1 }, { INT64_MAX, INT64_MAX, UINT64_MAX, 65535 } };
    for (size_t i = 0; i < 2; i++) {
        size_t len = 0;
        uint8_t buf[ZR_WORKER_HELLO_MSG_SIZE];
        assert_int_equal(zr_worker_hello_msg_encode(&cases[i], buf, sizeof buf, &len),
                         ZR_ENCODE_OK);
        assert_int_equal(len, ZR_WORKER_HELLO_MSG_SIZE);
        zr_worker_hello_msg_t got;
        assert_int_equal(zr_worker_hello_msg_decode(buf, len, &got), ZR_DECODE_OK);
        assert_true(got.worker_id == cases[i].worker_id && got.leader_id == cases[i].leader_id);
        assert_true(got.leader_epoch == cases[i].leader_epoch && got.slots == cases[i].slots);
        buf[26] = 0, buf[27] = 0;   /* zero slots */
        assert_int_equal(zr_worker_hello_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);
    }
    size_t len;
    zr_worker_hello_msg_t bad = { 1, 1, 1, 0 };
    assert_int_equal(zr_worker_hello_msg_encode(&bad, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
    bad = (zr_worker_hello_msg_t) { -1, 1, 1, 1 };
    assert_int_equal(zr_worker_hello_msg_encode(&bad, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
}

/* ---- work ack ------------------------------------------------------------------- */

static void ack_layout_round_trip_and_limits(void **state)
{
    static zr_work_ack_msg_t msg, got;
    msg = (zr_work_ack_msg_t) { .leader_id = 4, .leader_epoch = 0x0102, .count = 2 };
    msg.jobs[0] = (zr_work_ack_job_t) { 0, 7 };
    msg.jobs[1] = (zr_work_ack_job_t) { 9, UINT64_MAX };
    uint8_t buf[ZR_WORK_ACK_MSG_FIXED_SIZE + ZR_WORK_ACK_MAX_JOBS * ZR_WORK_ACK_JOB_SIZE];
    size_t len = 0;
    assert_int_equal(zr_work_ack_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_OK);
    assert_int_equal(len, ZR_WORK_ACK_MSG_FIXED_SIZE + 2 * ZR_WORK_ACK_JOB_SIZE);
    const uint8_t head[] = { ZR_PROTO_VERSION, 0x13, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 1, 2, 0, 2,
                             0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7 };
    assert_memory_equal(buf, head, sizeof head);
    assert_int_equal(zr_work_ack_msg_decode(buf, len, &got), ZR_DECODE_OK);
    assert_true(got.leader_id == 4 && got.leader_epoch == 0x0102 && got.count == 2);
    assert_true(got.jobs[1].gateway_id == 9 && got.jobs[1].request_id == UINT64_MAX);
    assert_int_equal(zr_work_ack_msg_decode(buf, len - 1, &got), ZR_DECODE_TRUNCATED);
    buf[36] = 0x80;   /* the second job's gateway id goes negative */
    assert_int_equal(zr_work_ack_msg_decode(buf, len, &got), ZR_DECODE_BAD_VALUE);
    buf[18] = 0xFF;   /* a count above the cap */
    assert_int_equal(zr_work_ack_msg_decode(buf, len, &got), ZR_DECODE_TOO_LARGE);
    msg.count = 0;    /* an ack of nothing */
    assert_int_equal(zr_work_ack_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
    msg.count = ZR_WORK_ACK_MAX_JOBS + 1;
    assert_int_equal(zr_work_ack_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_TOO_LARGE);
    msg.count = ZR_WORK_ACK_MAX_JOBS;
    assert_int_equal(zr_work_ack_msg_encode(&msg, buf, sizeof buf, &len), ZR_ENCODE_OK);
    assert_int_equal(len, sizeof buf);
    msg.leader_id = -1;
    assert_int_equal(zr_work_ack_msg_encode(&msg, NULL, 0, &len), ZR_ENCODE_BAD_VALUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_round_trips_edge_values),
        cmocka_unit_test(request_layout_is_as_specified),
        cmocka_unit_test(request_refuses_oversize_flags_and_negative_ids),
        cmocka_unit_test(result_round_trips_edge_values),
        cmocka_unit_test(result_refuses_oversize_texts_and_bad_values),
        cmocka_unit_test(result_decoder_rejects_bad_values),
        cmocka_unit_test(job_status_names_and_http_codes),
        cmocka_unit_test(hello_round_trips_and_rejects),
        cmocka_unit_test(ack_layout_round_trip_and_limits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
