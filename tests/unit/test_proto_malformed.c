/* test_proto_malformed: every decoder against hostile input: every truncation, trailing bytes,
 * wrong versions and types, then seeded random bytes and mutations of valid messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proto/zr_proto.h"

/* ---- every decoder, behind one signature ------------------------------------------ */

typedef zr_decode_status_t (*decode_fn)(const uint8_t *data, size_t size, zr_proto_msg_t *msg);

#define DECODER(member, type_byte, function)                                                 \
    static zr_decode_status_t decode_##member(const uint8_t *data, size_t size,              \
                                              zr_proto_msg_t *msg)                           \
    {                                                                                         \
        msg->type = type_byte;                                                                \
        return function(data, size, &msg->member);                                            \
    }
DECODER(election, ZR_MSG_ELECTION, zr_election_msg_decode)
DECODER(gossip, ZR_MSG_GOSSIP, zr_gossip_msg_decode)
DECODER(work_request, ZR_MSG_WORK_REQUEST, zr_work_request_msg_decode)
DECODER(work_result, ZR_MSG_WORK_RESULT, zr_work_result_msg_decode)
DECODER(worker_hello, ZR_MSG_WORKER_HELLO, zr_worker_hello_msg_decode)
DECODER(work_ack, ZR_MSG_WORK_ACK, zr_work_ack_msg_decode)
DECODER(recovery_request, ZR_MSG_RECOVERY_REQUEST, zr_recovery_request_msg_decode)
DECODER(recovery_answer, ZR_MSG_RECOVERY_ANSWER, zr_recovery_answer_msg_decode)

static const struct {
    zr_msg_type_t type;
    decode_fn decode;
} codecs[] = {
    { ZR_MSG_ELECTION, decode_election },
    { ZR_MSG_GOSSIP, decode_gossip },
    { ZR_MSG_WORK_REQUEST, decode_work_request },
    { ZR_MSG_WORK_RESULT, decode_work_result },
    { ZR_MSG_WORKER_HELLO, decode_worker_hello },
    { ZR_MSG_WORK_ACK, decode_work_ack },
    { ZR_MSG_RECOVERY_REQUEST, decode_recovery_request },
    { ZR_MSG_RECOVERY_ANSWER, decode_recovery_answer },
};
#define CODECS (sizeof codecs / sizeof codecs[0])

/* ---- valid samples: every field set, every text non-empty --------------------------- */

static zr_work_result_msg_t sample_result(void)
{
    return (zr_work_result_msg_t) {
        .request_id = 11, .gateway_id = 0, .leader_id = 3, .leader_epoch = 4, .worker_id = 5,
        .status = ZR_JOB_LIMIT, .http_status = 400, .compile_ms = 7, .run_ms = 10000,
        .body = { "Time limit exceeded", 19 }, .out = { "hi\n", 3 }, .err = { "x", 1 },
    };
}

/* variant 1 makes the sample bigger or emptier where the type allows it */
static void sample(zr_msg_type_t type, int variant, zr_proto_msg_t *msg)
{
    memset(msg, 0, sizeof *msg);
    msg->type = type;
    switch (type) {
    case ZR_MSG_ELECTION:
        msg->election = (zr_election_msg_t) { ZR_PEER_LOOKING, 2, 11, 9, 7, 3 };
        break;
    case ZR_MSG_GOSSIP:
        msg->gossip = (zr_gossip_msg_t) { .sender_id = 1, .sender_incarnation = 5, .sender_seq = 77 };
        msg->gossip.count = variant ? ZR_GOSSIP_MSG_MAX_ENTRIES : 3;
        for (size_t i = 0; i < msg->gossip.count; i++)
            msg->gossip.entries[i] = (zr_gossip_msg_entry_t) { (int64_t) i + 1, 3, 50 + i, (uint8_t) (i % 3) };
        break;
    case ZR_MSG_WORK_REQUEST:
        msg->work_request = (zr_work_request_msg_t) {
            0, 1, 0, 3, 4, { "public class A { public String run() { return \"x\"; } }", 55 } };
        break;
    case ZR_MSG_WORK_RESULT:
        msg->work_result = sample_result();
        break;
    case ZR_MSG_WORKER_HELLO:
        msg->worker_hello = (zr_worker_hello_msg_t) { 5, 3, 4, 2 };
        break;
    case ZR_MSG_WORK_ACK:
        msg->work_ack = (zr_work_ack_msg_t) { .leader_id = 3, .leader_epoch = 4, .count = variant ? 40 : 2 };
        for (uint16_t i = 0; i < msg->work_ack.count; i++)
            msg->work_ack.jobs[i] = (zr_work_ack_job_t) { i % 2, 100u + i };
        break;
    case ZR_MSG_RECOVERY_REQUEST:
        msg->recovery_request = (zr_recovery_request_msg_t) { 3, 5 };
        break;
    case ZR_MSG_RECOVERY_ANSWER:   /* a result; variant 1 a running job */
        msg->recovery_answer = (zr_recovery_answer_msg_t) {
            .follower_id = 6, .leader_epoch = 5, .index = 1, .total = 2,
            .entry = variant ? ZR_RECOVERY_RUNNING : ZR_RECOVERY_RESULT, .result = sample_result(),
            .gateway_id = 2, .request_id = 77 };
        break;
    }
}

