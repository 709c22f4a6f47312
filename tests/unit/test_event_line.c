/* test_event_line: the monitor port's event lines: formatting with quoting and cutting, parsing
 * back (also of hostile lines), the kind/request/node filters, seq gap counting, the throttle. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/zr_event_kinds.h"
#include "runtime/zr_event_line.h"

static void kinds_have_unique_dotted_names(void **state)
{
    (void) state;
    for (int kind = 0; kind < ZR_EVENT_KIND_COUNT; kind++) {
        const char *name = zr_event_kind_name((zr_event_kind_t) kind);
        assert_non_null(name);
        assert_int_equal(zr_event_kind_parse(name), kind);
        assert_int_equal(strspn(name, "abcdefghijklmnopqrstuvwxyz."), strlen(name));
    }
    assert_null(zr_event_kind_name(ZR_EVENT_KIND_COUNT));
    assert_int_equal(zr_event_kind_parse("request"), -1);
}

static void a_line_has_its_head_fields_and_quoted_reason(void **state)
{
    (void) state;
    char line[ZR_EVENT_LINE_MAX];
    zr_event_line_format(line, sizeof line, "jvm.kill", 3, 1700000000123, 42, "slot=1 request=99",
                         "Time limit exceeded: \"run()\" did\nnot return");
    assert_string_equal(line, "kind=jvm.kill node=3 t=1700000000123 seq=42 slot=1 request=99 "
                              "reason=\"Time limit exceeded: \\\"run()\\\" did\\nnot return\"");
    zr_event_line_t event;
    assert_true(zr_event_line_parse(line, &event));
    assert_string_equal(event.kind, "jvm.kill");
    assert_int_equal(event.node, 3);
    assert_int_equal(event.t_ms, 1700000000123);
    assert_int_equal(event.seq, 42);
    assert_int_equal(event.count, 3);
    assert_string_equal(zr_event_line_get(&event, "request"), "99");
    assert_string_equal(zr_event_line_get(&event, "reason"), "Time limit exceeded: \"run()\" did\nnot return");
    assert_null(zr_event_line_get(&event, "worker"));
    char rest[256];
    zr_event_line_rest(&event, rest, sizeof rest);
    assert_string_equal(rest, "slot=1 request=99 reason=\"Time limit exceeded: \\\"run()\\\" did\\nnot return\"");
}

static void values_are_quoted_only_when_needed(void **state)
{
    (void) state;
    char out[128] = "";
    assert_true(zr_event_line_append(out, sizeof out, "endpoint", "tcp://127.0.0.1:8012"));
    assert_true(zr_event_line_append(out, sizeof out, "empty", ""));
    assert_true(zr_event_line_append(out, sizeof out, "text", "a b=c"));
    assert_string_equal(out, " endpoint=tcp://127.0.0.1:8012 empty=\"\" text=\"a b=c\"");
    char small[24] = "";   /* a bare value that does not fit is quoted and cut */
    assert_true(zr_event_line_append(small, sizeof small, "endpoint", "tcp://127.0.0.1:8012"));
    assert_string_equal(small, " endpoint=\"tcp://12...\"");
    char tiny[12] = "";
    assert_false(zr_event_line_append(tiny, sizeof tiny, "endpoint", "tcp://127.0.0.1:8012"));
    assert_string_equal(tiny, "");
}

static void long_lines_are_cut_at_a_field_boundary(void **state)
{
    (void) state;
    char fields[3000] = "";
    for (int i = 0; i < 200; i++)
        snprintf(fields + strlen(fields), sizeof fields - strlen(fields), "%sfield%d=value%d", i ? " " : "", i, i);
    char reason[2000];
    memset(reason, 'x', sizeof reason - 1);
    reason[sizeof reason - 1] = 0;
    char line[ZR_EVENT_LINE_MAX];
    size_t length = zr_event_line_format(line, sizeof line, "drop", 1, 2, 3, fields, reason);
    assert_true(length < sizeof line);
    zr_event_line_t event;
    assert_true(zr_event_line_parse(line, &event));   /* still one valid line */
    assert_string_equal(zr_event_line_get(&event, "field0"), "value0");
    char short_line[ZR_EVENT_LINE_MAX];
    zr_event_line_format(short_line, sizeof short_line, "drop", 1, 2, 3, "a=1", reason);
    assert_true(zr_event_line_parse(short_line, &event));
    assert_true(strlen(zr_event_line_get(&event, "reason")) > 900);
    assert_non_null(strstr(zr_event_line_get(&event, "reason"), "..."));
}

