/* test_metrics: the metrics catalog (names Prometheus accepts), the sample set (labels checked,
 * duplicates summed, merge), its exposition (families contiguous, HELP/TYPE once, escaping) and
 * its byte form (round trip, malformed bytes refused); the histogram and the recent window. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/zr_histogram.h"
#include "runtime/zr_metrics.h"

static bool ends_with(const char *text, const char *suffix)
{
    size_t length = strlen(text), suffix_length = strlen(suffix);
    return length >= suffix_length && strcmp(text + length - suffix_length, suffix) == 0;
}

/* promtool's lint rules, checked on the catalog itself: every family, not only those a test
 * cluster happens to report. */
static void catalog_names_follow_prometheus_conventions(void **state)
{
    (void) state;
    for (int id = 0; id < ZR_METRICS_COUNT; id++) {
        const zr_metric_def_t *def = zr_metric_def((zr_metric_id_t) id);
        assert_non_null(def);
        assert_true(strncmp(def->name, "zrun_", 5) == 0);
        assert_int_equal(strspn(def->name, "abcdefghijklmnopqrstuvwxyz0123456789_"), strlen(def->name));
        assert_true(def->help && strlen(def->help) > 10);
        assert_int_equal(def->type == ZR_METRIC_COUNTER, ends_with(def->name, "_total"));
        if (def->type == ZR_METRIC_HISTOGRAM)
            assert_true(ends_with(def->name, "_seconds"));
        assert_null(strstr(def->name, "_ms"));
        for (int other = 0; other < id; other++)
            assert_string_not_equal(def->name, zr_metric_def((zr_metric_id_t) other)->name);
    }
    assert_null(zr_metric_def(ZR_METRICS_COUNT));
}

static void labels_must_fit_their_family(void **state)
{
    (void) state;
    zr_metrics_t *set = zr_metrics_new();
    zr_metrics_add(set, ZR_M_UDP_DROPPED, NULL, 1);            /* needs its reason */
    zr_metrics_add(set, ZR_M_UDP_RECEIVED, "extra", 1);        /* has no label */
    zr_metrics_histogram(set, ZR_M_UDP_RECEIVED, NULL, &(zr_histogram_t) { 0 });   /* not a histogram */
    zr_metrics_add(set, ZR_M_GATEWAY_DURATION, NULL, 1);       /* a histogram takes no plain value */
    zr_metrics_add(set, ZR_METRICS_COUNT, NULL, 1);
    assert_int_equal(zr_metrics_size(set), 0);
    assert_int_equal(zr_metrics_refused(set), 5);
    zr_metrics_destroy(&set);
}

static void duplicates_add_up_and_merge_sums(void **state)
{
    (void) state;
    zr_metrics_t *a = zr_metrics_new(), *b = zr_metrics_new();
    zr_metrics_add(a, ZR_M_UDP_DROPPED, "malformed", 2);
    zr_metrics_add(a, ZR_M_UDP_DROPPED, "malformed", 3);
    zr_metrics_add(b, ZR_M_UDP_DROPPED, "malformed", 10);
    zr_metrics_add(b, ZR_M_UDP_DROPPED, "oversize", 1);
    zr_metrics_add_id(b, ZR_M_LEADER_COMPLETED, 7, 4);
    zr_metrics_merge(a, b);
    double value = 0;
    assert_true(zr_metrics_get(a, ZR_M_UDP_DROPPED, "malformed", &value));
    assert_true(value == 15);
    assert_true(zr_metrics_get(a, ZR_M_LEADER_COMPLETED, "7", &value) && value == 4);
    assert_true(zr_metrics_sum(a, ZR_M_UDP_DROPPED, &value) && value == 16);
    assert_false(zr_metrics_get(a, ZR_M_UDP_DROPPED, "unknown_sender", &value));
    assert_false(zr_metrics_sum(a, ZR_M_TCP_BACKLOG, &value));
    zr_metrics_destroy(&a);
    zr_metrics_destroy(&b);
}

static void label_with_finds_the_state_set_to_one(void **state)
{
    (void) state;
    zr_metrics_t *set = zr_metrics_new();
    zr_metrics_add(set, ZR_M_NODE_STATE, "LOOKING", 0);
    zr_metrics_add(set, ZR_M_NODE_STATE, "LEADING", 1);
    assert_string_equal(zr_metrics_label_with(set, ZR_M_NODE_STATE, 1), "LEADING");
    assert_null(zr_metrics_label_with(set, ZR_M_NODE_STATE, 2));
    zr_metrics_destroy(&set);
}

