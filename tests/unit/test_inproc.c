/* test_inproc: the contract between a process's actors: endpoints under a per-process prefix, and
 * every message decoded as sent; malformed messages are refused, never half-decoded. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "runtime/zr_inproc.h"

static zr_config_t *config;
static zr_env_t env_a, env_b;

static int setup(void **state)
{
    char err[128];
    config = zr_config_parse("nodes\n    1\n        udp_port = 9000\n        http_port = 9003\n", "t",
                             err, sizeof err);
    zr_env_init(&env_a, config, 1, "test-a");
    zr_env_init(&env_b, config, 1, "test-b");
    return config ? 0 : -1;
}

static int teardown(void **state)
{
    zr_config_destroy(&config);
    return 0;
}

/* A connected PAIR of sockets on a fresh endpoint: messages sent on one arrive on the other. */
static void pair(zsock_t **a, zsock_t **b)
{
    static int count;
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "inproc://test-inproc-pair-%d", count++);
    *a = zsock_new(ZMQ_PAIR);
    *b = zsock_new(ZMQ_PAIR);
    zsock_bind(*a, "%s", endpoint);
    zsock_connect(*b, "%s", endpoint);
}

static void endpoints_carry_the_prefix(void **state)
{
    char buf[256];
    assert_string_equal(zr_inproc_endpoint(&env_a, ZR_INPROC_MEMBERS, buf), "inproc://test-a-members");
    zr_env_t plain;
    zr_env_init(&plain, config, 7, NULL);
    assert_string_equal(zr_inproc_endpoint(&plain, ZR_INPROC_WORK, buf), "inproc://zrun-7-work");
    assert_non_null(zr_env_me(&env_a));
    assert_null(zr_env_me(&plain));
}

/* Two nodes with the same id in one process: each hears only its own actors. */
static void two_prefixes_do_not_cross(void **state)
{
    char err[128];
    zsock_t *pub_a = zr_inproc_bind(&env_a, ZMQ_PUB, ZR_INPROC_LEADER, err, sizeof err);
    zsock_t *pub_b = zr_inproc_bind(&env_b, ZMQ_PUB, ZR_INPROC_LEADER, err, sizeof err);
    assert_non_null(pub_a);
    assert_non_null(pub_b);
    assert_null(zr_inproc_bind(&env_a, ZMQ_PUB, ZR_INPROC_LEADER, err, sizeof err));
    assert_string_equal(err, "cannot bind inproc://test-a-leader");
    zsock_t *sub_b = zr_inproc_leader_subscribe(&env_b);
    zr_leader_view_t from_a = { ZR_PEER_LEADING, 1, 5 }, from_b = { ZR_PEER_FOLLOWING, 2, 6 }, got;
    zpoller_t *poller = zpoller_new(sub_b, NULL);
    bool heard = false;
    for (int i = 0; i < 100 && !heard; i++) {   /* until the subscription is up */
        zr_inproc_leader_publish(pub_a, &from_a);
        zr_inproc_leader_publish(pub_b, &from_b);
        heard = zpoller_wait(poller, 20) != NULL;
    }
    assert_true(heard);
    assert_true(zr_inproc_leader_recv(sub_b, &got));
    assert_int_equal(got.state, ZR_PEER_FOLLOWING);
    assert_int_equal(got.leader_id, 2);
    assert_int_equal(got.epoch, 6);
    zpoller_destroy(&poller);
    zsock_destroy(&sub_b);
    zsock_destroy(&pub_a);
    zsock_destroy(&pub_b);
}

static void member_events_round_trip_and_bad_ones_are_refused(void **state)
{
    zsock_t *a, *b;
    pair(&a, &b);
    zr_member_event_t sent = { 42, 7, ZR_MEMBER_FAILED }, got;
    zr_inproc_member_publish(a, &sent);
    assert_true(zr_inproc_member_recv(b, &got));
    assert_int_equal(got.id, 42);
    assert_int_equal(got.incarnation, 7);
    assert_int_equal(got.state, ZR_MEMBER_FAILED);
    int64_t id = 1, bad_state = 9;
    zsock_send(a, "sbbb", "MEMBER", &id, sizeof id, &id, sizeof id, &bad_state, sizeof bad_state);
    assert_false(zr_inproc_member_recv(b, &got));
    zsock_send(a, "sb", "MEMBER", &id, (size_t) 3);   /* short frame */
    assert_false(zr_inproc_member_recv(b, &got));
    zsock_destroy(&a);
    zsock_destroy(&b);
}

static void datagrams_to_send_round_trip(void **state)
{
    zsock_t *a, *b;
    pair(&a, &b);
    zr_inproc_udp_post(a, ZR_INPROC_BROADCAST, 1, (const uint8_t *) "abc", 3);
    int peer = 0, group = 0;
    zframe_t *payload = NULL;
    assert_true(zr_inproc_udp_take(b, &peer, &group, &payload));
    assert_int_equal(peer, ZR_INPROC_BROADCAST);
    assert_int_equal(group, 1);
    assert_true(zframe_streq(payload, "abc"));
    zframe_destroy(&payload);
    zstr_send(a, "garbage");
    assert_false(zr_inproc_udp_take(b, &peer, &group, &payload));
    assert_null(payload);
    zsock_destroy(&a);
    zsock_destroy(&b);
}

