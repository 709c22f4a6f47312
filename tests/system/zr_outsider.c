/* zr_outsider: test_outsider.sh's attacker, a process on the cluster's host without its keys:
 * work requests over TCP, forged gossip and election datagrams, and replays of captured ones. */
#include <arpa/inet.h>
#include <czmq.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sodium.h>
#include "proto/zr_proto.h"
#include "proto/zr_proto_frame.h"
#include "runtime/zr_datagram_auth.h"

static void usage(void)
{
    fprintf(stderr,
            "usage: zr_outsider work PORT LEADER_ID EPOCH [SERVER_PUBLIC_CERT]\n"
            "         a WORK_REQUEST to tcp://127.0.0.1:PORT (NULL mechanism, or CURVE with a fresh\n"
            "         keypair and the server's public key); exit 0 if no answer came within 3 s\n"
            "       zr_outsider gossip ID SECONDS PORT...      forged heartbeats keeping node ID alive\n"
            "       zr_outsider election ID EPOCH SECONDS PORT...  forged notifications: ID leads at EPOCH\n"
            "       zr_outsider replay PORT COUNT              captures COUNT datagrams sent to PORT on\n"
            "         loopback (a raw socket: root) and sends each again; prints how many\n");
    exit(2);
}

/* ---- TCP ---------------------------------------------------------------------------------- */

static int work(int port, int64_t leader, uint64_t epoch, const char *server_cert)
{
    zsock_t *dealer = zsock_new(ZMQ_DEALER);
    zsock_set_linger(dealer, 0);
    if (server_cert) {
        zcert_t *server = zcert_load(server_cert), *mine = zcert_new();
        if (!server) {
            fprintf(stderr, "zr_outsider: %s: not a certificate\n", server_cert);
            return 2;
        }
        zcert_apply(mine, dealer);
        zsock_set_curve_serverkey_bin(dealer, zcert_public_key(server));
        zcert_destroy(&server);
        zcert_destroy(&mine);
    }
    zsock_connect(dealer, "tcp://127.0.0.1:%d", port);
    const char *source = "public class Outsider { public String run() { return \"ran for an outsider\"; } }";
    zr_proto_msg_t msg = { .type = ZR_MSG_WORK_REQUEST };
    msg.work_request = (zr_work_request_msg_t) { 0, (uint64_t) zclock_time() * 1000 + 7, 0, leader, epoch,
                                                 { source, strlen(source) } };
    zframe_t *frame = zr_proto_frame_encode(&msg);
    zframe_send(&frame, dealer, 0);
    zsock_set_rcvtimeo(dealer, 3000);
    zframe_t *answer = zframe_recv(dealer);
    printf("zr_outsider work: %s\n", answer ? "ANSWERED" : "no answer within 3 s");
    bool answered = answer != NULL;
    zframe_destroy(&answer);
    zsock_destroy(&dealer);
    return answered ? 1 : 0;
}

/* ---- UDP ---------------------------------------------------------------------------------- */

static void send_datagram(int fd, int port, const char *group, const uint8_t *payload, size_t size)
{
    uint8_t datagram[ZR_PROTO_UDP_MAX_DATAGRAM];
    size_t group_length = strlen(group);
    if (1 + group_length + size > sizeof datagram)
        return;
    datagram[0] = (uint8_t) group_length;
    memcpy(datagram + 1, group, group_length);
    memcpy(datagram + 1 + group_length, payload, size);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    sendto(fd, datagram, 1 + group_length + size, 0, (struct sockaddr *) &to, sizeof to);
}

/* Sends a message bare, and sealed with a key of our own (the cluster's is not ours to have). */
static void send_forged(int fd, int port, const char *group, int64_t sender, const uint8_t *message,
                        size_t size, uint64_t sequence)
{
    static uint8_t key[ZR_DATAGRAM_KEY_SIZE];
    static bool have_key;
    if (!have_key) {
        randombytes_buf(key, sizeof key);
        have_key = true;
    }
    uint8_t sealed[ZR_PROTO_UDP_MAX_DATAGRAM];
    size_t sealed_size;
    zr_datagram_stamp_t stamp = { sender, (uint64_t) zclock_time(), sequence };
    send_datagram(fd, port, group, message, size);
    if (zr_datagram_seal(key, group, &stamp, message, size, sealed, sizeof sealed, &sealed_size) == 0)
        send_datagram(fd, port, group, sealed, sealed_size);
}

/* Every 20 ms for `seconds`, to every port: what `make` builds for the round. */
typedef size_t (*forge_fn)(int64_t id, uint64_t epoch, uint64_t round, uint8_t *out);

static int forge(const char *group, forge_fn make, int64_t id, uint64_t epoch, int seconds,
                 char **ports, int port_count)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    uint8_t message[ZR_PROTO_UDP_MAX_PAYLOAD];
    int64_t end = zclock_mono() + seconds * 1000LL;
    uint64_t round = 0, sent = 0;
    while (zclock_mono() < end) {
        size_t size = make(id, epoch, ++round, message);
        for (int i = 0; i < port_count; i++, sent += 2)
            send_forged(fd, atoi(ports[i]), group, id, message, size, round);
        zclock_sleep(20);   /* the attack's pace */
    }
    close(fd);
    printf("zr_outsider %s: sent %llu forged datagrams\n", group, (unsigned long long) sent);
    return 0;
}