/* Encodes the sample into an exactly sized heap block, so ASan sees any overread. */
static uint8_t *encode_sample(zr_msg_type_t type, int variant, size_t *len)
{
    zr_proto_msg_t msg;
    sample(type, variant, &msg);
    assert_int_equal(zr_proto_encode(&msg, NULL, 0, len), ZR_ENCODE_OK);
    uint8_t *data = malloc(*len);
    assert_non_null(data);
    assert_int_equal(zr_proto_encode(&msg, data, *len, len), ZR_ENCODE_OK);
    return data;
}

static uint8_t *exact_copy(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    assert_non_null(copy);
    if (size)
        memcpy(copy, data, size);
    return copy;
}

/* ---- what an accepted input must satisfy ------------------------------------------- */

static size_t texts_of(const zr_proto_msg_t *msg, zr_wire_bytes_t texts[3])
{
    const zr_work_result_msg_t *result = NULL;
    if (msg->type == ZR_MSG_WORK_REQUEST) {
        texts[0] = msg->work_request.source;
        return 1;
    }
    if (msg->type == ZR_MSG_WORK_RESULT)
        result = &msg->work_result;
    if (msg->type == ZR_MSG_RECOVERY_ANSWER && zr_recovery_answer_has_result(&msg->recovery_answer))
        result = &msg->recovery_answer.result;
    if (!result)
        return 0;
    texts[0] = result->body, texts[1] = result->out, texts[2] = result->err;
    return 3;
}

/* Decoded texts lie inside the input, and the input is the one canonical encoding. */
static void check_accepted(const uint8_t *data, size_t size, const zr_proto_msg_t *msg)
{
    zr_wire_bytes_t texts[3];
    for (size_t i = 0, n = texts_of(msg, texts); i < n; i++) {
        assert_true((const uint8_t *) texts[i].data >= data);
        assert_true(texts[i].size <= size);
        assert_true((const uint8_t *) texts[i].data + texts[i].size <= data + size);
    }
    uint8_t *again = malloc(size ? size : 1);
    size_t len = 0;
    assert_int_equal(zr_proto_encode(msg, again, size, &len), ZR_ENCODE_OK);
    assert_int_equal(len, size);
    assert_memory_equal(again, data, size);
    free(again);
}

/* Runs every decoder and the dispatcher; returns how many accepted (at most 2: one family
 * decoder and zr_proto_decode, which must then agree). */
static int decode_everywhere(const uint8_t *data, size_t size)
{
    static zr_proto_msg_t msg;
    int accepted = 0;
    for (size_t i = 0; i < CODECS; i++) {
        if (codecs[i].decode(data, size, &msg) == ZR_DECODE_OK) {
            check_accepted(data, size, &msg);
            accepted++;
        }
    }
    zr_decode_status_t status = zr_proto_decode(data, size, &msg);
    assert_int_equal(status == ZR_DECODE_OK, accepted == 1);
    assert_true(accepted <= 1);
    if (status == ZR_DECODE_OK)
        check_accepted(data, size, &msg);
    return accepted ? 2 : 0;
}

