/* test_event_monitor: an actor's zr_event_emit reaches the monitor actor and comes out of the
 * monitor port as a numbered line; request events are sent only while a subscriber wants them;
 * a subscriber that never reads costs the emitting actor nothing (every emit returns at once)
 * and, once it reads again, can count what it lost. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "actors/transport/zr_monitor.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_event.h"
#include "tests/unit/test_support.h"

typedef struct {
    zr_config_t *config;
    zr_env_t env;
    zactor_t *monitor;
    char endpoint[64];
} fixture_t;

static int start_monitor(void **state)
{
    static fixture_t f;
    char text[512], err[256];
    int base = test_free_port_block(4);
    snprintf(text, sizeof text, "cluster\n    log_dir = /tmp/zrun-test-events\n    log_level = off\n"
             "nodes\n    1\n        udp_port = %d\n        http_port = %d\n", base, base + 3);
    f.config = zr_config_parse(text, "test", err, sizeof err);
    assert_non_null(f.config);
    zr_env_init(&f.env, f.config, 1, "test-events");
    f.env.monitored = true;
    f.monitor = zr_actor_start(zr_monitor_actor, &f.env, err, sizeof err);
    if (!f.monitor)
        fail_msg("%s", err);
    snprintf(f.endpoint, sizeof f.endpoint, "tcp://127.0.0.1:%d", base + 1);
    *state = &f;
    return 0;
}

static int stop_monitor(void **state)
{
    fixture_t *f = *state;
    zr_actor_stop(&f->monitor);
    zr_config_destroy(&f->config);
    return 0;
}

static zsock_t *subscriber(const fixture_t *f, int hwm)
{
    zsock_t *sub = zsock_new(ZMQ_SUB);
    zsock_set_rcvhwm(sub, hwm);
    zsock_set_rcvbuf(sub, 4096);
    zsock_set_subscribe(sub, "");
    zsock_connect(sub, "%s", f->endpoint);
    return sub;
}

/* Emits probes until one arrives (the subscription takes a moment to reach the PUB). */
static char *first_line(zr_events_t *events, zsock_t *sub)
{
    zpoller_t *poller = zpoller_new(sub, NULL);
    char *line = NULL;
    for (int64_t deadline = zclock_mono() + 10000; !line && zclock_mono() < deadline;) {
        zr_event_emit(events, ZR_EVENT_FAILURE, "peer=%d", 7);
        if (zpoller_wait(poller, 100))
            line = zstr_recv(sub);
    }
    zpoller_destroy(&poller);
    return line;
}

static void an_emitted_event_comes_out_as_a_line(void **state)
{
    fixture_t *f = *state;
    zsock_t *sub = subscriber(f, 1000);
    zr_events_t *events = zr_events_open(&f->env);
    char *line = first_line(events, sub);
    assert_non_null(line);
    zr_event_line_t event;
    assert_true(zr_event_line_parse(line, &event));
    assert_string_equal(event.kind, "failure");
    assert_int_equal(event.node, 1);
    assert_true(event.t_ms > 1600000000000);
    assert_string_equal(zr_event_line_get(&event, "peer"), "7");
    zstr_free(&line);
    zr_event_emit_reason(events, ZR_EVENT_JVM_KILL, "Time limit exceeded: run() did not return", "slot=%d", 0);
    while ((line = zstr_recv(sub)) && !strstr(line, "kind=jvm.kill"))
        zstr_free(&line);
    assert_true(zr_event_line_parse(line, &event));
    assert_string_equal(zr_event_line_get(&event, "reason"), "Time limit exceeded: run() did not return");
    zstr_free(&line);
    zr_events_close(&events);
    zsock_destroy(&sub);
}

/* Waits until the monitor says whether a subscriber wants request events. */
static void wait_for_request_audience(const fixture_t *f, double subscribed)
{
    int64_t deadline = zclock_mono() + 10000;
    while (test_stat(f->monitor, ZR_M_EVENTS_REQUEST_SUBSCRIBED, NULL) != subscribed && zclock_mono() < deadline)
        zclock_sleep(20);   /* poll interval: nothing is synchronised by it */
    assert_true(test_stat(f->monitor, ZR_M_EVENTS_REQUEST_SUBSCRIBED, NULL) == subscribed);
}

/* Emits 100 request events, then a failure event, and waits until the monitor published that:
 * returns how many request events it published meanwhile. */
static double request_events_published(const fixture_t *f, zr_events_t *events)
{
    double requests = test_stat(f->monitor, ZR_M_EVENTS_PUBLISHED, "request.completed");
    double failures = test_stat(f->monitor, ZR_M_EVENTS_PUBLISHED, "failure");
    for (int i = 0; i < 100; i++)
        zr_event_emit(events, ZR_EVENT_REQUEST_COMPLETED, "request=%d worker=2 status=OK", i);
    zr_event_emit(events, ZR_EVENT_FAILURE, "peer=%d", 7);   /* always sent: it comes after them */
    int64_t deadline = zclock_mono() + 10000;
    while (test_stat(f->monitor, ZR_M_EVENTS_PUBLISHED, "failure") == failures && zclock_mono() < deadline)
        zclock_sleep(20);   /* poll interval: nothing is synchronised by it */
    return test_stat(f->monitor, ZR_M_EVENTS_PUBLISHED, "request.completed") - requests;
}

