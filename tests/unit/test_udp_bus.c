/* test_udp_bus: two udp-bus endpoints on loopback exchange messages on every group;
 * oversized sends, unknown peers and bind addresses the host lacks are refused; authenticated
 * buses seal what they send and take only sealed, authentic, fresh datagrams. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "runtime/zr_udp_bus.h"
#include "tests/unit/test_support.h"

#define DEADLINE_MS 5000

typedef struct {
    zr_udp_bus_t *a, *b;
    int port_a, port_b;
} pair_t;

static int setup_pair(void **state)
{
    static pair_t pair;
    char err[256];
    pair.port_a = test_free_port(SOCK_DGRAM);
    pair.port_b = test_free_port(SOCK_DGRAM);
    pair.a = zr_udp_bus_new("127.0.0.1", pair.port_a, err, sizeof err);
    pair.b = zr_udp_bus_new("127.0.0.1", pair.port_b, err, sizeof err);
    assert_non_null(pair.a);
    assert_non_null(pair.b);
    assert_int_equal(zr_udp_bus_add_peer(pair.a, 2, "127.0.0.1", pair.port_b, err, sizeof err), 0);
    assert_int_equal(zr_udp_bus_add_peer(pair.b, 1, "localhost", pair.port_a, err, sizeof err), 0);
    *state = &pair;
    return 0;
}

static int teardown_pair(void **state)
{
    pair_t *pair = *state;
    zr_udp_bus_destroy(&pair->a);
    zr_udp_bus_destroy(&pair->b);
    return 0;
}

/* Waits (up to the deadline) for one datagram on bus; *sender (may be NULL): its envelope's. */
static int wait_recv_from(zr_udp_bus_t *bus, zr_udp_group_t *group, uint8_t *buffer, size_t *size,
                          int64_t *sender)
{
    zpoller_t *poller = zpoller_new(zr_udp_bus_socket(bus), NULL);
    int got = zr_udp_bus_recv_from(bus, group, buffer, size, sender);
    int64_t deadline = zclock_mono() + DEADLINE_MS;
    while (!got && zclock_mono() < deadline) {
        zpoller_wait(poller, 100);
        got = zr_udp_bus_recv_from(bus, group, buffer, size, sender);
    }
    zpoller_destroy(&poller);
    return got;
}

static int wait_recv(zr_udp_bus_t *bus, zr_udp_group_t *group, uint8_t *buffer, size_t *size)
{
    return wait_recv_from(bus, group, buffer, size, NULL);
}

static void messages_cross_on_every_group(void **state)
{
    pair_t *pair = *state;
    uint8_t buffer[ZR_UDP_MAX_PAYLOAD];
    size_t size = 0;
    zr_udp_group_t group;
    for (int g = 0; g < ZR_GROUP_COUNT; g++) {
        char text[32];
        snprintf(text, sizeof text, "hello on %s", zr_udp_group_name(g));
        assert_int_equal(zr_udp_bus_send(pair->a, 2, g, text, strlen(text)), 0);
        assert_int_equal(wait_recv(pair->b, &group, buffer, &size), 1);
        assert_int_equal(group, g);
        assert_int_equal(size, strlen(text));
        assert_memory_equal(buffer, text, size);
    }
    assert_int_equal(zr_udp_bus_broadcast(pair->b, ZR_GROUP_GOSSIP, "back", 4), 1);
    assert_int_equal(wait_recv(pair->a, &group, buffer, &size), 1);
    assert_int_equal(group, ZR_GROUP_GOSSIP);
    assert_memory_equal(buffer, "back", 4);
    assert_int_equal(zr_udp_bus_stats(pair->b).received, ZR_GROUP_COUNT);
}

static void largest_payload_passes_and_larger_is_refused(void **state)
{
    pair_t *pair = *state;
    static uint8_t big[ZR_UDP_MAX_PAYLOAD + 1], buffer[ZR_UDP_MAX_PAYLOAD];
    memset(big, 0xAB, sizeof big);
    size_t size = 0;
    zr_udp_group_t group;
    assert_int_equal(zr_udp_bus_send(pair->a, 2, ZR_GROUP_ELECTION, big, ZR_UDP_MAX_PAYLOAD), 0);
    assert_int_equal(wait_recv(pair->b, &group, buffer, &size), 1);
    assert_int_equal(size, ZR_UDP_MAX_PAYLOAD);
    assert_int_equal(zr_udp_bus_send(pair->a, 2, ZR_GROUP_ELECTION, big, sizeof big), -1);
    assert_int_equal(zr_udp_bus_broadcast(pair->a, ZR_GROUP_ELECTION, big, sizeof big), 0);
    assert_int_equal(zr_udp_bus_stats(pair->a).send_oversize, 2);
}

static void unknown_peer_and_group_are_refused(void **state)
{
    pair_t *pair = *state;
    assert_int_equal(zr_udp_bus_send(pair->a, 99, ZR_GROUP_GOSSIP, "x", 1), -1);
    assert_int_equal(zr_udp_bus_stats(pair->a).send_unknown_peer, 1);
    assert_int_equal(zr_udp_bus_send(pair->a, 2, ZR_GROUP_COUNT, "x", 1), -1);
    assert_null(zr_udp_group_name(ZR_GROUP_COUNT));
    zr_udp_bus_remove_peer(pair->a, 2);
    assert_int_equal(zr_udp_bus_peer_count(pair->a), 0);
    assert_int_equal(zr_udp_bus_send(pair->a, 2, ZR_GROUP_GOSSIP, "x", 1), -1);
}