/* ---- structured malformations ------------------------------------------------------ */

static void samples_decode(void **state)
{
    for (size_t i = 0; i < CODECS; i++)
        for (int variant = 0; variant < 2; variant++) {
            size_t len;
            uint8_t *data = encode_sample(codecs[i].type, variant, &len);
            zr_proto_msg_t msg;
            assert_int_equal(codecs[i].decode(data, len, &msg), ZR_DECODE_OK);
            assert_int_equal(decode_everywhere(data, len), 2);
            assert_int_equal(zr_proto_decode(data, len, &msg), ZR_DECODE_OK);
            assert_int_equal(msg.type, codecs[i].type);
            free(data);
        }
}

static void every_truncation_is_rejected(void **state)
{
    size_t prefixes = 0;
    for (size_t i = 0; i < CODECS; i++)
        for (int variant = 0; variant < 2; variant++) {
            size_t len;
            uint8_t *data = encode_sample(codecs[i].type, variant, &len);
            for (size_t cut = 0; cut < len; cut++, prefixes++) {
                uint8_t *prefix = exact_copy(data, cut);
                zr_proto_msg_t msg;
                assert_int_not_equal(codecs[i].decode(prefix, cut, &msg), ZR_DECODE_OK);
                assert_int_equal(decode_everywhere(prefix, cut), 0);
                free(prefix);
            }
            free(data);
        }
    assert_true(prefixes > 2000);
}

static void trailing_bytes_are_rejected(void **state)
{
    for (size_t i = 0; i < CODECS; i++)
        for (int extra = 1; extra <= 3; extra++) {
            size_t len;
            uint8_t *data = encode_sample(codecs[i].type, 0, &len);
            uint8_t *longer = malloc(len + extra);
            memcpy(longer, data, len);
            memset(longer + len, extra == 2 ? 0 : 0xA5, extra);
            zr_proto_msg_t msg;
            assert_int_equal(codecs[i].decode(longer, len + extra, &msg), ZR_DECODE_TRAILING);
            assert_int_equal(zr_proto_decode(longer, len + extra, &msg), ZR_DECODE_TRAILING);
            free(longer);
            free(data);
        }
}

static void wrong_version_and_type_are_rejected(void **state)
{
    for (size_t i = 0; i < CODECS; i++) {
        size_t len;
        uint8_t *data = encode_sample(codecs[i].type, 0, &len);
        zr_proto_msg_t msg;
        for (int version = 0; version < 256; version++) {
            data[0] = (uint8_t) version;
            zr_decode_status_t want = version == ZR_PROTO_VERSION ? ZR_DECODE_OK
                                                                  : ZR_DECODE_BAD_VERSION;
            assert_int_equal(codecs[i].decode(data, len, &msg), want);
            assert_int_equal(zr_proto_decode(data, len, &msg), want);
        }
        data[0] = ZR_PROTO_VERSION;
        for (int type = 0; type < 256; type++) {
            data[1] = (uint8_t) type;
            zr_decode_status_t want = type == (int) codecs[i].type ? ZR_DECODE_OK
                                                                   : ZR_DECODE_BAD_TYPE;
            assert_int_equal(codecs[i].decode(data, len, &msg), want);
            if (!zr_msg_type_known(type))
                assert_int_equal(zr_proto_decode(data, len, &msg), ZR_DECODE_BAD_TYPE);
        }
        free(data);
    }
}

