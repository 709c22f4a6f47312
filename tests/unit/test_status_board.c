/* test_status_board: what GET /status and GET /node say, without a cluster: traffic samples from
 * cumulative histograms, a node's report from its metric set and back through JSON, and the
 * board's members (roles, states, figures), its events (deduplicated, first joins left out). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "actors/observe/zr_node_report.h"
#include "actors/observe/zr_status_board.h"
#include "actors/observe/zr_traffic.h"

static void traffic_samples_are_differences_of_the_histogram(void **state)
{
    (void) state;
    zr_traffic_t traffic = { 0 };
    zr_histogram_t cumulative = { 0 };
    zr_traffic_observe(&traffic, 1000, &cumulative);          /* the baseline only */
    assert_int_equal(zr_traffic_count(&traffic), 0);
    for (int i = 0; i < 10; i++)
        zr_histogram_observe_ms(&cumulative, i < 9 ? 4 : 200);
    zr_traffic_observe(&traffic, 3000, &cumulative);          /* 10 answers in 2 s */
    zr_traffic_observe(&traffic, 3000, &cumulative);          /* time did not move: ignored */
    zr_traffic_observe(&traffic, 4000, &cumulative);          /* nothing new */
    zr_traffic_sample_t s;
    assert_int_equal(zr_traffic_count(&traffic), 2);
    assert_true(zr_traffic_at(&traffic, 0, &s));
    assert_int_equal(s.t_ms, 3000);
    assert_true(s.rps == 5);
    assert_true(s.has_latency && s.p50_ms > 2.5 && s.p50_ms <= 5 && s.p99_ms > 100 && s.p99_ms <= 250);
    assert_true(zr_traffic_at(&traffic, 1, &s) && s.rps == 0 && !s.has_latency);
    assert_false(zr_traffic_at(&traffic, 2, &s));
    for (int64_t t = 5000; t < 5000 + 1000 * (ZR_TRAFFIC_SAMPLES + 5); t += 1000)
        zr_traffic_observe(&traffic, t, &cumulative);
    assert_int_equal(zr_traffic_count(&traffic), ZR_TRAFFIC_SAMPLES);   /* five minutes, the oldest dropped */
    assert_true(zr_traffic_at(&traffic, 0, &s) && s.t_ms == 5000 + 1000 * 5);
}

static zr_metrics_t *follower_figures(void)
{
    zr_metrics_t *set = zr_metrics_new();
    zr_metrics_add(set, ZR_M_NODE_STATE, "LOOKING", 0);
    zr_metrics_add(set, ZR_M_NODE_STATE, "FOLLOWING", 1);
    zr_metrics_add(set, ZR_M_ELECTION_EPOCH, NULL, 3);
    zr_metrics_add(set, ZR_M_ELECTION_LEADER, NULL, 4);
    zr_metrics_add(set, ZR_M_NODE_INCARNATION, NULL, 1700000000000);
    zr_metrics_add(set, ZR_M_RUNNER_JOBS, "ok", 40);
    zr_metrics_add(set, ZR_M_RUNNER_JOBS, "compile_error", 2);
    zr_metrics_add(set, ZR_M_RUNNER_JVMS, NULL, 2);
    zr_metrics_add(set, ZR_M_RUNNER_JVMS_BUSY, NULL, 1);
    zr_metrics_add(set, ZR_M_RUNNER_RECENT_P50, NULL, 0.0075);
    return set;
}

static void a_node_report_comes_from_its_metrics_and_round_trips(void **state)
{
    (void) state;
    zr_metrics_t *set = follower_figures();
    zr_node_report_t report, back;
    zr_node_report_from_metrics(&report, set, 2);
    assert_string_equal(report.role, "FOLLOWER");
    assert_string_equal(report.state, "FOLLOWING");
    assert_true(report.epoch == 3 && report.leader == 4 && report.incarnation == 1700000000000);
    assert_true(report.has_jobs && report.jobs_done == 42 && report.jvms_busy == 1 && report.jvms_total == 2);
    assert_true(report.has_p50 && fabs(report.p50_ms - 7.5) < 1e-9);
    char *json = zr_node_report_json(&report, 123);
    assert_true(zr_node_report_parse(json, &back));
    assert_memory_equal(&back, &report, sizeof back);
    free(json);
    zr_metrics_t *gateway = zr_metrics_new();   /* no pool, no leader */
    zr_metrics_add(gateway, ZR_M_NODE_STATE, "OBSERVER", 1);
    zr_metrics_add(gateway, ZR_M_ELECTION_LEADER, NULL, -1);
    zr_node_report_from_metrics(&report, gateway, 0);
    json = zr_node_report_json(&report, 123);
    assert_non_null(strstr(json, "\"role\":\"OBSERVER\""));
    assert_non_null(strstr(json, "\"leader\":null"));
    assert_non_null(strstr(json, "\"jobs_done\":null"));
    assert_true(zr_node_report_parse(json, &back) && !back.has_jobs && back.leader == -1);
    assert_false(zr_node_report_parse("{\"role\":\"LEADER\"}", &back));   /* no id */
    assert_false(zr_node_report_parse("[1,2]", &back));
    assert_false(zr_node_report_parse("not json", &back));
    assert_false(zr_node_report_parse(NULL, &back));
    free(json);
    zr_metrics_destroy(&gateway);
    zr_metrics_destroy(&set);
}

