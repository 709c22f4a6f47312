/* test_udp_hostile: a process with a bound DISH survives 10 000 hostile datagrams and still
 * receives a valid message afterwards. Against Debian's unpatched libzmq it aborts (see README). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "runtime/zr_udp_bus.h"
#include "tests/unit/test_support.h"

#define HOSTILE_COUNT 10000
#define DEADLINE_MS 20000

static int raw_socket_to(int port, struct sockaddr_in *target)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    *target = (struct sockaddr_in) { .sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                                     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    return fd;
}

/* Fills datagram number i with one of the hostile shapes; returns its length. */
static size_t hostile_datagram(int i, uint8_t *data, unsigned *seed)
{
    size_t length;
    switch (i % 6) {
    case 0:  /* group length byte >= 0x80: read as a negative size by the stock engine */
        length = 1 + (size_t) (rand_r(seed) % 1400);
        for (size_t k = 0; k < length; k++) data[k] = (uint8_t) rand_r(seed);
        data[0] = (uint8_t) (0x80 + i % 0x80);
        return length;
    case 1:  /* empty */
        return 0;
    case 2:  /* a single byte */
        data[0] = (uint8_t) rand_r(seed);
        return 1;
    case 3:  /* larger than libzmq's 8 KiB buffer */
        for (size_t k = 0; k < 9000; k++) data[k] = (uint8_t) rand_r(seed);
        return 9000;
    case 4:  /* a known group with a garbage body: delivered, for the decoders to reject */
        data[0] = 8;
        memcpy(data + 1, "election", 8);
        length = 9 + (size_t) (rand_r(seed) % 100);
        for (size_t k = 9; k < length; k++) data[k] = (uint8_t) rand_r(seed);
        return length;
    default: /* random length, random bytes */
        length = (size_t) (rand_r(seed) % 2000);
        for (size_t k = 0; k < length; k++) data[k] = (uint8_t) rand_r(seed);
        return length;
    }
}

/* Drains the bus; returns 1 once the marker message has been seen. */
static int drain(zr_udp_bus_t *bus, int *delivered)
{
    uint8_t buffer[ZR_UDP_MAX_PAYLOAD];
    size_t size;
    zr_udp_group_t group;
    while (zr_udp_bus_recv(bus, &group, buffer, &size)) {
        if (group == ZR_GROUP_GOSSIP && size == 12 && memcmp(buffer, "still alive!", 12) == 0)
            return 1;
        (*delivered)++;
    }
    return 0;
}

static void dish_survives_hostile_datagrams(void **state)
{
    char err[256];
    int port = test_free_port(SOCK_DGRAM);
    zr_udp_bus_t *victim = zr_udp_bus_new("127.0.0.1", port, err, sizeof err);
    zr_udp_bus_t *friend = zr_udp_bus_new("127.0.0.1", test_free_port(SOCK_DGRAM), err, sizeof err);
    assert_non_null(victim);
    assert_non_null(friend);
    assert_int_equal(zr_udp_bus_add_peer(friend, 1, "127.0.0.1", port, err, sizeof err), 0);

    struct sockaddr_in target;
    int fd = raw_socket_to(port, &target);
    static uint8_t data[9000];
    unsigned seed = 20261121;
    int delivered = 0, count = test_iterations(HOSTILE_COUNT);
    for (int i = 0; i < count; i++) {
        size_t length = hostile_datagram(i, data, &seed);
        assert_true(sendto(fd, data, length, 0, (struct sockaddr *) &target, sizeof target) >= 0);
        if (i % 64 == 0)
            drain(victim, &delivered);   /* keep the pipe from filling: drops there are fine too */
    }
    close(fd);

    /* Datagrams on loopback keep their order, so the marker comes after every hostile one.
     * It is re-sent while waiting in case a full receive buffer dropped it. */
    zpoller_t *poller = zpoller_new(zr_udp_bus_socket(victim), NULL);
    int64_t deadline = zclock_mono() + DEADLINE_MS;
    int seen = 0;
    while (!seen && zclock_mono() < deadline) {
        assert_int_equal(zr_udp_bus_send(friend, 1, ZR_GROUP_GOSSIP, "still alive!", 12), 0);
        zpoller_wait(poller, 200);
        seen = drain(victim, &delivered);
    }
    zpoller_destroy(&poller);
    assert_true(seen);
    /* Only the well-formed "election" datagrams (case 4) may have been delivered. */
    assert_true(delivered <= count / 6 + 1);
    print_message("hostile datagrams sent: %d, delivered to the decoders: %d\n", count, delivered);
    zr_udp_bus_destroy(&friend);
    zr_udp_bus_destroy(&victim);
}

int main(void)
{
    zsys_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dish_survives_hostile_datagrams),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    zsys_shutdown();
    return failed;
}