/* ---- seeded random input ----------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);   /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static size_t rng_below(size_t bound)
{
    return (size_t) (rng_next() % bound);
}

static void rng_fill(uint8_t *data, size_t size)
{
    for (size_t i = 0; i < size; i += 8) {
        uint64_t word = rng_next();
        memcpy(data + i, &word, size - i < 8 ? size - i : 8);
    }
}

static void rng_seed(void)
{
    const char *seed = getenv("ZRUN_TEST_SEED");
    rng_state = seed ? strtoull(seed, NULL, 0) : 0x5EED2024ULL;
    print_message("seed %#" PRIx64 " (set ZRUN_TEST_SEED to replay)\n", rng_state);
}

static size_t iterations(void)
{
    return getenv("ZRUN_TEST_UNDER_VALGRIND") ? 100000 / 20 : 100000;
}

enum { MAX_RANDOM = 2000 };

static void random_bytes_never_break_a_decoder(void **state)
{
    rng_seed();
    size_t accepted = 0, total = iterations();
    for (size_t n = 0; n < total; n++) {
        size_t size = rng_below(MAX_RANDOM + 1);
        uint8_t *data = malloc(size ? size : 1);
        rng_fill(data, size);
        if (size >= 2 && n % 2) {   /* half get a valid header, to reach past it */
            data[0] = ZR_PROTO_VERSION;
            data[1] = (uint8_t) codecs[rng_below(CODECS)].type;
        }
        if (size >= ZR_GOSSIP_MSG_HEADER_SIZE && n % 8 == 1 && data[1] == ZR_MSG_GOSSIP) {
            size_t rows = (size - ZR_GOSSIP_MSG_HEADER_SIZE) / ZR_GOSSIP_MSG_ENTRY_SIZE;
            data[55] = (uint8_t) (rows >> 8), data[56] = (uint8_t) rows;   /* a count that fits */
        }
        accepted += decode_everywhere(data, size) / 2;
        free(data);
    }
    print_message("random: %zu of %zu accepted\n", accepted, total);
    assert_true(accepted < total / 100);
}

/* Overwrites a field-sized window with a boundary value or noise. */
static void mutate_window(uint8_t *data, size_t size)
{
    static const uint64_t values[] = { 0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x10000, 0x7FFFFFFF,
                                       0xFFFFFFFF, ZR_PROTO_MAX_SOURCE, ZR_PROTO_MAX_BODY + 1,
                                       UINT64_MAX };
    size_t width = (size_t) 1 << rng_below(4);   /* 1, 2, 4 or 8 bytes */
    if (width > size)
        return;
    size_t at = rng_below(size - width + 1);
    uint64_t value = rng_below(3) ? values[rng_below(sizeof values / sizeof values[0])]
                                  : rng_next();
    for (size_t b = 0; b < width; b++)
        data[at + b] = (uint8_t) (value >> (8 * (width - 1 - b)));
}

/* One random edit of data[0..*size), within capacity cap. */
static void mutate(uint8_t *data, size_t *size, size_t cap)
{
    switch (rng_below(6)) {
    case 0: if (*size) data[rng_below(*size)] ^= (uint8_t) (1u << rng_below(8)); break;
    case 1: if (*size) data[rng_below(*size)] = (uint8_t) rng_next(); break;
    case 2: mutate_window(data, *size); break;
    case 3: *size = rng_below(*size + 1); break;
    case 4: if (*size < cap) data[(*size)++] = (uint8_t) rng_next(); break;
    default:
        if (*size) {   /* delete one byte */
            size_t at = rng_below(*size);
            memmove(data + at, data + at + 1, *size - at - 1);
            (*size)--;
        }
    }
}

static void mutated_messages_never_break_a_decoder(void **state)
{
    rng_seed();
    enum { SLACK = 16 };
    size_t accepted = 0, total = iterations();
    for (size_t n = 0; n < total; n++) {
        size_t len;
        uint8_t *valid = encode_sample(codecs[rng_below(CODECS)].type, (int) rng_below(2), &len);
        size_t cap = len + SLACK;
        uint8_t *work = malloc(cap);
        memcpy(work, valid, len);
        for (size_t edits = 1 + rng_below(3); edits; edits--)
            mutate(work, &len, cap);
        uint8_t *exact = exact_copy(work, len);
        accepted += decode_everywhere(exact, len) / 2;
        free(exact);
        free(work);
        free(valid);
    }
    print_message("mutated: %zu of %zu accepted\n", accepted, total);
    assert_true(accepted > total / 100);   /* value-only edits do decode */
    assert_true(accepted < total);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(samples_decode),
        cmocka_unit_test(every_truncation_is_rejected),
        cmocka_unit_test(trailing_bytes_are_rejected),
        cmocka_unit_test(wrong_version_and_type_are_rejected),
        cmocka_unit_test(random_bytes_never_break_a_decoder),
        cmocka_unit_test(mutated_messages_never_break_a_decoder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