static void commands_decode_their_arguments(void **state)
{
    zsock_t *a, *b;
    pair(&a, &b);
    zr_inproc_command_t command;
    zr_inproc_send_id(a, ZR_CMD_WORKER_UP, 7);
    assert_true(zr_inproc_command_recv(b, &command));
    assert_true(zr_inproc_is(&command, ZR_CMD_WORKER_UP));
    assert_int_equal(command.id, 7);
    zr_inproc_send_id(a, ZR_CMD_WORKER_BACK, 9);
    assert_true(zr_inproc_command_recv(b, &command));
    assert_true(zr_inproc_is(&command, ZR_CMD_WORKER_BACK));
    assert_int_equal(command.id, 9);
    zr_inproc_send_worker(a, (zactor_t *) &command);
    assert_true(zr_inproc_command_recv(b, &command));
    assert_true(zr_inproc_is(&command, ZR_CMD_WORKER));
    assert_ptr_equal(command.pointer, &command);
    zr_inproc_send_metrics(a, "x 1\n");
    assert_true(zr_inproc_command_recv(b, &command));
    assert_string_equal(command.text, "x 1\n");
    zr_inproc_command_fini(&command);
    assert_null(command.text);
    zstr_sendx(a, ZR_CMD_WORKER_DOWN, "12", NULL);   /* an id as text: refused */
    assert_true(zr_inproc_command_recv(b, &command));
    assert_string_equal(command.name, "");
    zstr_send(a, ZR_CMD_TERM);
    assert_true(zr_inproc_command_recv(b, &command));
    assert_true(zr_inproc_is(&command, ZR_CMD_TERM));
    zsock_destroy(&a);
    zsock_destroy(&b);
}

static void pool_and_front_messages_round_trip(void **state)
{
    zsock_t *a, *b;
    pair(&a, &b);
    zr_reply_t reply;
    zr_work_result_msg_t result = { .request_id = 9, .gateway_id = 1, .worker_id = 3,
                                    .status = ZR_JOB_OK, .http_status = 200, .body = { "hi", 2 } };
    zr_inproc_result_send(a, &result);
    assert_int_equal(zr_inproc_reply_recv(b, &reply), ZR_REPLY_RESULT);
    assert_int_equal(reply.result.request_id, 9);
    assert_int_equal(reply.result.worker_id, 3);
    assert_memory_equal(reply.result.body.data, "hi", 2);
    zr_inproc_reply_fini(&reply);
    zr_pool_stats_t stats = { .jvms = 2, .ok = 5 };
    zr_inproc_pool_stats_reply(a, &stats);
    assert_int_equal(zr_inproc_reply_recv(b, &reply), ZR_REPLY_POOL_STATS);
    assert_int_equal(reply.stats.ok, 5);
    zr_inproc_job_send(a, 77, "src", 3);
    assert_int_equal(zr_inproc_reply_recv(b, &reply), ZR_REPLY_JOB);
    assert_int_equal(reply.job_id, 77);
    assert_true(zframe_streq(reply.frame, "src"));
    zr_inproc_reply_fini(&reply);
    zr_inproc_gone_send(a, 78);
    assert_int_equal(zr_inproc_reply_recv(b, &reply), ZR_REPLY_GONE);
    assert_int_equal(reply.job_id, 78);
    zr_inproc_reply_fini(&reply);
    zstr_sendx(a, "GONE", "not an id", NULL);
    assert_int_equal(zr_inproc_reply_recv(b, &reply), ZR_REPLY_NONE);
    zstr_sendx(a, "RESULT", "not a work result", NULL);
    assert_int_equal(zr_inproc_reply_recv(b, &reply), ZR_REPLY_NONE);
    zr_front_msg_t msg;
    zr_inproc_fail_send(a, 5, 503, "no leader");
    assert_true(zr_inproc_front_recv(b, &msg));
    assert_int_equal(msg.kind, ZR_FRONT_FAIL);
    assert_int_equal(msg.id, 5);
    assert_int_equal(msg.status, 503);
    assert_string_equal(msg.text, "no leader");
    zr_inproc_front_fini(&msg);
    zr_inproc_page_send(a, "/cluster", 200, "plain", "{}");
    assert_true(zr_inproc_front_recv(b, &msg));
    assert_int_equal(msg.kind, ZR_FRONT_PAGE);
    assert_string_equal(msg.path, "/cluster");
    assert_string_equal(msg.json, "{}");
    zr_inproc_front_fini(&msg);
    zr_inproc_page_send(a, "/x", 99, "plain", "");   /* not an HTTP status */
    assert_true(zr_inproc_front_recv(b, &msg));
    assert_int_equal(msg.kind, ZR_FRONT_NONE);
    zsock_destroy(&a);
    zsock_destroy(&b);
}

