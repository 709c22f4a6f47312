/* security_micro: the work members-only adds to one request, without the JVMs' noise: a round trip
 * over loopback TCP DEALER/ROUTER with and without CURVE (a job crosses two such round trips:
 * gateway-leader and leader-worker), and sealing plus opening one datagram. Prints figures. */
#include <czmq.h>
#include <sodium.h>
#include <stdlib.h>
#include "runtime/zr_datagram_auth.h"

#define ROUND_TRIPS 20000
#define DATAGRAMS 200000

static int compare(const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

/* p50 of ROUND_TRIPS round trips of a size-byte message, in microseconds. */
static double round_trip_p50(bool curve, size_t size)
{
    zsock_t *router = zsock_new(ZMQ_ROUTER), *dealer = zsock_new(ZMQ_DEALER);
    zactor_t *auth = NULL;
    if (curve) {
        zcert_t *server = zcert_new(), *client = zcert_new();
        auth = zactor_new(zauth, NULL);
        zstr_sendx(auth, "CURVE", CURVE_ALLOW_ANY, NULL);   /* the lookup costs once per connection */
        zsock_wait(auth);
        zcert_apply(server, router);
        zsock_set_curve_server(router, 1);
        zcert_apply(client, dealer);
        zsock_set_curve_serverkey_bin(dealer, zcert_public_key(server));
        zcert_destroy(&server);
        zcert_destroy(&client);
    }
    int port = zsock_bind(router, "tcp://127.0.0.1:*");
    zsock_connect(dealer, "tcp://127.0.0.1:%d", port);
    char *payload = calloc(1, size);
    int64_t *samples = calloc(ROUND_TRIPS, sizeof *samples);
    for (int i = -1000; i < ROUND_TRIPS; i++) {   /* 1000 unmeasured first */
        int64_t start = zclock_usecs();
        zframe_t *out = zframe_new(payload, size);
        zframe_send(&out, dealer, 0);
        zmsg_t *in = zmsg_recv(router);           /* [identity][payload] */
        zmsg_send(&in, router);                   /* back to the dealer */
        zframe_t *back = zframe_recv(dealer);
        zframe_destroy(&back);
        if (i >= 0)
            samples[i] = zclock_usecs() - start;
    }
    qsort(samples, ROUND_TRIPS, sizeof *samples, compare);
    double p50 = (double) samples[ROUND_TRIPS / 2];
    free(samples);
    free(payload);
    zsock_destroy(&dealer);
    zsock_destroy(&router);
    zactor_destroy(&auth);
    return p50;
}

/* Average microseconds to seal and open one datagram of size bytes. */
static double datagram_cost(size_t size)
{
    uint8_t key[ZR_DATAGRAM_KEY_SIZE], message[1400] = { 1 }, sealed[1400];
    randombytes_buf(key, sizeof key);
    zr_datagram_stamp_t stamp = { 1, 2, 0 }, opened;
    int64_t start = zclock_usecs();
    for (int i = 0; i < DATAGRAMS; i++) {
        size_t length, inside;
        const uint8_t *back;
        stamp.sequence++;
        zr_datagram_seal(key, "gossip", &stamp, message, size, sealed, sizeof sealed, &length);
        if (zr_datagram_open(key, "gossip", sealed, length, &opened, &back, &inside) != ZR_DATAGRAM_OK)
            abort();
    }
    return (double) (zclock_usecs() - start) / DATAGRAMS;
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    zsys_init();
    size_t sizes[] = { 300, 4096 };   /* a small job and its answer; a larger source */
    for (size_t i = 0; i < 2; i++) {
        double plain = round_trip_p50(false, sizes[i]), curve = round_trip_p50(true, sizes[i]);
        printf("TCP round trip, %5zu bytes: p50 %6.1f us without CURVE, %6.1f us with: +%.1f us per round trip, "
               "+%.1f us per job (two round trips)\n", sizes[i], plain, curve, curve - plain, 2 * (curve - plain));
    }
    printf("datagram: seal + open %.2f us (55-byte heartbeat), %.2f us (1300-byte gossip table)\n",
           datagram_cost(55), datagram_cost(1300));
    zsys_shutdown();
    return 0;
}
