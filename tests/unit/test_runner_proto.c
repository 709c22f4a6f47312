/* test_runner_proto: the pool <-> runner JVM framing: job headers, reply parsing, and replies a
 * broken or hostile JVM might send (short, oversized, lying lengths, unknown kinds). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "runtime/runner/zr_runner_proto.h"

typedef struct {
    uint8_t data[512];
    size_t len;
} frame_t;

static void put(frame_t *f, const void *bytes, size_t n)
{
    memcpy(f->data + f->len, bytes, n);
    f->len += n;
}

static void put_u32(frame_t *f, uint32_t v)
{
    uint8_t b[4] = { (uint8_t) (v >> 24), (uint8_t) (v >> 16), (uint8_t) (v >> 8), (uint8_t) v };
    put(f, b, 4);
}

static void put_text(frame_t *f, const char *text)
{
    put_u32(f, (uint32_t) strlen(text));
    put(f, text, strlen(text));
}

/* A DONE frame as Runner.java writes it; `status` and the texts vary per test. */
static frame_t done_frame(uint64_t id, uint8_t status, const char *body, const char *out, const char *err)
{
    frame_t payload = { .len = 0 }, frame = { .len = 0 };
    uint8_t head[] = { 'D' };
    put(&payload, head, 1);
    put_u32(&payload, (uint32_t) (id >> 32));
    put_u32(&payload, (uint32_t) id);
    uint8_t status_flags[] = { status, ZR_RUNNER_FLAG_RECYCLE };
    put(&payload, status_flags, 2);
    put_u32(&payload, 12);
    put_u32(&payload, 34);
    put_text(&payload, body);
    put_text(&payload, out);
    put_text(&payload, err);
    put_u32(&frame, (uint32_t) payload.len);
    put(&frame, payload.data, payload.len);
    return frame;
}

static void job_header_is_length_then_id(void **state)
{
    uint8_t header[ZR_RUNNER_JOB_HEADER];
    assert_int_equal(zr_runner_proto_job_header(header, 0x0102030405060708ULL, 100), 0);
    uint8_t expected[] = { 0, 0, 0, 108, 1, 2, 3, 4, 5, 6, 7, 8 };
    assert_memory_equal(header, expected, sizeof expected);
    assert_int_equal(zr_runner_proto_job_header(header, 1, (size_t) UINT32_MAX), -1);
}

static void ready_and_done_frames_parse(void **state)
{
    zr_runner_reply_t reply;
    uint8_t ready[] = { 0, 0, 0, 5, 'R', 0, 0, 3, 0xe8 };
    assert_int_equal(zr_runner_proto_parse(ready, sizeof ready, 1024, &reply), ZR_RUNNER_REPLY_READY);
    assert_int_equal(reply.warmup_ms, 1000);
    assert_int_equal(reply.frame_size, sizeof ready);

    frame_t f = done_frame(0x1122334455667788ULL, 2, "body", "out", "");
    assert_int_equal(zr_runner_proto_parse(f.data, f.len, 1024, &reply), ZR_RUNNER_REPLY_DONE);
    assert_true(reply.job_id == 0x1122334455667788ULL);
    assert_int_equal(reply.status, 2);
    assert_int_equal(reply.flags, ZR_RUNNER_FLAG_RECYCLE);
    assert_int_equal(reply.compile_ms, 12);
    assert_int_equal(reply.run_ms, 34);
    assert_int_equal(reply.body_len, 4);
    assert_memory_equal(reply.body, "body", 4);
    assert_int_equal(reply.out_len, 3);
    assert_int_equal(reply.err_len, 0);
    assert_int_equal(reply.frame_size, f.len);
}

static void every_prefix_is_partial(void **state)
{
    frame_t f = done_frame(9, 0, "Hello, world!", "printed\n", "warned\n");
    zr_runner_reply_t reply;
    for (size_t len = 0; len < f.len; len++)
        assert_int_equal(zr_runner_proto_parse(f.data, len, 1024, &reply), ZR_RUNNER_REPLY_PARTIAL);
}

static void back_to_back_frames_parse_one_at_a_time(void **state)
{
    frame_t first = done_frame(1, 0, "a", "", ""), second = done_frame(2, 3, "b", "", "");
    put(&first, second.data, second.len);
    zr_runner_reply_t reply;
    assert_int_equal(zr_runner_proto_parse(first.data, first.len, 1024, &reply), ZR_RUNNER_REPLY_DONE);
    assert_int_equal(reply.job_id, 1);
    size_t used = reply.frame_size;
    assert_int_equal(zr_runner_proto_parse(first.data + used, first.len - used, 1024, &reply),
                     ZR_RUNNER_REPLY_DONE);
    assert_int_equal(reply.job_id, 2);
    assert_int_equal(reply.status, 3);
}

static void hostile_frames_are_bad(void **state)
{
    zr_runner_reply_t reply;
    /* longer than allowed: refused from the length alone, before the body arrives */
    uint8_t huge[] = { 0x7f, 0xff, 0xff, 0xff };
    assert_int_equal(zr_runner_proto_parse(huge, sizeof huge, 1024, &reply), ZR_RUNNER_REPLY_BAD);
    uint8_t empty[] = { 0, 0, 0, 0 };
    assert_int_equal(zr_runner_proto_parse(empty, sizeof empty, 1024, &reply), ZR_RUNNER_REPLY_BAD);
    uint8_t unknown[] = { 0, 0, 0, 1, 'X' };
    assert_int_equal(zr_runner_proto_parse(unknown, sizeof unknown, 1024, &reply), ZR_RUNNER_REPLY_BAD);
    uint8_t short_ready[] = { 0, 0, 0, 3, 'R', 0, 0 };
    assert_int_equal(zr_runner_proto_parse(short_ready, sizeof short_ready, 1024, &reply), ZR_RUNNER_REPLY_BAD);
    frame_t status = done_frame(1, 4, "x", "", "");   /* no such status */
    assert_int_equal(zr_runner_proto_parse(status.data, status.len, 1024, &reply), ZR_RUNNER_REPLY_BAD);
    frame_t lying = done_frame(1, 0, "abc", "", "");
    lying.data[4 + 1 + 8 + 2 + 8 + 3] = 200;          /* body length claims more than the frame */
    assert_int_equal(zr_runner_proto_parse(lying.data, lying.len, 1024, &reply), ZR_RUNNER_REPLY_BAD);
    frame_t trailing = done_frame(1, 0, "abc", "", "");
    trailing.data[3] += 1;                             /* one byte the fields do not account for */
    uint8_t extra[] = { 0 };
    put(&trailing, extra, 1);
    assert_int_equal(zr_runner_proto_parse(trailing.data, trailing.len, 1024, &reply), ZR_RUNNER_REPLY_BAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(job_header_is_length_then_id),
        cmocka_unit_test(ready_and_done_frames_parse),
        cmocka_unit_test(every_prefix_is_partial),
        cmocka_unit_test(back_to_back_frames_parse_one_at_a_time),
        cmocka_unit_test(hostile_frames_are_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
