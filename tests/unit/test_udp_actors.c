/* test_udp_actors: two nodes' UDP receiver and sender actors in one process: a notification
 * crosses, garbage and unknown senders are dropped and counted, a failed incarnation is filtered,
 * and with keys every bare, forged, replayed, superseded or mismatched datagram is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "actors/transport/zr_udp_actors.h"
#include "proto/zr_proto.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_datagram_auth.h"
#include "tests/unit/test_support.h"

#define KEYS_DIR "/tmp/zrun-test-udp-actors/keys"

typedef struct {
    zr_config_t *config;
    zr_env_t env[2];
    zactor_t *receiver[2], *sender[2];
    zr_keys_t *keys[2];
} cluster_t;

static void stop_actors(cluster_t *c)
{
    for (int i = 0; i < 2; i++) {
        zr_actor_stop(&c->sender[i]);
        zr_actor_stop(&c->receiver[i]);
        zr_keys_destroy(&c->keys[i]);
    }
    zr_config_destroy(&c->config);
}

/* Two nodes on free ports. False (everything stopped) if a port was taken meanwhile: another
 * test running beside this one may bind it between test_free_port and the actor's bind. */
static bool try_start(cluster_t *c, bool secure, char *err, size_t size)
{
    char text[512];
    snprintf(text, sizeof text,
             "cluster\n    log_level = off\n    keys_dir = " KEYS_DIR "\nnodes\n"
             "    1\n        udp_port = %d\n        http_port = %d\n"
             "    2\n        udp_port = %d\n        http_port = %d\n",
             test_free_port(SOCK_DGRAM), test_free_port(SOCK_STREAM),
             test_free_port(SOCK_DGRAM), test_free_port(SOCK_STREAM));
    c->config = zr_config_parse(text, "test", err, size);
    assert_non_null(c->config);
    snprintf(c->config->log_dir, sizeof c->config->log_dir, "/tmp/zrun-test-udp-actors");
    bool started = true;
    for (int i = 0; i < 2 && started; i++) {
        char prefix[64];
        test_unique_prefix(prefix, sizeof prefix, "test-udp");
        zr_env_init(&c->env[i], c->config, i + 1, prefix);
        if (secure && !(c->env[i].keys = c->keys[i] = zr_keys_load(c->config, i + 1, err, size)))
            fail_msg("%s", err);
        c->receiver[i] = zr_actor_start(zr_udp_receiver_actor, &c->env[i], err, size);
        c->sender[i] = c->receiver[i] ? zr_actor_start(zr_udp_sender_actor, &c->env[i], err, size) : NULL;
        started = c->receiver[i] && c->sender[i];
    }
    if (!started)
        stop_actors(c);
    return started;
}

static int start(void **state, bool secure)
{
    static cluster_t c;
    memset(&c, 0, sizeof c);
    char err[800] = "";
    int ids[] = { 1, 2 }, created;
    if (secure && zr_keys_generate(KEYS_DIR, ids, 2, &created, err, sizeof err) != 0)
        fail_msg("%s", err);
    for (int attempt = 0; attempt < 5; attempt++)
        if (try_start(&c, secure, err, sizeof err)) {
            *state = &c;
            return 0;
        }
    fail_msg("the UDP actors did not start: %s", err);
    return -1;
}

static int start_cluster(void **state)
{
    return start(state, false);
}

static int start_secure_cluster(void **state)
{
    return start(state, true);
}

static int stop_cluster(void **state)
{
    cluster_t *c = *state;
    stop_actors(c);
    test_remove_tree(KEYS_DIR);
    return 0;
}

#define INCARNATION 5   /* of node 1 in these tests */

static size_t election_in_round(int64_t sender, uint64_t round, uint8_t *buffer)
{
    zr_election_msg_t msg = { .state = ZR_PEER_LOOKING, .sender_id = sender, .incarnation = INCARNATION,
                              .round = round, .leader_id = sender };
    size_t length = 0;
    assert_int_equal(zr_election_msg_encode(&msg, buffer, 64, &length), ZR_ENCODE_OK);
    return length;
}

static size_t election_from(int64_t sender, uint8_t *buffer)
{
    return election_in_round(sender, 1, buffer);
}

/* Posts `marker` from node 1 repeatedly until node 2's subscriber gets a message. */
static zmsg_t *post_until_received(cluster_t *c, zsock_t *push, zsock_t *sub, const uint8_t *data, size_t size)
{
    zpoller_t *poller = zpoller_new(sub, NULL);
    zmsg_t *got = NULL;
    int64_t deadline = zclock_mono() + 10000;
    while (!got && zclock_mono() < deadline) {
        zr_inproc_udp_post(push, 2, ZR_GROUP_ELECTION, data, size);
        if (zpoller_wait(poller, 200))
            got = zmsg_recv(sub);
    }
    zpoller_destroy(&poller);
    return got;
}