/* A heartbeat "from" the dead node, listing itself alive with an ever higher sequence. */
static size_t forged_gossip(int64_t id, uint64_t epoch, uint64_t round, uint8_t *out)
{
    static zr_gossip_msg_t msg;
    uint64_t sequence = (uint64_t) zclock_time() * 1000 + round;   /* above any real one */
    uint64_t incarnation = (uint64_t) zclock_time();   /* "it restarted just now" */
    msg = (zr_gossip_msg_t) { .sender_id = id, .sender_incarnation = incarnation, .sender_seq = sequence,
                              .count = 1 };
    msg.entries[0] = (zr_gossip_msg_entry_t) { .server_id = id, .incarnation = incarnation,
                                               .heartbeat_seq = sequence };
    size_t length = 0;
    zr_gossip_msg_encode(&msg, out, ZR_PROTO_UDP_MAX_PAYLOAD, &length);
    return length;
}

/* "I lead at a huge epoch", from node id. */
static size_t forged_election(int64_t id, uint64_t epoch, uint64_t round, uint8_t *out)
{
    zr_election_msg_t msg = { .state = ZR_PEER_LEADING, .sender_id = id, .incarnation = (uint64_t) zclock_time(),
                              .round = epoch + round, .leader_id = id, .leader_epoch = epoch };
    size_t length = 0;
    zr_election_msg_encode(&msg, out, ZR_PROTO_UDP_MAX_PAYLOAD, &length);
    return length;
}

/* ---- replay ------------------------------------------------------------------------------- */

/* The UDP payload of a captured IPv4 packet if it goes to 127.0.0.1:port; NULL otherwise. */
static const uint8_t *udp_to_port(const uint8_t *packet, size_t size, int port, size_t *payload_size)
{
    if (size < sizeof(struct iphdr))
        return NULL;
    const struct iphdr *ip = (const struct iphdr *) packet;
    size_t header = (size_t) ip->ihl * 4;
    if (ip->protocol != IPPROTO_UDP || size < header + sizeof(struct udphdr))
        return NULL;
    const struct udphdr *udp = (const struct udphdr *) (packet + header);
    if (ntohs(udp->dest) != port || ip->daddr != htonl(INADDR_LOOPBACK))
        return NULL;
    *payload_size = size - header - sizeof(struct udphdr);
    return packet + header + sizeof(struct udphdr);
}

static int replay(int port, int count)
{
    int tap = socket(AF_INET, SOCK_RAW, IPPROTO_UDP), out = socket(AF_INET, SOCK_DGRAM, 0);
    if (tap < 0) {
        perror("zr_outsider replay: raw socket (needs root)");
        return 2;
    }
    struct timeval timeout = { 10, 0 };
    setsockopt(tap, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    static uint8_t captured[64][2048];
    size_t sizes[64];
    int got = 0;
    count = count > 64 ? 64 : count;
    while (got < count) {
        uint8_t packet[4096];
        ssize_t size = recv(tap, packet, sizeof packet, 0);
        size_t payload_size;
        const uint8_t *payload = size > 0 ? udp_to_port(packet, (size_t) size, port, &payload_size) : NULL;
        if (size < 0)
            break;   /* nothing for 10 s */
        if (payload && payload_size <= sizeof captured[0]) {
            memcpy(captured[got], payload, payload_size);
            sizes[got++] = payload_size;
        }
    }
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    for (int i = 0; i < got; i++)
        sendto(out, captured[i], sizes[i], 0, (struct sockaddr *) &to, sizeof to);
    printf("zr_outsider replay: captured and replayed %d genuine datagrams to port %d\n", got, port);
    close(tap);
    close(out);
    return got == count ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 3 || sodium_init() < 0)
        usage();
    setvbuf(stdout, NULL, _IOLBF, 0);
    zsys_handler_set(NULL);   /* SIGTERM ends a forger at once */
    zsys_init();
    int rc = 2;
    if (streq(argv[1], "work") && (argc == 5 || argc == 6))
        rc = work(atoi(argv[2]), atoll(argv[3]), strtoull(argv[4], NULL, 10), argc == 6 ? argv[5] : NULL);
    else if (streq(argv[1], "gossip") && argc >= 5)
        rc = forge("gossip", forged_gossip, atoll(argv[2]), 0, atoi(argv[3]), argv + 4, argc - 4);
    else if (streq(argv[1], "election") && argc >= 6)
        rc = forge("election", forged_election, atoll(argv[2]), strtoull(argv[3], NULL, 10), atoi(argv[4]),
                   argv + 5, argc - 5);
    else if (streq(argv[1], "replay") && argc == 4)
        rc = replay(atoi(argv[2]), atoi(argv[3]));
    else
        usage();
    zsys_shutdown();
    return rc;
}
