/* test_http_headers: the HTTP front's pure parts without a server: header parsing,
 * the JSON bodies and the Prometheus rendering of its counters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/http/zr_http_headers.h"
#include "runtime/http/zr_http_metrics.h"
#include "runtime/http/zr_http_response.h"

static void content_type_matches_with_parameters(void **state)
{
    const char *type = "text/x-java-source";
    assert_true(zr_http_media_type_is("text/x-java-source", type));
    assert_true(zr_http_media_type_is("Text/X-Java-Source", type));
    assert_true(zr_http_media_type_is("text/x-java-source; charset=utf-8", type));
    assert_true(zr_http_media_type_is("  text/x-java-source\t;charset=\"x;y\"", type));
    assert_false(zr_http_media_type_is(NULL, type));
    assert_false(zr_http_media_type_is("", type));
    assert_false(zr_http_media_type_is("text/x-java", type));
    assert_false(zr_http_media_type_is("text/x-java-sources", type));
    assert_false(zr_http_media_type_is("text/plain, text/x-java-source", type));
}

static void accept_lists_are_searched(void **state)
{
    const char *json = "application/json";
    assert_true(zr_http_accepts("application/json", json));
    assert_true(zr_http_accepts("text/html, Application/JSON;q=0.9", json));
    assert_true(zr_http_accepts("text/plain;q=0.5,application/json", json));
    assert_true(zr_http_accepts("application/json;q=0.01", json));
    assert_false(zr_http_accepts("application/json;q=0", json));
    assert_false(zr_http_accepts("application/json; q=0.000", json));
    assert_false(zr_http_accepts("*/*", json));
    assert_false(zr_http_accepts("application/*", json));
    assert_false(zr_http_accepts("text/plain", json));
    assert_false(zr_http_accepts("", json));
    assert_false(zr_http_accepts(",,,", json));
    assert_false(zr_http_accepts(NULL, json));
}

static void content_length_is_strict(void **state)
{
    uint64_t length = 0;
    assert_int_equal(zr_http_content_length("0", &length), 0);
    assert_int_equal(length, 0);
    assert_int_equal(zr_http_content_length(" 1048577 ", &length), 0);
    assert_int_equal(length, 1048577);
    assert_int_equal(zr_http_content_length("18446744073709551615", &length), 0);
    assert_true(length == UINT64_MAX);
    assert_int_equal(zr_http_content_length("18446744073709551616", &length), -1);
    assert_int_equal(zr_http_content_length("-1", &length), -1);
    assert_int_equal(zr_http_content_length("12a", &length), -1);
    assert_int_equal(zr_http_content_length("1 2", &length), -1);
    assert_int_equal(zr_http_content_length("", &length), -1);
    assert_int_equal(zr_http_content_length(NULL, &length), -1);
}

static json_t *load(char *text)
{
    json_error_t error;
    json_t *root = json_loads(text, 0, &error);
    assert_non_null(root);
    free(text);
    return root;
}

static void result_json_has_the_contract_fields_in_order(void **state)
{
    zr_work_result_msg_t result = { .request_id = 9, .status = ZR_JOB_COMPILE_ERROR,
                                    .body = { "Code did not compile:\n", 22 }, .out = { "o", 1 },
                                    .err = { "e\xff", 2 } };   /* stderr is not valid UTF-8 */
    char *text = zr_http_result_json(77, &result);
    assert_string_equal(text, "{\"request_id\":77,\"status\":\"COMPILE_ERROR\",\"result\":null,"
                              "\"error\":\"Code did not compile:\\n\",\"stdout\":\"o\",\"stderr\":\"e?\","
                              "\"worker\":0,\"compile_ms\":0,\"run_ms\":0}");
    free(text);
    result = (zr_work_result_msg_t) { .request_id = 1, .status = ZR_JOB_OK, .body = { "null", 4 } };
    json_t *root = load(zr_http_result_json(1, &result));
    assert_string_equal(json_string_value(json_object_get(root, "result")), "null");
    assert_true(json_is_null(json_object_get(root, "error")));
    json_decref(root);
}

static void error_json_has_the_same_shape(void **state)
{
    json_t *root = load(zr_http_error_json(5, "REJECTED", "Content-Type must be text/x-java-source"));
    const char *keys[] = { "request_id", "status", "result", "error", "stdout", "stderr", "worker",
                           "compile_ms", "run_ms" };
    assert_int_equal(json_object_size(root), 9);
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        assert_non_null(json_object_get(root, keys[i]));
    assert_string_equal(json_string_value(json_object_get(root, "status")), "REJECTED");
    assert_string_equal(json_string_value(json_object_get(root, "error")),
                        "Content-Type must be text/x-java-source");
    json_decref(root);
}

static void metrics_render_counts_and_owner_lines(void **state)
{
    zr_http_metrics_t *metrics = zr_http_metrics_new();
    zr_http_metrics_count_response(metrics, 200, 10);
    zr_http_metrics_count_response(metrics, 200, 5);
    zr_http_metrics_count_response(metrics, 413, 40);
    zr_http_metrics_count_response(metrics, 999, 0);
    zr_http_metrics_count_request_bytes(metrics, 123);
    zr_http_metrics_count_aborted(metrics);
    assert_int_equal(zr_http_metrics_responses(metrics, 200), 2);
    char *text = zr_http_metrics_render(metrics, 3, "zrun_pool_jvms 2\n");
    assert_non_null(strstr(text, "# TYPE zrun_http_responses_total counter\n"
                                 "zrun_http_responses_total{code=\"200\"} 2\n"
                                 "zrun_http_responses_total{code=\"413\"} 1\n"
                                 "zrun_http_responses_total{code=\"other\"} 1\n"));
    assert_non_null(strstr(text, "\nzrun_http_requests_in_flight 3\n"));
    assert_non_null(strstr(text, "\nzrun_http_request_body_bytes_total 123\n"));
    assert_non_null(strstr(text, "\nzrun_http_response_body_bytes_total 55\n"));
    assert_non_null(strstr(text, "\nzrun_http_connections_aborted_total 1\n"));
    size_t length = strlen(text);
    assert_string_equal(text + length - strlen("\nzrun_pool_jvms 2\n"), "\nzrun_pool_jvms 2\n");
    free(text);
    zr_http_metrics_destroy(&metrics);
    assert_null(metrics);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(content_type_matches_with_parameters),
        cmocka_unit_test(accept_lists_are_searched),
        cmocka_unit_test(content_length_is_strict),
        cmocka_unit_test(result_json_has_the_contract_fields_in_order),
        cmocka_unit_test(error_json_has_the_same_shape),
        cmocka_unit_test(metrics_render_counts_and_owner_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