static void notification_crosses_and_garbage_is_counted(void **state)
{
    cluster_t *c = *state;
    zsock_t *sub = zr_inproc_udp_in_subscribe(&c->env[1], ZR_MSG_ELECTION);
    zsock_t *push = zr_inproc_udp_out_connect(&c->env[0]);
    uint8_t garbage[20] = { 1, ZR_MSG_ELECTION, 0xFF }, unknown[64], valid[64];
    size_t unknown_size = election_from(77, unknown), valid_size = election_from(1, valid);
    zr_inproc_udp_post(push, 2, ZR_GROUP_ELECTION, garbage, sizeof garbage);
    zr_inproc_udp_post(push, 2, ZR_GROUP_ELECTION, unknown, unknown_size);
    zmsg_t *got = post_until_received(c, push, sub, valid, valid_size);
    assert_non_null(got);
    zframe_t *topic = zmsg_first(got), *payload = zmsg_next(got);
    assert_int_equal(*zframe_data(topic), ZR_MSG_ELECTION);
    zr_election_msg_t decoded;
    assert_int_equal(zr_election_msg_decode(zframe_data(payload), zframe_size(payload), &decoded), ZR_DECODE_OK);
    assert_int_equal(decoded.sender_id, 1);
    zmsg_destroy(&got);
    assert_true(test_stat(c->receiver[1], ZR_M_UDP_DROPPED, "malformed") == 1);
    assert_true(test_stat(c->receiver[1], ZR_M_UDP_DROPPED, "unknown_sender") == 1);
    zsock_destroy(&push);
    zsock_destroy(&sub);
}

static void dropped_peer_is_filtered(void **state)
{
    cluster_t *c = *state;
    zsock_t *sub = zr_inproc_udp_in_subscribe(&c->env[1], ZR_MSG_ELECTION);
    zsock_t *push = zr_inproc_udp_out_connect(&c->env[0]);
    uint8_t valid[64];
    size_t valid_size = election_from(1, valid);
    zmsg_t *got = post_until_received(c, push, sub, valid, valid_size);
    assert_non_null(got);
    zmsg_destroy(&got);
    /* Node 2's failure detector declares node 1 failed (the test plays its heartbeat actor). */
    char err[128];
    zsock_t *members = zr_inproc_bind(&c->env[1], ZMQ_PUB, ZR_INPROC_MEMBERS, err, sizeof err);
    assert_non_null(members);
    zr_member_event_t failed = { 1, INCARNATION, ZR_MEMBER_FAILED };
    /* Then the receiver's counter of filtered messages must grow and nothing arrives. */
    int64_t deadline = zclock_mono() + 10000;
    bool filtered = false;
    while (!filtered && zclock_mono() < deadline) {
        zr_inproc_member_publish(members, &failed);   /* again until the subscription is up */
        zr_inproc_udp_post(push, 2, ZR_GROUP_ELECTION, valid, valid_size);
        filtered = test_stat(c->receiver[1], ZR_M_UDP_DROPPED, "failed_sender") > 0;
        while ((got = zmsg_recv_nowait(sub)))
            zmsg_destroy(&got);   /* messages queued before the failure may still be here */
    }
    assert_true(filtered);
    zr_inproc_udp_post(push, 2, ZR_GROUP_ELECTION, valid, valid_size);
    test_stat(c->receiver[1], ZR_M_UDP_DROPPED, "failed_sender");   /* a round trip through its loop */
    zpoller_t *poller = zpoller_new(sub, NULL);
    assert_null(zpoller_wait(poller, 300));
    zpoller_destroy(&poller);
    /* A new incarnation of node 1 (it restarted, or rejoined) is heard again. */
    zr_election_msg_t later = { .state = ZR_PEER_LOOKING, .sender_id = 1, .incarnation = INCARNATION + 1,
                                .round = 1, .leader_id = 1 };
    assert_int_equal(zr_election_msg_encode(&later, valid, sizeof valid, &valid_size), ZR_ENCODE_OK);
    got = post_until_received(c, push, sub, valid, valid_size);
    assert_non_null(got);
    zmsg_destroy(&got);
    zsock_destroy(&members);
    zsock_destroy(&push);
    zsock_destroy(&sub);
}

/* Sends [group length]["election"][bytes] to node 2's UDP port, as anyone on the host could. */
static void send_raw(const cluster_t *c, const uint8_t *bytes, size_t size)
{
    uint8_t datagram[ZR_PROTO_UDP_MAX_DATAGRAM] = { 8, 'e', 'l', 'e', 'c', 't', 'i', 'o', 'n' };
    memcpy(datagram + 9, bytes, size);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                              .sin_port = htons((uint16_t) zr_config_node(c->config, 2)->udp_port) };
    assert_int_equal(sendto(fd, datagram, 9 + size, 0, (struct sockaddr *) &to, sizeof to), (ssize_t) (9 + size));
    close(fd);
}

#define MARKED_ROUND 777

/* A notification from node 1 (round MARKED_ROUND) sealed with key and stamp (as a member, or a
 * forger, would). */
