/* test_tcp_server: the TCP relay hands a valid work request to the attached role actor and
 * its reply back to the sender; garbage is dropped and counted; requests wait while detached. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "actors/transport/zr_tcp_server.h"
#include "proto/zr_proto.h"
#include "runtime/zr_actor.h"
#include "tests/unit/test_support.h"

typedef struct {
    zr_config_t *config;
    zr_env_t env;
    zactor_t *server;
    zsock_t *client;   /* plays the gateway: a DEALER on the node's tcp port */
} fixture_t;

static int start_server(void **state)
{
    static fixture_t f;
    char text[512], err[256];
    int udp_port = test_free_port(SOCK_STREAM);
    while (udp_port > 65000)
        udp_port = test_free_port(SOCK_STREAM);
    snprintf(text, sizeof text, "cluster\n    log_dir = /tmp/zrun-test-tcp\n    log_level = off\n"
             "nodes\n    1\n        udp_port = %d\n        http_port = %d\n",
             udp_port, test_free_port(SOCK_STREAM));
    f.config = zr_config_parse(text, "test", err, sizeof err);
    assert_non_null(f.config);
    char prefix[64];
    test_unique_prefix(prefix, sizeof prefix, "test-tcp");
    zr_env_init(&f.env, f.config, 1, prefix);
    f.server = zr_actor_start(zr_tcp_server_actor, &f.env, err, sizeof err);
    if (!f.server)
        fail_msg("%s", err);   /* the tcp port (udp + 2) may be taken: rare, reported plainly */
    f.client = zsock_new(ZMQ_DEALER);
    zsock_set_linger(f.client, 0);
    assert_int_equal(zsock_connect(f.client, "tcp://127.0.0.1:%d", f.config->nodes[0].tcp_port), 0);
    *state = &f;
    return 0;
}

static int stop_server(void **state)
{
    fixture_t *f = *state;
    zsock_destroy(&f->client);
    zr_actor_stop(&f->server);
    zr_config_destroy(&f->config);
    return 0;
}

static void send_request(zsock_t *client, uint64_t id)
{
    uint8_t buffer[256];
    size_t length;
    zr_work_request_msg_t request = { 0, id, 0, 1, 1, { "class A {}", 10 } };
    assert_int_equal(zr_work_request_msg_encode(&request, buffer, sizeof buffer, &length), ZR_ENCODE_OK);
    zsock_send(client, "b", buffer, length);
}

static zmsg_t *recv_within(zsock_t *socket, int timeout_ms)
{
    zpoller_t *poller = zpoller_new(socket, NULL);
    zmsg_t *msg = zpoller_wait(poller, timeout_ms) ? zmsg_recv(socket) : NULL;
    zpoller_destroy(&poller);
    return msg;
}

static uint64_t request_id_of(zframe_t *payload)
{
    zr_work_request_msg_t request;
    assert_int_equal(zr_work_request_msg_decode(zframe_data(payload), zframe_size(payload), &request),
                     ZR_DECODE_OK);
    return request.request_id;
}

static void request_reaches_role_actor_and_reply_returns(void **state)
{
    fixture_t *f = *state;
    zsock_t *link = zr_inproc_work_link_open(&f->env);
    zsock_send(f->client, "s", "garbage that is no message");
    send_request(f->client, 41);
    zmsg_t *in = recv_within(link, 10000);
    assert_non_null(in);
    assert_int_equal(zmsg_size(in), 2);
    assert_int_equal(request_id_of(zmsg_last(in)), 41);
    zframe_t *reply = zmsg_last(in);
    zframe_reset(reply, "answer", 6);
    zmsg_send(&in, link);
    zmsg_t *out = recv_within(f->client, 10000);
    assert_non_null(out);
    assert_true(zframe_streq(zmsg_first(out), "answer"));
    zmsg_destroy(&out);
    assert_true(test_stat(f->server, ZR_M_TCP_DROPPED, "malformed") == 1);
    zr_inproc_work_link_close(&link);
}

static void requests_wait_while_no_role_actor_is_attached(void **state)
{
    fixture_t *f = *state;
    for (uint64_t id = 1; id <= 3; id++)
        send_request(f->client, id);
    /* Wait until the relay holds all three, then attach: they arrive in order. */
    int64_t deadline = zclock_mono() + 10000;
    bool held = false;
    while (!held && zclock_mono() < deadline) {
        held = test_stat(f->server, ZR_M_TCP_BACKLOG, NULL) == 3;
        if (!held)
            zclock_sleep(10);   /* polling a condition with a deadline, not synchronising */
    }
    assert_true(held);
    zsock_t *link = zr_inproc_work_link_open(&f->env);
    for (uint64_t id = 1; id <= 3; id++) {
        zmsg_t *in = recv_within(link, 10000);
        assert_non_null(in);
        assert_int_equal(request_id_of(zmsg_last(in)), id);
        zmsg_destroy(&in);
    }
    zr_inproc_work_link_close(&link);
}

int main(void)
{
    zsys_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(request_reaches_role_actor_and_reply_returns, start_server, stop_server),
        cmocka_unit_test_setup_teardown(requests_wait_while_no_role_actor_is_attached, start_server, stop_server),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    zsys_shutdown();
    return failed;
}
