/* test_datagram_auth: the datagram envelope (layout as PROTOCOL.md says, every tampered byte,
 * wrong key, wrong group refused) and the replay window (duplicates, reordering, old
 * incarnations, the window's edge) against a simple model over random orders. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sodium.h>
#include "proto/zr_wire.h"
#include "runtime/zr_datagram_auth.h"
#include "runtime/zr_replay_window.h"
#include "tests/unit/test_support.h"

static uint8_t key[ZR_DATAGRAM_KEY_SIZE], other_key[ZR_DATAGRAM_KEY_SIZE];

static void layout_is_as_specified(void **state)
{
    const uint8_t message[] = { 1, 2, 0xAA };
    zr_datagram_stamp_t stamp = { 7, 0x0102030405060708ull, 0x1112131415161718ull };
    uint8_t out[ZR_PROTO_UDP_MAX_DATAGRAM];
    size_t length = 0;
    assert_int_equal(zr_datagram_seal(key, "gossip", &stamp, message, sizeof message, out, sizeof out, &length), 0);
    assert_int_equal(length, 3 + 57);
    const uint8_t header[] = { 3, 0, 0, 0, 0, 0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8,
                               0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 1, 2, 0xAA };
    assert_memory_equal(out, header, sizeof header);
    /* The tag: HMAC-SHA-512-256 over [group length][group][every byte before the tag]. */
    uint8_t signed_bytes[64] = { 6, 'g', 'o', 's', 's', 'i', 'p' }, tag[32];
    memcpy(signed_bytes + 7, out, sizeof header);
    crypto_auth_hmacsha512256(tag, signed_bytes, 7 + sizeof header, key);
    assert_memory_equal(out + sizeof header, tag, sizeof tag);
}

static void sealed_opens_and_every_change_is_refused(void **state)
{
    const uint8_t message[] = "\x01\x02 a message";
    zr_datagram_stamp_t stamp = { 3, 1234, 99 }, got;
    uint8_t out[256];
    size_t length, message_size;
    const uint8_t *inside;
    assert_int_equal(zr_datagram_seal(key, "election", &stamp, message, sizeof message, out, sizeof out, &length), 0);
    assert_int_equal(zr_datagram_open(key, "election", out, length, &got, &inside, &message_size), ZR_DATAGRAM_OK);
    assert_memory_equal(&got, &stamp, sizeof stamp);
    assert_int_equal(message_size, sizeof message);
    assert_memory_equal(inside, message, sizeof message);
    for (size_t i = 0; i < length; i++)   /* any flipped bit */
        for (int bit = 0; bit < 8; bit++) {
            out[i] ^= (uint8_t) (1 << bit);
            zr_datagram_status_t status = zr_datagram_open(key, "election", out, length, &got, &inside, &message_size);
            assert_true(status == (i == 0 ? ZR_DATAGRAM_UNSEALED : ZR_DATAGRAM_FORGED));
            out[i] ^= (uint8_t) (1 << bit);
        }
    for (size_t cut = 0; cut < length; cut++)
        assert_int_not_equal(zr_datagram_open(key, "election", out, cut, &got, &inside, &message_size), ZR_DATAGRAM_OK);
    assert_int_equal(zr_datagram_open(other_key, "election", out, length, &got, &inside, &message_size), ZR_DATAGRAM_FORGED);
    assert_int_equal(zr_datagram_open(key, "gossip", out, length, &got, &inside, &message_size), ZR_DATAGRAM_FORGED);
    assert_int_equal(zr_datagram_open(key, "election", message, sizeof message, &got, &inside, &message_size),
                     ZR_DATAGRAM_UNSEALED);   /* a short bare message */
    uint8_t bare[200] = { ZR_PROTO_VERSION, 0x02 };   /* a bare message as long as an envelope */
    assert_int_equal(zr_datagram_open(key, "gossip", bare, sizeof bare, &got, &inside, &message_size),
                     ZR_DATAGRAM_UNSEALED);
}

static void seal_refuses_what_cannot_be_sealed(void **state)
{
    uint8_t out[ZR_DATAGRAM_OVERHEAD + 4];
    size_t length = 99;
    zr_datagram_stamp_t stamp = { 1, 1, 1 }, negative = { -1, 1, 1 };
    assert_int_equal(zr_datagram_seal(key, "gossip", &stamp, (const uint8_t *) "12345", 5, out, sizeof out, &length), -1);
    assert_int_equal(length, 0);
    assert_int_equal(zr_datagram_seal(key, "gossip", &negative, (const uint8_t *) "1", 1, out, sizeof out, &length), -1);
    assert_int_equal(zr_datagram_seal(key, "gossip", &stamp, (const uint8_t *) "1234", 4, out, sizeof out, &length), 0);
    assert_int_equal(length, sizeof out);
    assert_int_equal(zr_datagram_seal(key, "a-group-far-too-long", &stamp, NULL, 0, out, sizeof out, &length), -1);
}