static size_t sealed_from_1(const uint8_t *key, uint64_t incarnation, uint64_t sequence, uint8_t *out)
{
    uint8_t message[64];
    size_t size = election_in_round(1, MARKED_ROUND, message), length;
    zr_datagram_stamp_t stamp = { 1, incarnation, sequence };
    assert_int_equal(zr_datagram_seal(key, "election", &stamp, message, size, out, 256, &length), 0);
    return length;
}

/* Waits until node 2's receiver reports `count` drops for `reason`. */
static void wait_for_drops(const cluster_t *c, const char *reason, int count)
{
    int64_t deadline = zclock_mono() + 10000;
    bool seen = false;
    while (!seen && zclock_mono() < deadline) {
        seen = test_stat(c->receiver[1], ZR_M_UDP_DROPPED, reason) == count;
        if (!seen)
            zclock_sleep(20);   /* polling interval of a condition with a deadline */
    }
    if (!seen)
        fail_msg("node 2 never counted %d drops for %s", count, reason);
}

static void keys_refuse_bare_forged_replayed_superseded_and_mismatched(void **state)
{
    cluster_t *c = *state;
    zsock_t *sub = zr_inproc_udp_in_subscribe(&c->env[1], ZR_MSG_ELECTION);
    zsock_t *push = zr_inproc_udp_out_connect(&c->env[0]);
    uint8_t valid[64], claim_2[64], sealed[256], wrong_key[ZR_DATAGRAM_KEY_SIZE] = { 7 };
    size_t valid_size = election_from(1, valid), claim_size = election_from(2, claim_2);
    zmsg_t *got = post_until_received(c, push, sub, valid, valid_size);   /* sealed by node 1's sender */
    assert_non_null(got);
    zmsg_destroy(&got);
    zr_inproc_udp_post(push, 2, ZR_GROUP_ELECTION, claim_2, claim_size);  /* node 1 says it is 2 */
    wait_for_drops(c, "sender_mismatch", 1);
    send_raw(c, valid, valid_size);                                        /* no envelope */
    wait_for_drops(c, "unauthenticated", 1);
    send_raw(c, sealed, sealed_from_1(wrong_key, c->env[0].incarnation, 1u << 30, sealed));
    wait_for_drops(c, "forged", 1);
    const uint8_t *key = zr_keys_datagram_key(c->keys[0]);
    size_t length = sealed_from_1(key, c->env[0].incarnation, 1u << 30, sealed);
    send_raw(c, sealed, length);                                           /* genuine, then again */
    send_raw(c, sealed, length);
    wait_for_drops(c, "replayed", 1);
    send_raw(c, sealed, sealed_from_1(key, c->env[0].incarnation - 1, 1, sealed));
    wait_for_drops(c, "old_incarnation", 1);
    /* a round trip: everything received is published */
    assert_true(test_stat(c->receiver[1], ZR_M_UDP_DROPPED, "malformed") == 0);
    int marked = 0;   /* of the raw datagrams, only the first genuine one went through */
    while ((got = zmsg_recv_nowait(sub))) {
        zframe_t *payload = zmsg_last(got);
        zr_election_msg_t decoded;
        assert_int_equal(zr_election_msg_decode(zframe_data(payload), zframe_size(payload), &decoded), ZR_DECODE_OK);
        marked += decoded.round == MARKED_ROUND;
        zmsg_destroy(&got);
    }
    assert_int_equal(marked, 1);
    zsock_destroy(&push);
    zsock_destroy(&sub);
}

static void bad_bind_fails_with_reason(void **state)
{
    char text[512], err[256] = "";
    int port = test_free_port(SOCK_DGRAM);
    snprintf(text, sizeof text, "nodes\n    1\n        host = 127.0.0.1\n        udp_port = %d\n"
             "        http_port = %d\n", port, test_free_port(SOCK_STREAM));
    zr_config_t *config = zr_config_parse(text, "test", err, sizeof err);
    snprintf(config->log_dir, sizeof config->log_dir, "/tmp/zrun-test-udp-actors");
    snprintf(config->nodes[0].ipv4, sizeof config->nodes[0].ipv4, "192.0.2.1");
    zr_env_t env;
    zr_env_init(&env, config, 1, NULL);
    assert_null(zr_actor_start(zr_udp_receiver_actor, &env, err, sizeof err));
    assert_non_null(strstr(err, "no interface of this host has that address"));
    env.node_id = 5;
    assert_null(zr_actor_start(zr_udp_receiver_actor, &env, err, sizeof err));
    assert_string_equal(err, "node 5 is not in the cluster file");
    zr_config_destroy(&config);
}

int main(void)
{
    zsys_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(notification_crosses_and_garbage_is_counted, start_cluster, stop_cluster),
        cmocka_unit_test_setup_teardown(dropped_peer_is_filtered, start_cluster, stop_cluster),
        cmocka_unit_test_setup_teardown(keys_refuse_bare_forged_replayed_superseded_and_mismatched,
                                        start_secure_cluster, stop_cluster),
        cmocka_unit_test(bad_bind_fails_with_reason),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    zsys_shutdown();
    return failed;
}