/* Events: what an actor sends is what the monitor takes; the monitor's queue never blocks a
 * sender (a full one loses the event); malformed messages are refused. */
static void events_round_trip_and_a_full_queue_never_blocks(void **state)
{
    char endpoint[256];
    zsock_t *pull = zsock_new(ZMQ_PULL);
    zsock_set_rcvhwm(pull, 1);   /* before bind: inproc takes the binder's options at bind */
    assert_int_equal(zsock_bind(pull, "%s", zr_inproc_endpoint(&env_a, ZR_INPROC_EVENTS, endpoint)), 0);
    zsock_t *push = zr_inproc_events_connect(&env_a, 1);
    zr_inproc_event_t sent = { ZR_EVENT_FAILURE, 1234, "peer=2", "", 7 }, got;
    assert_int_equal(zr_inproc_event_send(push, &sent), 0);
    int refused = 0;
    for (int i = 0; i < 100; i++)   /* nobody reads: the queues fill, sends fail at once */
        refused += zr_inproc_event_send(push, &sent) != 0;
    assert_true(refused > 90);
    assert_true(zr_inproc_event_take(pull, &got));
    assert_int_equal(got.kind, ZR_EVENT_FAILURE);
    assert_int_equal(got.t_ms, 1234);
    assert_string_equal(got.fields, "peer=2");
    assert_string_equal(got.reason, "");
    assert_int_equal(got.dropped, 7);
    zr_inproc_event_fini(&got);
    while (zsock_events(pull) & ZMQ_POLLIN) {
        assert_true(zr_inproc_event_take(pull, &got));
        zr_inproc_event_fini(&got);
    }
    zsock_t *raw = zr_inproc_connect(&env_a, ZMQ_PUSH, ZR_INPROC_EVENTS);
    zstr_sendx(raw, "garbage", NULL);
    assert_false(zr_inproc_event_take(pull, &got));
    zmsg_t *bad_kind = zmsg_new();
    int64_t kind = ZR_EVENT_KIND_COUNT, t = 0;
    uint64_t dropped = 0;
    zmsg_addmem(bad_kind, &kind, sizeof kind);
    zmsg_addmem(bad_kind, &t, sizeof t);
    zmsg_addstr(bad_kind, "");
    zmsg_addstr(bad_kind, "");
    zmsg_addmem(bad_kind, &dropped, sizeof dropped);
    zmsg_send(&bad_kind, raw);
    assert_false(zr_inproc_event_take(pull, &got));
    zsock_destroy(&raw);
    zsock_destroy(&push);
    zsock_destroy(&pull);
}

/* STATS answers with a metric set; REPORT hands one to an actor; junk is no set. */
static void stats_and_reports_carry_metric_sets(void **state)
{
    zsock_t *owner, *actor;
    pair(&owner, &actor);
    zr_metrics_t *set = zr_metrics_new();
    zr_metrics_add(set, ZR_M_TCP_BACKLOG, NULL, 3);
    zr_inproc_stats_reply(actor, &set);   /* the answer, queued before the question (one thread) */
    assert_null(set);
    zr_metrics_t *got = zr_inproc_stats(owner);
    char *question = zstr_recv(actor);
    assert_string_equal(question, ZR_CMD_STATS);
    zstr_free(&question);
    assert_non_null(got);
    double value = 0;
    assert_true(zr_metrics_get(got, ZR_M_TCP_BACKLOG, NULL, &value) && value == 3);
    assert_int_equal(zr_inproc_send_report(owner, got), 0);
    zr_inproc_command_t command;
    assert_true(zr_inproc_command_recv(actor, &command));
    assert_true(zr_inproc_is(&command, ZR_CMD_REPORT));
    assert_true(zr_metrics_get(command.metrics, ZR_M_TCP_BACKLOG, NULL, &value) && value == 3);
    zr_inproc_command_fini(&command);
    zstr_sendx(owner, ZR_CMD_REPORT, "not a set", NULL);
    assert_true(zr_inproc_command_recv(actor, &command));
    assert_string_equal(command.name, "");   /* malformed: refused */
    zr_inproc_command_fini(&command);
    zr_metrics_destroy(&got);
    zsock_destroy(&owner);
    zsock_destroy(&actor);
}

int main(void)
{
    zsys_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(endpoints_carry_the_prefix),
        cmocka_unit_test(two_prefixes_do_not_cross),
        cmocka_unit_test(member_events_round_trip_and_bad_ones_are_refused),
        cmocka_unit_test(datagrams_to_send_round_trip),
        cmocka_unit_test(commands_decode_their_arguments),
        cmocka_unit_test(pool_and_front_messages_round_trip),
        cmocka_unit_test(events_round_trip_and_a_full_queue_never_blocks),
        cmocka_unit_test(stats_and_reports_carry_metric_sets),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    zsys_shutdown();
    return failed;
}