/* Index of the first line that starts with prefix, -1 if none. */
static int line_of(char *const *lines, int count, const char *prefix)
{
    for (int i = 0; i < count; i++)
        if (strncmp(lines[i], prefix, strlen(prefix)) == 0)
            return i;
    return -1;
}

static int split_lines(char *text, char **lines, int cap)
{
    int count = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && count < cap;
         line = strtok_r(NULL, "\n", &save))
        lines[count++] = line;
    return count;
}

static void families_render_contiguous_in_catalog_order(void **state)
{
    (void) state;
    zr_metrics_t *set = zr_metrics_new();
    /* added interleaved, as several actors' sets merge */
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "malformed", 1);
    zr_metrics_add(set, ZR_M_HTTP_RESPONSES, "200", 5);
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "oversize", 2);
    zr_metrics_add(set, ZR_M_UDP_RECEIVED, NULL, 9);
    char *text = zr_metrics_render(set);
    char *lines[32] = { 0 };
    int count = split_lines(text, lines, 32);
    assert_int_equal(count, 10);
    assert_string_equal(lines[0], "# HELP zrun_http_responses_total HTTP responses sent, by status code.");
    assert_string_equal(lines[1], "# TYPE zrun_http_responses_total counter");
    assert_string_equal(lines[2], "zrun_http_responses_total{code=\"200\"} 5");
    int received = line_of(lines, count, "# TYPE zrun_udp_received_total"), dropped = line_of(lines, count, "# TYPE zrun_udp_dropped_total");
    assert_true(received > 2 && dropped > received);
    assert_string_equal(lines[dropped + 1], "zrun_udp_dropped_total{reason=\"malformed\"} 1");
    assert_string_equal(lines[dropped + 2], "zrun_udp_dropped_total{reason=\"oversize\"} 2");
    free(text);
    zr_metrics_destroy(&set);
}

static void label_values_are_escaped_and_numbers_exact(void **state)
{
    (void) state;
    zr_metrics_t *set = zr_metrics_new();
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "a\"b\\c\nd", 0.25);
    zr_metrics_add(set, ZR_M_GOSSIP_HEARTBEAT_SEQ, NULL, 1796116711929.0);
    char *text = zr_metrics_render(set);
    assert_non_null(strstr(text, "zrun_udp_dropped_total{reason=\"a\\\"b\\\\c\\nd\"} 0.25\n"));
    assert_non_null(strstr(text, "\nzrun_gossip_heartbeat_seq 1796116711929\n"));
    free(text);
    zr_metrics_destroy(&set);
}