static zr_config_t config_of(int nodes)
{
    zr_config_t config;
    zr_config_defaults(&config);
    config.node_count = (size_t) nodes + 1;
    for (int id = 0; id <= nodes; id++)
        config.nodes[id] = (zr_node_config_t) { .id = id, .role = id ? ZR_ROLE_PEER : ZR_ROLE_GATEWAY };
    return config;
}

/* The gateway's own figures: leader 3, members 1..3 heard, 2 suspected, 3 failed. */
static zr_metrics_t *gateway_figures(int64_t leader, uint64_t answered)
{
    zr_metrics_t *set = zr_metrics_new();
    zr_metrics_add(set, ZR_M_ELECTION_LEADER, NULL, (double) leader);
    zr_metrics_add(set, ZR_M_ELECTION_EPOCH, NULL, 5);
    zr_metrics_add(set, ZR_M_NODE_INCARNATION, NULL, 900);
    for (int id = 1; id <= 3; id++) {
        zr_metrics_add_id(set, ZR_M_PEER_INCARNATION, id, 1000 + id);
        zr_metrics_add_id(set, ZR_M_PEER_HEARTBEAT_AGE, id, 0.25 * id);
        zr_metrics_add_id(set, ZR_M_PEER_SUSPECTED, id, id == 2);
        zr_metrics_add_id(set, ZR_M_PEER_FAILED, id, id == 3);
    }
    zr_metrics_add_id(set, ZR_M_PEER_INCARNATION, 4, 0);   /* never heard */
    zr_histogram_t latency = { 0 };
    for (uint64_t i = 0; i < answered; i++)
        zr_histogram_observe_ms(&latency, 10);
    zr_metrics_histogram(set, ZR_M_GATEWAY_DURATION, NULL, &latency);
    return set;
}

static json_t *status_of(zr_status_board_t *board, int64_t now)
{
    char *text = zr_status_board_json(board, now);
    json_t *root = json_loads(text, 0, NULL);
    free(text);
    assert_non_null(root);
    return root;
}

static json_t *member(json_t *root, int64_t id)
{
    size_t index;
    json_t *m;
    json_array_foreach(json_object_get(root, "members"), index, m)
        if (json_integer_value(json_object_get(m, "id")) == id)
            return m;
    return NULL;
}

static const char *text_of(json_t *object, const char *key)
{
    return json_string_value(json_object_get(object, key));
}

static void members_get_roles_states_and_figures(void **state)
{
    (void) state;
    zr_config_t config = config_of(4);
    zr_status_board_t *board = zr_status_board_new(&config, 0);
    zr_metrics_t *before = gateway_figures(1, 0), *after = gateway_figures(1, 10);
    zr_status_board_report(board, before, 10000);
    zr_status_board_report(board, after, 11000);
    zr_metrics_t *figures = follower_figures();
    zr_node_report_t report;
    zr_node_report_from_metrics(&report, figures, 2);
    assert_true(zr_status_board_member(board, &report, 11000));
    report.id = 9;
    assert_false(zr_status_board_member(board, &report, 11000));   /* not in the cluster file */
    json_t *root = status_of(board, 11500);
    assert_int_equal(json_integer_value(json_object_get(root, "gateway")), 0);
    assert_int_equal(json_integer_value(json_object_get(root, "now_ms")), 11500);
    assert_int_equal(json_integer_value(json_object_get(root, "leader")), 1);
    assert_int_equal(json_array_size(json_object_get(root, "members")), 4);   /* 4: never heard */
    assert_null(member(root, 4));
    assert_string_equal(text_of(member(root, 0), "role"), "OBSERVER");
    assert_int_equal(json_integer_value(json_object_get(member(root, 0), "incarnation")), 900);
    assert_string_equal(text_of(member(root, 1), "role"), "LEADER");
    assert_string_equal(text_of(member(root, 1), "state"), "ALIVE");
    assert_int_equal(json_integer_value(json_object_get(member(root, 1), "heartbeat_age_ms")), 250);
    assert_null(json_object_get(member(root, 1), "jobs_done"));   /* its /node never answered */
    json_t *two = member(root, 2);
    assert_string_equal(text_of(two, "role"), "FOLLOWER");
    assert_string_equal(text_of(two, "state"), "SUSPECT");
    assert_int_equal(json_integer_value(json_object_get(two, "incarnation")), 1002);
    assert_int_equal(json_integer_value(json_object_get(two, "jobs_done")), 42);
    assert_int_equal(json_integer_value(json_object_get(two, "jvms_busy")), 1);
    assert_int_equal(json_integer_value(json_object_get(two, "jvms_total")), 2);
    assert_true(json_real_value(json_object_get(two, "p50_ms")) == 7.5);
    assert_string_equal(text_of(member(root, 3), "state"), "FAILED");
    json_t *traffic = json_object_get(root, "traffic");
    assert_int_equal(json_integer_value(json_object_get(traffic, "interval_ms")), 1000);
    json_t *sample = json_array_get(json_object_get(traffic, "samples"), 0);
    assert_true(json_real_value(json_object_get(sample, "rps")) == 10);
    assert_true(json_real_value(json_object_get(sample, "p50_ms")) > 7.5);
    json_decref(root);
    zr_metrics_destroy(&figures);
    zr_metrics_destroy(&before);
    zr_metrics_destroy(&after);
    zr_status_board_destroy(&board);
}

