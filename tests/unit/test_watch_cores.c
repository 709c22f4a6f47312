/* test_watch_cores: the small pure watchers behind the metrics: the election watch (elections
 * counted and timed from LOOKING to a verdict, also across a rejoin), the gateway's per-request
 * stopwatch, and the failure detector's figures per member. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "actors/election/zr_election_watch.h"
#include "actors/gossip/zr_gossip_metrics.h"
#include "runtime/zr_latency.h"

static void elections_are_counted_and_timed(void **state)
{
    (void) state;
    zr_election_watch_t watch = { 0 };
    zr_election_change_t change = zr_election_watch_enter(&watch, ZR_PEER_LOOKING, 1000);
    assert_true(change.started && !change.ended);
    change = zr_election_watch_switch(&watch, ZR_PEER_LOOKING, ZR_PEER_FOLLOWING, 1400);
    assert_true(change.ended && change.duration_ms == 400);
    change = zr_election_watch_switch(&watch, ZR_PEER_FOLLOWING, ZR_PEER_LOOKING, 5000);
    assert_true(change.started);
    change = zr_election_watch_enter(&watch, ZR_PEER_LOOKING, 5100);   /* a rejoin mid-election */
    assert_false(change.started || change.ended);
    change = zr_election_watch_switch(&watch, ZR_PEER_LOOKING, ZR_PEER_LEADING, 5900);
    assert_true(change.ended && change.duration_ms == 900);
    assert_int_equal(watch.elections, 2);
    zr_metrics_t *set = zr_metrics_new();
    zr_leader_view_t view = { ZR_PEER_LEADING, 7, 4 };
    zr_election_watch_metrics(&watch, &view, set);
    double value = 0;
    assert_true(zr_metrics_get(set, ZR_M_NODE_STATE, "LEADING", &value) && value == 1);
    assert_true(zr_metrics_get(set, ZR_M_NODE_STATE, "LOOKING", &value) && value == 0);
    assert_true(zr_metrics_get(set, ZR_M_ELECTIONS, NULL, &value) && value == 2);
    assert_true(zr_metrics_get(set, ZR_M_ELECTION_LEADER, NULL, &value) && value == 7);
    zr_histogram_t durations;
    assert_true(zr_metrics_get_histogram(set, ZR_M_ELECTION_DURATION, NULL, &durations));
    assert_int_equal(durations.count, 2);
    assert_true(durations.sum > 1.29 && durations.sum < 1.31);
    zr_metrics_destroy(&set);
    zr_election_watch_t observer = { 0 };
    change = zr_election_watch_enter(&observer, ZR_PEER_OBSERVER, 0);   /* the gateway never looks */
    assert_false(change.started || change.ended);
}

static void requests_are_timed_once_each(void **state)
{
    (void) state;
    zr_latency_t *latency = zr_latency_new(2);
    int64_t elapsed = 0;
    zr_latency_start(latency, 10, 1000);
    zr_latency_start(latency, 10, 1500);   /* already running: the first start stands */
    zr_latency_start(latency, 11, 1000);
    zr_latency_start(latency, 12, 1000);   /* over the limit: not timed */
    assert_int_equal(zr_latency_running(latency), 2);
    assert_true(zr_latency_stop(latency, 10, 1040, &elapsed));
    assert_int_equal(elapsed, 40);
    assert_false(zr_latency_stop(latency, 10, 1050, &elapsed));
    assert_false(zr_latency_stop(latency, 12, 1050, &elapsed));
    zr_latency_forget(latency, 11);
    assert_int_equal(zr_latency_running(latency), 0);
    const zr_histogram_t *histogram = zr_latency_histogram(latency);
    assert_int_equal(histogram->count, 1);
    assert_true(histogram->sum > 0.0399 && histogram->sum < 0.0401);
    zr_latency_destroy(&latency);
}

static void the_detector_reports_each_member(void **state)
{
    (void) state;
    int64_t ids[] = { 1, 2, 3 };
    zr_gossip_config_t config = { .self_id = 1, .server_ids = ids, .server_count = 3, .self_incarnation = 10 };
    zr_timings_t timings;
    zr_timings_default(&timings, 100);
    zr_gossip_config_timings(&config, &timings);
    zr_gossip_t *gossip = zr_gossip_new(&config, 0);
    assert_non_null(gossip);
    zr_gossip_msg_t from_two = { .sender_id = 2, .sender_incarnation = 20, .sender_seq = 5 };
    zr_gossip_receive(gossip, &from_two, 100);
    zr_gossip_tick(gossip, 100);
    zr_metrics_t *set = zr_metrics_new();
    zr_gossip_metrics(gossip, 350, set);
    double value = 0;
    assert_true(zr_metrics_get(set, ZR_M_PEER_HEARTBEAT_AGE, "2", &value) && value == 0.25);
    assert_false(zr_metrics_get(set, ZR_M_PEER_HEARTBEAT_AGE, "3", &value));   /* never heard */
    assert_true(zr_metrics_get(set, ZR_M_PEER_INCARNATION, "2", &value) && value == 20);
    assert_true(zr_metrics_get(set, ZR_M_PEER_FAILED, "2", &value) && value == 0);
    assert_true(zr_metrics_get(set, ZR_M_HEARTBEATS_RECEIVED, NULL, &value) && value == 1);
    assert_true(zr_metrics_get(set, ZR_M_NODE_INCARNATION, NULL, &value) && value == 10);
    assert_true(zr_metrics_get(set, ZR_M_HEARTBEATS_SENT, NULL, &value) && value >= 1);
    zr_metrics_destroy(&set);
    zr_gossip_destroy(&gossip);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(elections_are_counted_and_timed),
        cmocka_unit_test(requests_are_timed_once_each),
        cmocka_unit_test(the_detector_reports_each_member),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