static void histograms_render_cumulative_buckets_sum_and_count(void **state)
{
    (void) state;
    zr_histogram_t histogram = { 0 };
    zr_histogram_observe_ms(&histogram, 3);      /* le 0.005 */
    zr_histogram_observe_ms(&histogram, 40);     /* le 0.05 */
    zr_histogram_observe_ms(&histogram, 90000);  /* above the last bound: +Inf only */
    zr_metrics_t *set = zr_metrics_new();
    zr_metrics_histogram(set, ZR_M_GATEWAY_DURATION, NULL, &histogram);
    char *text = zr_metrics_render(set);
    assert_non_null(strstr(text, "# TYPE zrun_gateway_request_duration_seconds histogram\n"));
    assert_non_null(strstr(text, "zrun_gateway_request_duration_seconds_bucket{le=\"0.0025\"} 0\n"));
    assert_non_null(strstr(text, "zrun_gateway_request_duration_seconds_bucket{le=\"0.005\"} 1\n"));
    assert_non_null(strstr(text, "zrun_gateway_request_duration_seconds_bucket{le=\"0.05\"} 2\n"));
    assert_non_null(strstr(text, "zrun_gateway_request_duration_seconds_bucket{le=\"60\"} 2\n"));
    assert_non_null(strstr(text, "zrun_gateway_request_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
    assert_non_null(strstr(text, "zrun_gateway_request_duration_seconds_sum 90.043\n"));
    assert_non_null(strstr(text, "zrun_gateway_request_duration_seconds_count 3\n"));
    zr_histogram_t back;
    assert_true(zr_metrics_get_histogram(set, ZR_M_GATEWAY_DURATION, NULL, &back));
    assert_memory_equal(back.buckets, histogram.buckets, sizeof back.buckets);
    assert_int_equal(back.count, 3);
    free(text);
    zr_metrics_destroy(&set);
}

static void byte_form_round_trips_and_refuses_garbage(void **state)
{
    (void) state;
    zr_metrics_t *set = zr_metrics_new();
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "malformed", 7);
    zr_metrics_histogram(set, ZR_M_RUNNER_RUN, NULL, &(zr_histogram_t) { .count = 1, .sum = 0.5 });
    size_t size = 0;
    uint8_t *bytes = zr_metrics_encode(set, &size);
    zr_metrics_t *back = zr_metrics_decode(bytes, size);
    assert_non_null(back);
    char *a = zr_metrics_render(set), *b = zr_metrics_render(back);
    assert_string_equal(a, b);
    assert_null(zr_metrics_decode(bytes, size - 1));
    bytes[0] ^= 0xFF;   /* the first sample's id: out of the catalog */
    bytes[1] ^= 0xFF;
    assert_null(zr_metrics_decode(bytes, size));
    zr_metrics_t *empty = zr_metrics_decode(bytes, 0);
    assert_non_null(empty);
    assert_int_equal(zr_metrics_size(empty), 0);
    for (int round = 0; round < 2000; round++) {   /* random bytes never crash the decoder */
        for (size_t i = 0; i < size; i++)
            bytes[i] = (uint8_t) rand();
        zr_metrics_t *junk = zr_metrics_decode(bytes, size);
        zr_metrics_destroy(&junk);
    }
    free(a);
    free(b);
    free(bytes);
    zr_metrics_destroy(&empty);
    zr_metrics_destroy(&back);
    zr_metrics_destroy(&set);
}

static void histogram_quantiles_interpolate_inside_buckets(void **state)
{
    (void) state;
    zr_histogram_t histogram = { 0 };
    double q = 0;
    assert_false(zr_histogram_quantile(&histogram, 0.5, &q));
    for (int i = 0; i < 100; i++)
        zr_histogram_observe(&histogram, i < 50 ? 0.003 : 0.2);   /* buckets (0.0025, 0.005] and (0.1, 0.25] */
    assert_true(zr_histogram_quantile(&histogram, 0.5, &q));
    assert_true(fabs(q - 0.005) < 1e-9);                         /* the 50th value ends the first bucket */
    assert_true(zr_histogram_quantile(&histogram, 0.99, &q));
    assert_true(q > 0.1 && q <= 0.25);
    zr_histogram_t later = histogram, delta;
    zr_histogram_observe(&later, 0.003);
    zr_histogram_delta(&later, &histogram, &delta);
    assert_int_equal(delta.count, 1);
    assert_true(zr_histogram_quantile(&delta, 0.5, &q) && q > 0.0025 && q <= 0.005);
    zr_histogram_t slow = { 0 };
    zr_histogram_observe(&slow, 500);
    assert_true(zr_histogram_quantile(&slow, 0.5, &q) && q == 60);   /* +Inf reads as the last bound */
}

static void window_keeps_the_latest_values(void **state)
{
    (void) state;
    zr_window_t window;
    zr_window_init(&window, 3);
    double p50 = 0;
    assert_false(zr_window_percentile(&window, 0.5, &p50));
    for (int value = 1; value <= 10; value++)
        zr_window_add(&window, value * 10);
    assert_true(zr_window_percentile(&window, 0.5, &p50));
    assert_true(p50 == 90);   /* of 80, 90, 100 */
    assert_true(zr_window_percentile(&window, 1, &p50) && p50 == 100);
    double values[] = { 5, 1, 4, 2, 3 };
    assert_true(zr_percentile(values, 5, 0.5, &p50) && p50 == 3);
    assert_true(zr_percentile(values, 5, 0.2, &p50) && p50 == 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catalog_names_follow_prometheus_conventions),
        cmocka_unit_test(labels_must_fit_their_family),
        cmocka_unit_test(duplicates_add_up_and_merge_sums),
        cmocka_unit_test(label_with_finds_the_state_set_to_one),
        cmocka_unit_test(families_render_contiguous_in_catalog_order),
        cmocka_unit_test(label_values_are_escaped_and_numbers_exact),
        cmocka_unit_test(histograms_render_cumulative_buckets_sum_and_count),
        cmocka_unit_test(byte_form_round_trips_and_refuses_garbage),
        cmocka_unit_test(histogram_quantiles_interpolate_inside_buckets),
        cmocka_unit_test(window_keeps_the_latest_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