static void a_failed_leader_keeps_its_role_and_no_leader_reads_looking(void **state)
{
    (void) state;
    zr_config_t config = config_of(3);
    zr_status_board_t *board = zr_status_board_new(&config, 0);
    zr_metrics_t *led = gateway_figures(3, 0), *none = gateway_figures(-1, 0);
    zr_status_board_report(board, led, 1000);   /* 3 is failed already: it was no leader we saw */
    zr_status_board_report(board, none, 2000);
    json_t *root = status_of(board, 2000);
    assert_true(json_is_null(json_object_get(root, "leader")));
    assert_string_equal(text_of(member(root, 1), "role"), "LOOKING");
    assert_string_equal(text_of(member(root, 0), "role"), "OBSERVER");
    json_decref(root);
    zr_metrics_destroy(&led);
    zr_metrics_destroy(&none);
    zr_status_board_destroy(&board);
}

static void feed(zr_status_board_t *board, const char *line)
{
    char copy[512];
    snprintf(copy, sizeof copy, "%s", line);
    zr_event_line_t event;
    assert_true(zr_event_line_parse(copy, &event));
    zr_status_board_event(board, &event);
}

static void events_are_deduplicated_and_told_in_words(void **state)
{
    (void) state;
    zr_config_t config = config_of(3);
    zr_status_board_t *board = zr_status_board_new(&config, 0);
    feed(board, "kind=join node=0 t=100 seq=1 peer=2 incarnation=50");      /* the cluster starting */
    feed(board, "kind=election.start node=1 t=200 seq=1 epoch=0");
    feed(board, "kind=election.start node=2 t=201 seq=1 epoch=0");          /* the same election */
    feed(board, "kind=election.end node=1 t=300 seq=2 epoch=1 leader=2 state=FOLLOWING duration_ms=100");
    feed(board, "kind=election.end node=2 t=301 seq=2 epoch=1 leader=2 state=LEADING duration_ms=101");
    feed(board, "kind=suspect node=1 t=400 seq=3 peer=3 silent_ms=500");    /* another node's view */
    feed(board, "kind=suspect node=0 t=401 seq=2 peer=3 silent_ms=500");
    feed(board, "kind=failure node=0 t=900 seq=3 peer=3 silent_ms=1000");
    feed(board, "kind=join node=0 t=950 seq=4 peer=2 incarnation=50");      /* heard again, same one */
    feed(board, "kind=join node=0 t=990 seq=5 peer=2 incarnation=60");      /* a new incarnation */
    feed(board, "kind=request.completed node=0 t=999 seq=6 request=5");     /* not a page event */
    json_t *root = status_of(board, 1000);
    json_t *events = json_object_get(root, "events");
    const char *kinds[] = { "ELECTION", "LEADER", "SUSPECT", "FAILED", "REJOINED" };
    const int64_t nodes[] = { 1, 2, 3, 3, 2 };
    assert_int_equal(json_array_size(events), 5);
    for (size_t i = 0; i < 5; i++) {
        json_t *e = json_array_get(events, i);
        assert_string_equal(text_of(e, "kind"), kinds[i]);
        assert_int_equal(json_integer_value(json_object_get(e, "node")), nodes[i]);
    }
    assert_string_equal(text_of(json_array_get(events, 3), "text"), "no heartbeat from server 3 - SERVER FAILED");
    assert_string_equal(text_of(json_array_get(events, 1), "text"), "node 2 leads epoch 1 (election took 100 ms at node 1)");
    json_decref(root);
    for (int i = 0; i < 3 * ZR_STATUS_EVENTS; i++) {
        char line[128];
        snprintf(line, sizeof line, "kind=election.start node=1 t=%d seq=%d epoch=%d", 2000 + i, 10 + i, 10 + i);
        feed(board, line);
    }
    root = status_of(board, 9000);
    assert_int_equal(json_array_size(json_object_get(root, "events")), ZR_STATUS_EVENTS);
    json_t *last = json_array_get(json_object_get(root, "events"), ZR_STATUS_EVENTS - 1);
    assert_int_equal(json_integer_value(json_object_get(last, "t")), 2000 + 3 * ZR_STATUS_EVENTS - 1);   /* newest last */
    json_decref(root);
    zr_status_board_destroy(&board);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(traffic_samples_are_differences_of_the_histogram),
        cmocka_unit_test(a_node_report_comes_from_its_metrics_and_round_trips),
        cmocka_unit_test(members_get_roles_states_and_figures),
        cmocka_unit_test(a_failed_leader_keeps_its_role_and_no_leader_reads_looking),
        cmocka_unit_test(events_are_deduplicated_and_told_in_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