static void hostile_lines_are_refused_not_crashed_on(void **state)
{
    (void) state;
    const char *bad[] = { "", "kind=x", "node=1 kind=x t=1 seq=1", "kind=x node=a t=1 seq=1",
                          "kind=x node=1 t=1 seq=1 broken", "kind=x node=1 t=1 seq=1 a=\"open",
                          "kind= node=1 t=1 seq=1", "kind=x node=1 t=1 seq=-", "=1" };
    zr_event_line_t event;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char copy[64];
        snprintf(copy, sizeof copy, "%s", bad[i]);
        assert_false(zr_event_line_parse(copy, &event));
    }
    char line[256];
    for (int round = 0; round < 20000; round++) {
        size_t length = (size_t) (rand() % 255);
        for (size_t i = 0; i < length; i++)
            line[i] = "kind=node t seq\"\\ a=1"[rand() % 22];
        line[length] = 0;
        zr_event_line_parse(line, &event);
    }
}

static zr_event_line_t parsed(char *buffer, const char *text)
{
    strcpy(buffer, text);
    zr_event_line_t event;
    assert_true(zr_event_line_parse(buffer, &event));
    return event;
}

static void filters_take_kinds_groups_requests_and_nodes(void **state)
{
    (void) state;
    zr_event_filter_t filter;
    zr_event_filter_init(&filter);
    char buffer[256], bad[32] = "";
    zr_event_line_t assigned = parsed(buffer, "kind=request.assigned node=5 t=1 seq=1 request=17 worker=2");
    assert_true(zr_event_filter_match(&filter, &assigned));   /* empty filter: everything */
    assert_true(zr_event_filter_kinds(&filter, "failure,request", bad, sizeof bad));
    assert_true(zr_event_filter_match(&filter, &assigned));
    char other[256];
    zr_event_line_t socket = parsed(other, "kind=socket node=5 t=1 seq=2 socket=x event=CLOSED");
    assert_false(zr_event_filter_match(&filter, &socket));
    assert_false(zr_event_filter_kinds(&filter, "failure,requests", bad, sizeof bad));
    assert_string_equal(bad, "requests");
    assert_false(zr_event_filter_kinds(&filter, "req", bad, sizeof bad));   /* not at a dot */
    filter.request = "18";
    assert_false(zr_event_filter_match(&filter, &assigned));
    filter.request = "17";
    assert_true(zr_event_filter_match(&filter, &assigned));
    filter.node = 4;
    assert_false(zr_event_filter_match(&filter, &assigned));
}

static void gaps_in_seq_count_lost_events(void **state)
{
    (void) state;
    zr_event_gap_t gap = { 0 };
    assert_int_equal(zr_event_gap_check(&gap, 40), 0);   /* joined late: not a loss */
    assert_int_equal(zr_event_gap_check(&gap, 41), 0);
    assert_int_equal(zr_event_gap_check(&gap, 45), 3);
    assert_int_equal(zr_event_gap_check(&gap, 1), 0);    /* the process restarted */
    assert_int_equal(zr_event_gap_check(&gap, 3), 1);
}

static void the_throttle_lets_one_through_per_period(void **state)
{
    (void) state;
    zr_event_throttle_t throttle = { .period_ms = 1000 };
    uint64_t count = 0;
    assert_true(zr_event_throttle(&throttle, 5000, &count));
    assert_int_equal(count, 1);
    for (int i = 0; i < 99; i++)
        assert_false(zr_event_throttle(&throttle, 5000 + i, &count));
    assert_true(zr_event_throttle(&throttle, 6000, &count));
    assert_int_equal(count, 100);   /* itself and the 99 held back */
    assert_true(zr_event_throttle(&throttle, 9000, &count));
    assert_int_equal(count, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kinds_have_unique_dotted_names),
        cmocka_unit_test(a_line_has_its_head_fields_and_quoted_reason),
        cmocka_unit_test(values_are_quoted_only_when_needed),
        cmocka_unit_test(long_lines_are_cut_at_a_field_boundary),
        cmocka_unit_test(hostile_lines_are_refused_not_crashed_on),
        cmocka_unit_test(filters_take_kinds_groups_requests_and_nodes),
        cmocka_unit_test(gaps_in_seq_count_lost_events),
        cmocka_unit_test(the_throttle_lets_one_through_per_period),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