/* Polls bus until its stats satisfy done (drops leave recv returning 0), or the deadline. */
static bool wait_stats(zr_udp_bus_t *bus, bool (*done)(const zr_udp_bus_stats_t *))
{
    uint8_t buffer[ZR_UDP_MAX_PAYLOAD];
    size_t size;
    zr_udp_group_t group;
    zpoller_t *poller = zpoller_new(zr_udp_bus_socket(bus), NULL);
    int64_t deadline = zclock_mono() + DEADLINE_MS;
    zr_udp_bus_stats_t stats = zr_udp_bus_stats(bus);
    while (!done(&stats) && zclock_mono() < deadline) {
        zpoller_wait(poller, 100);
        while (zr_udp_bus_recv(bus, &group, buffer, &size))
            ;
        stats = zr_udp_bus_stats(bus);
    }
    zpoller_destroy(&poller);
    return done(&stats);
}

static bool one_unsealed(const zr_udp_bus_stats_t *s) { return s->recv_unsealed == 1; }
static bool one_forged(const zr_udp_bus_stats_t *s) { return s->recv_forged == 1; }

static void authenticated_buses_seal_and_refuse_the_rest(void **state)
{
    pair_t *pair = *state;
    uint8_t key[ZR_DATAGRAM_KEY_SIZE] = { 1, 2, 3 }, wrong[ZR_DATAGRAM_KEY_SIZE] = { 9 };
    static uint8_t buffer[ZR_UDP_MAX_PAYLOAD], big[ZR_UDP_MAX_PAYLOAD];
    size_t size = 0;
    zr_udp_group_t group;
    int64_t sender = 0;
    zr_udp_bus_authenticate(pair->b, key, 2, 200);
    assert_int_equal(zr_udp_bus_send(pair->a, 2, ZR_GROUP_GOSSIP, "bare", 4), 0);   /* a: not yet */
    assert_true(wait_stats(pair->b, one_unsealed));
    zr_udp_bus_authenticate(pair->a, wrong, 1, 100);
    assert_int_equal(zr_udp_bus_send(pair->a, 2, ZR_GROUP_GOSSIP, "wrong key", 9), 0);
    assert_true(wait_stats(pair->b, one_forged));
    zr_udp_bus_authenticate(pair->a, key, 1, 100);
    size_t largest = ZR_UDP_MAX_PAYLOAD - ZR_DATAGRAM_OVERHEAD;
    assert_int_equal(zr_udp_bus_send(pair->a, 2, ZR_GROUP_ELECTION, big, largest + 1), -1);
    assert_int_equal(zr_udp_bus_send(pair->a, 2, ZR_GROUP_ELECTION, big, largest), 0);
    assert_int_equal(wait_recv_from(pair->b, &group, buffer, &size, &sender), 1);
    assert_int_equal(size, largest);
    assert_int_equal(sender, 1);
    assert_int_equal(zr_udp_bus_broadcast(pair->a, ZR_GROUP_GOSSIP, "all", 3), 1);
    assert_int_equal(wait_recv_from(pair->b, &group, buffer, &size, &sender), 1);
    assert_memory_equal(buffer, "all", 3);
    assert_int_equal(group, ZR_GROUP_GOSSIP);
    zr_udp_bus_stats_t stats = zr_udp_bus_stats(pair->b);
    assert_int_equal(stats.received, 2);
    assert_int_equal(stats.recv_replayed + stats.recv_old_incarnation, 0);
}

static void bind_addresses_are_validated(void **state)
{
    char err[256] = "";
    /* 192.0.2.1 (TEST-NET-1) is on no interface here: libzmq would "succeed" and spin. */
    assert_null(zr_udp_bus_new("192.0.2.1", test_free_port(SOCK_DGRAM), err, sizeof err));
    assert_non_null(strstr(err, "no interface of this host has that address"));
    assert_null(zr_udp_bus_new("127.0.0.1", 70000, err, sizeof err));
    assert_non_null(strstr(err, "out of range"));
    assert_null(zr_udp_bus_new("no-such-host.invalid", 9000, err, sizeof err));
    assert_non_null(strstr(err, "cannot resolve"));
    zr_udp_bus_t *any = zr_udp_bus_new("0.0.0.0", test_free_port(SOCK_DGRAM), err, sizeof err);
    assert_non_null(any);
    zr_udp_bus_destroy(&any);
}

int main(void)
{
    zsys_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(messages_cross_on_every_group, setup_pair, teardown_pair),
        cmocka_unit_test_setup_teardown(largest_payload_passes_and_larger_is_refused, setup_pair, teardown_pair),
        cmocka_unit_test_setup_teardown(unknown_peer_and_group_are_refused, setup_pair, teardown_pair),
        cmocka_unit_test_setup_teardown(authenticated_buses_seal_and_refuse_the_rest, setup_pair, teardown_pair),
        cmocka_unit_test(bind_addresses_are_validated),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    zsys_shutdown();
    return failed;
}