static void replay_window_rules(void **state)
{
    zr_replay_table_t *table = zr_replay_table_new(2);
    assert_int_equal(zr_replay_check(table, 1, 100, 10), ZR_REPLAY_FRESH);
    assert_int_equal(zr_replay_check(table, 1, 100, 10), ZR_REPLAY_SEEN);
    assert_int_equal(zr_replay_check(table, 1, 100, 9), ZR_REPLAY_FRESH);   /* reordered */
    assert_int_equal(zr_replay_check(table, 1, 100, 9), ZR_REPLAY_SEEN);
    assert_int_equal(zr_replay_check(table, 1, 100, 10 + ZR_REPLAY_WINDOW_BITS), ZR_REPLAY_FRESH);
    assert_int_equal(zr_replay_check(table, 1, 100, 11), ZR_REPLAY_FRESH);  /* just inside */
    assert_int_equal(zr_replay_check(table, 1, 100, 10), ZR_REPLAY_TOO_OLD);
    assert_int_equal(zr_replay_check(table, 1, 101, 1), ZR_REPLAY_FRESH);   /* restarted */
    assert_int_equal(zr_replay_check(table, 1, 100, 5000), ZR_REPLAY_OLD_INCARNATION);
    assert_int_equal(zr_replay_check(table, 1, 101, 1), ZR_REPLAY_SEEN);
    assert_int_equal(zr_replay_check(table, 2, 100, 1), ZR_REPLAY_FRESH);   /* each sender its own */
    assert_int_equal(zr_replay_check(table, 3, 100, 1), ZR_REPLAY_FULL);
    assert_string_equal(zr_replay_verdict_name(ZR_REPLAY_OLD_INCARNATION), "old_incarnation");
    zr_replay_table_destroy(&table);
    assert_null(table);
}

/* Random deliveries (duplicates, reordering, long jumps) against a model that remembers every
 * sequence: FRESH exactly for the first delivery of a sequence within the window. */
static void replay_window_matches_a_model(void **state)
{
    unsigned seed = 7;
    for (int run = 0; run < test_iterations(200); run++) {
        zr_replay_table_t *table = zr_replay_table_new(1);
        static bool seen[4096];
        memset(seen, 0, sizeof seen);
        uint64_t highest = 0;
        bool any = false;
        for (int step = 0; step < 2000; step++) {
            uint64_t base = any ? highest : 0;
            uint64_t sequence = (base + (uint64_t) (rand_r(&seed) % 40)) % 4096;
            if (rand_r(&seed) % 4 == 0 && base > 300)
                sequence = base - (uint64_t) (rand_r(&seed) % 300);   /* late, maybe too late */
            zr_replay_verdict_t verdict = zr_replay_check(table, 5, 1, sequence);
            bool in_window = !any || sequence > highest || highest - sequence < ZR_REPLAY_WINDOW_BITS;
            zr_replay_verdict_t expected = !in_window ? ZR_REPLAY_TOO_OLD
                                         : seen[sequence] ? ZR_REPLAY_SEEN : ZR_REPLAY_FRESH;
            if (verdict != expected)
                fail_msg("run %d step %d: sequence %llu (highest %llu): %s, expected %s", run, step,
                         (unsigned long long) sequence, (unsigned long long) highest,
                         zr_replay_verdict_name(verdict), zr_replay_verdict_name(expected));
            if (verdict == ZR_REPLAY_FRESH) {
                seen[sequence] = true;
                highest = !any || sequence > highest ? sequence : highest;
                any = true;
            }
            if (highest > 3900)
                break;
        }
        zr_replay_table_destroy(&table);
    }
}

int main(void)
{
    assert_true(sodium_init() >= 0);
    randombytes_buf(key, sizeof key);
    randombytes_buf(other_key, sizeof other_key);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layout_is_as_specified),
        cmocka_unit_test(sealed_opens_and_every_change_is_refused),
        cmocka_unit_test(seal_refuses_what_cannot_be_sealed),
        cmocka_unit_test(replay_window_rules),
        cmocka_unit_test(replay_window_matches_a_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