static void request_events_are_sent_only_while_a_subscriber_wants_them(void **state)
{
    fixture_t *f = *state;
    zr_events_t *events = zr_events_open(&f->env);
    wait_for_request_audience(f, 0);
    assert_true(request_events_published(f, events) == 0);   /* nobody subscribes */
    zsock_t *elections = zsock_new_sub(f->endpoint, "kind=election.");
    zsock_t *requests = zsock_new_sub(f->endpoint, "kind=req");
    wait_for_request_audience(f, 1);
    assert_true(request_events_published(f, events) == 100);
    zsock_destroy(&requests);   /* the elections' subscriber does not want request events */
    wait_for_request_audience(f, 0);
    assert_true(request_events_published(f, events) == 0);
    zsock_t *everything = zsock_new_sub(f->endpoint, "");
    wait_for_request_audience(f, 1);
    assert_true(request_events_published(f, events) == 100);
    zsock_destroy(&everything);
    zsock_destroy(&elections);
    wait_for_request_audience(f, 0);
    zr_events_close(&events);
}

static void a_subscriber_that_never_reads_slows_nobody_and_sees_its_losses(void **state)
{
    fixture_t *f = *state;
    zsock_t *stalled = subscriber(f, 10);
    zr_events_t *events = zr_events_open(&f->env);
    char *line = first_line(events, stalled);
    zr_event_line_t event;
    assert_true(line && zr_event_line_parse(line, &event));
    uint64_t first_seq = event.seq;
    zstr_free(&line);
    /* 40 000 events, paced by the monitor's own progress so its inproc queue does not overflow:
     * the losses are the stalled subscriber's, at the PUB. Every emit returns at once. Each line is
     * about 600 bytes: 24 MB in all, more than the PUB's queue (10 000 lines) and the kernel's
     * socket buffers (tcp_wmem's 4 MB here) hold, so some are surely lost. */
    char padding[513];
    memset(padding, 'x', sizeof padding - 1);
    padding[sizeof padding - 1] = 0;
    int64_t started = zclock_mono(), slowest = 0;
    for (int i = 0; i < 40000; i++) {
        int64_t before = zclock_mono();
        zr_event_emit(events, ZR_EVENT_REQUEST_COMPLETED, "request=%d worker=2 status=OK pad=%s", i, padding);
        slowest = zclock_mono() - before > slowest ? zclock_mono() - before : slowest;
        int64_t deadline = zclock_mono() + 10000;   /* the monitor catches up (or the test moves on) */
        while (i % 500 == 499 && zclock_mono() < deadline
               && test_stat(f->monitor, ZR_M_EVENTS_PUBLISHED, "request.completed") < i - 1000)
            ;
    }
    print_message("40000 events emitted in %lld ms (slowest emit %lld ms) with a stalled subscriber\n",
                  (long long) (zclock_mono() - started), (long long) slowest);
    assert_true(slowest < 100);
    /* The subscriber wakes up: it reads what its queues held, then a last event after the gap. */
    zr_event_gap_t gap = { .seen = true, .last = first_seq };
    uint64_t lost = 0, read = 0;
    bool last_seen = false;
    zpoller_t *poller = zpoller_new(stalled, NULL);
    for (int64_t deadline = zclock_mono() + 10000; !last_seen && zclock_mono() < deadline;) {
        if (!zpoller_wait(poller, 200)) {
            zr_event_emit(events, ZR_EVENT_STATE, "from=LOOKING to=LEADING");
            continue;
        }
        line = zstr_recv(stalled);
        if (line && zr_event_line_parse(line, &event)) {
            lost += zr_event_gap_check(&gap, event.seq);
            last_seen = strcmp(event.kind, "state") == 0;
            read++;
        }
        zstr_free(&line);
    }
    zpoller_destroy(&poller);
    print_message("the subscriber read %llu and counted %llu lost\n", (unsigned long long) read,
                  (unsigned long long) lost);
    assert_true(last_seen && lost > 0 && read + lost == event.seq - first_seq);
    print_message("events lost before the monitor (its queue full): %.0f\n",
                  test_stat(f->monitor, ZR_M_EVENTS_DROPPED, "queue_full"));
    zr_events_close(&events);
    zsock_destroy(&stalled);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_emitted_event_comes_out_as_a_line),
        cmocka_unit_test(request_events_are_sent_only_while_a_subscriber_wants_them),
        cmocka_unit_test(a_subscriber_that_never_reads_slows_nobody_and_sees_its_losses),
    };
    return cmocka_run_group_tests(tests, start_monitor, stop_monitor);
}
