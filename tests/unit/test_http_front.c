/* test_http_front: the HTTP front actor against a fake owner, over real HTTP (libcurl).
 * Job answers (plain and JSON), request ids, owner failures, 50 out-of-order answers, early
 * disconnects, /metrics, /logs/..., and a clean start failure when the port is taken. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <regex.h>
#include "tests/unit/test_http_harness.h"

typedef struct {
    zactor_t *owner;
    int port;
    char dir[64];
    char summary[128];
} fixture_t;

#define CONCURRENT 50   /* requests one client has in flight at once */

static int start_fixture(void **state, int job_timeout_ms)
{
    fixture_t *fixture = calloc(1, sizeof *fixture);
    snprintf(fixture->dir, sizeof fixture->dir, "/tmp/zrun-http-test-XXXXXX");
    assert_non_null(mkdtemp(fixture->dir));
    snprintf(fixture->summary, sizeof fixture->summary, "%s/summary.log", fixture->dir);
    FILE *summary = fopen(fixture->summary, "w");
    fputs("3: switching from LOOKING to LEADING\n", summary);
    fclose(summary);
    zr_http_front_config_t config;
    zr_http_front_config_defaults(&config);
    config.log_dir = fixture->dir;
    config.summary_log = fixture->summary;
    config.verbose_log = "/nonexistent/verbose.log";
    config.job_timeout_ms = job_timeout_ms;
    config.door.max_in_flight_per_client = 2 * CONCURRENT;   /* one client sends CONCURRENT at once */
    fixture->owner = fake_owner_start(&config, &fixture->port);
    *state = fixture;
    return 0;
}

static int setup(void **state)
{
    return start_fixture(state, 0);
}

static int setup_with_deadline(void **state)
{
    return start_fixture(state, 300);
}

static int teardown(void **state)
{
    fixture_t *fixture = *state;
    zactor_destroy(&fixture->owner);
    char command[128];
    snprintf(command, sizeof command, "rm -rf %s", getenv("KEEP") ? "/nonexistent" : fixture->dir);
    assert_int_equal(system(command), 0);
    free(fixture);
    return 0;
}

static void assert_reply(const http_reply_t *reply, long status, const char *body, size_t body_len)
{
    assert_int_equal(reply->code, CURLE_OK);
    assert_int_equal(reply->status, status);
    assert_int_equal(reply->body_len, body_len);
    assert_memory_equal(reply->body, body, body_len);
    assert_true(strlen(reply->request_id) > 0);
}

static void ok_body_comes_back_byte_for_byte(void **state)
{
    fixture_t *fixture = *state;
    const char body[] = "Hello\tWorld\n\x01 \xc3\xbcnic\xc3\xb6" "de \r\n  ";
    char source[128];
    snprintf(source, sizeof source, "ok %s", body);
    http_reply_t reply;
    http_job(fixture->port, source, false, &reply);
    assert_reply(&reply, 200, body, strlen(body));
    assert_string_equal(reply.content_type, "text/plain; charset=utf-8");
    http_reply_free(&reply);
}

static void error_bodies_come_back_with_400(void **state)
{
    fixture_t *fixture = *state;
    const char *sources[] = {
        "compile Code did not compile:\nError on line 3, column 9 in string:///Hello.java",
        "runtime boom\njava.lang.RuntimeException: boom\n\tat Hello.run(Hello.java:3)\n",
        "limit Time limit exceeded: run() did not return within 10000 ms",
    };
    for (size_t i = 0; i < sizeof sources / sizeof *sources; i++) {
        http_reply_t reply;
        http_job(fixture->port, sources[i], false, &reply);
        const char *expected = strchr(sources[i], ' ') + 1;
        assert_reply(&reply, 400, expected, strlen(expected));
        http_reply_free(&reply);
    }
}

static json_t *parse_json(const http_reply_t *reply)
{
    assert_string_equal(reply->content_type, "application/json");
    json_error_t error;
    json_t *root = json_loadb(reply->body, reply->body_len, 0, &error);
    assert_non_null(root);
    return root;
}

static void json_form_has_every_field(void **state)
{
    fixture_t *fixture = *state;
    http_reply_t reply;
    http_job(fixture->port, "full", true, &reply);
    assert_int_equal(reply.status, 200);
    json_t *root = parse_json(&reply);
    assert_int_equal(json_integer_value(json_object_get(root, "request_id")),
                     strtoll(reply.request_id, NULL, 10));
    assert_string_equal(json_string_value(json_object_get(root, "status")), "OK");
    assert_string_equal(json_string_value(json_object_get(root, "result")), "42");
    assert_true(json_is_null(json_object_get(root, "error")));
    assert_string_equal(json_string_value(json_object_get(root, "stdout")), "out\n");
    assert_string_equal(json_string_value(json_object_get(root, "stderr")), "err\n");
    assert_int_equal(json_integer_value(json_object_get(root, "worker")), 5);
    assert_int_equal(json_integer_value(json_object_get(root, "compile_ms")), 7);
    assert_int_equal(json_integer_value(json_object_get(root, "run_ms")), 3);
    json_decref(root);
    http_reply_free(&reply);

    http_job(fixture->port, "runtime boom\ntrace", true, &reply);
    assert_int_equal(reply.status, 400);
    root = parse_json(&reply);
    assert_string_equal(json_string_value(json_object_get(root, "status")), "RUNTIME_ERROR");
    assert_true(json_is_null(json_object_get(root, "result")));
    assert_string_equal(json_string_value(json_object_get(root, "error")), "boom\ntrace");
    json_decref(root);
    http_reply_free(&reply);
}

static void every_response_has_a_unique_request_id(void **state)
{
    fixture_t *fixture = *state;
    const char *paths[] = { "/healthz", "/metrics", "/nowhere", "/logs/summary", "/compileandrun" };
    zhashx_t *seen = zhashx_new();
    for (int i = 0; i < 25; i++) {
        http_reply_t reply;
        if (i % 5 == 4)
            http_job(fixture->port, "ok x", false, &reply);
        else
            http_get(fixture->port, paths[i % 5], &reply);
        assert_int_equal(reply.code, CURLE_OK);
        assert_true(strlen(reply.request_id) > 0);
        assert_int_equal(zhashx_insert(seen, reply.request_id, "seen"), 0);
        /* Ids continue from the clock at start (in µs), not from 1: a restarted gateway must
         * not reuse an id a leader still holds an answer for. 2026-01-01 is 1767225600000 ms. */
        assert_true(strtoull(reply.request_id, NULL, 10) > 1767225600000ULL * 1000);
        http_reply_free(&reply);
    }
    zhashx_destroy(&seen);
}

static void owner_failure_becomes_its_status(void **state)
{
    fixture_t *fixture = *state;
    http_reply_t reply;
    http_job(fixture->port, "fail 503 no leader", false, &reply);
    assert_reply(&reply, 503, "no leader", 9);
    http_reply_free(&reply);
    http_job(fixture->port, "fail 503 no leader", true, &reply);
    assert_int_equal(reply.status, 503);
    json_t *root = parse_json(&reply);
    assert_string_equal(json_string_value(json_object_get(root, "status")), "UNAVAILABLE");
    assert_string_equal(json_string_value(json_object_get(root, "error")), "no leader");
    json_decref(root);
    http_reply_free(&reply);
    http_job(fixture->port, "fail 42 nonsense status", false, &reply);
    assert_int_equal(reply.status, 500);
    http_reply_free(&reply);
}


static void concurrent_answers_out_of_order_reach_their_clients(void **state)
{
    fixture_t *fixture = *state;
    fake_owner_command(fixture->owner, "HOLD", "50");
    static http_reply_t replies[CONCURRENT];
    CURL *handles[CONCURRENT];
    CURLM *multi = curl_multi_init();
    for (int i = 0; i < CONCURRENT; i++) {
        char source[64];
        snprintf(source, sizeof source, "hold answer-%d", i);
        handles[i] = http_easy(fixture->port, "POST", "/compileandrun", "text/x-java-source", NULL,
                               source, strlen(source), false, &replies[i]);
        curl_multi_add_handle(multi, handles[i]);
    }
    int running = CONCURRENT;
    while (running) {
        assert_int_equal(curl_multi_perform(multi, &running), CURLM_OK);
        if (running)
            assert_int_equal(curl_multi_poll(multi, NULL, 0, 1000, NULL), CURLM_OK);
    }
    zhashx_t *ids = zhashx_new();
    for (int i = 0; i < CONCURRENT; i++) {
        curl_multi_remove_handle(multi, handles[i]);
        http_finish(handles[i], &replies[i], CURLE_OK);
        char expected[32];
        snprintf(expected, sizeof expected, "answer-%d", i);
        assert_reply(&replies[i], 200, expected, strlen(expected));
        assert_int_equal(zhashx_insert(ids, replies[i].request_id, "seen"), 0);
        http_reply_free(&replies[i]);
    }
    zhashx_destroy(&ids);
    curl_multi_cleanup(multi);
    fake_owner_command(fixture->owner, "HOLD", "1");
}

/* Polls /metrics until it shows the wanted in-flight count (or fails after 10 s). */
static void wait_in_flight(int port, int wanted)
{
    char line[64];
    snprintf(line, sizeof line, "\nzrun_http_requests_in_flight %d\n", wanted);
    for (int64_t deadline = zclock_mono() + 10000; ; ) {
        http_reply_t reply;
        http_get(port, "/metrics", &reply);
        bool found = reply.status == 200 && strstr(reply.body, line);
        http_reply_free(&reply);
        if (found)
            return;
        assert_true(zclock_mono() < deadline);
    }
}

static const char PARKED_REQUEST[] =
    "POST /compileandrun HTTP/1.1\r\nHost: x\r\nContent-Type: text/x-java-source\r\n"
    "Content-Length: 8\r\n\r\npark bye";

static void client_gone_before_its_result_is_dropped_cleanly(void **state)
{
    fixture_t *fixture = *state;
    for (int round = 0; round < 3; round++) {
        int fd = raw_connect(fixture->port);
        raw_send(fd, PARKED_REQUEST, strlen(PARKED_REQUEST));
        char *parked = zstr_recv(fixture->owner);   /* the job reached the owner */
        assert_string_equal(parked, "PARKED");
        free(parked);
        wait_in_flight(fixture->port, 1);
        close(fd);
        zstr_send(fixture->owner, "RELEASE");
        char *released = zstr_recv(fixture->owner);
        assert_string_equal(released, "RELEASED");
        free(released);
        wait_in_flight(fixture->port, 0);
    }
    http_reply_t reply;
    http_job(fixture->port, "ok still here", false, &reply);
    assert_reply(&reply, 200, "still here", 10);
    http_reply_free(&reply);
}

static void client_gone_in_the_middle_of_its_body(void **state)
{
    fixture_t *fixture = *state;
    const char partial[] = "POST /compileandrun HTTP/1.1\r\nHost: x\r\n"
                           "Content-Type: text/x-java-source\r\nContent-Length: 1000\r\n\r\nok half";
    int fd = raw_connect(fixture->port);
    raw_send(fd, partial, strlen(partial));
    close(fd);
    http_reply_t reply;
    http_get(fixture->port, "/healthz", &reply);
    assert_reply(&reply, 200, "ok", 2);
    http_reply_free(&reply);
    wait_in_flight(fixture->port, 0);
}

static void metrics_are_prometheus_text(void **state)
{
    fixture_t *fixture = *state;
    fake_owner_command(fixture->owner, "METRICS", "# TYPE zrun_pool_jvms gauge\nzrun_pool_jvms 2");
    http_reply_t reply;
    http_job(fixture->port, "ok counted", false, &reply);
    http_reply_free(&reply);
    http_get(fixture->port, "/metrics", &reply);
    assert_int_equal(reply.status, 200);
    assert_non_null(strstr(reply.content_type, "text/plain; version=0.0.4"));
    assert_non_null(strstr(reply.body, "# TYPE zrun_http_responses_total counter\n"));
    assert_non_null(strstr(reply.body, "zrun_http_responses_total{code=\"200\"} "));
    assert_non_null(strstr(reply.body, "# TYPE zrun_http_requests_in_flight gauge\n"));
    assert_non_null(strstr(reply.body, "\nzrun_http_request_body_bytes_total "));
    assert_non_null(strstr(reply.body, "\nzrun_pool_jvms 2\n"));
    regex_t sample, comment;
    assert_int_equal(regcomp(&sample, "^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-z_]+=\"[^\"]*\"\\})? [0-9]+$",
                             REG_EXTENDED | REG_NOSUB), 0);
    assert_int_equal(regcomp(&comment, "^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$",
                             REG_EXTENDED | REG_NOSUB), 0);
    assert_true(reply.body_len > 0 && reply.body[reply.body_len - 1] == '\n');
    for (char *line = strtok(reply.body, "\n"); line; line = strtok(NULL, "\n"))
        if (regexec(&sample, line, 0, NULL, 0) != 0 && regexec(&comment, line, 0, NULL, 0) != 0)
            fail_msg("not an exposition line: '%s'", line);
    regfree(&sample);
    regfree(&comment);
    http_reply_free(&reply);
}

static void logs_are_served_or_404(void **state)
{
    fixture_t *fixture = *state;
    http_reply_t reply;
    http_get(fixture->port, "/logs/summary", &reply);
    assert_reply(&reply, 200, "3: switching from LOOKING to LEADING\n", 37);
    http_reply_free(&reply);
    http_get(fixture->port, "/logs/verbose", &reply);
    assert_int_equal(reply.status, 404);
    assert_string_equal(reply.body, "no verbose log on this node");
    http_reply_free(&reply);
    char front_log[160];
    snprintf(front_log, sizeof front_log, "%s/node-0-http.log", fixture->dir);
    assert_int_equal(access(front_log, R_OK), 0);
}

static void unanswered_job_gets_504_and_its_late_answer_is_dropped(void **state)
{
    fixture_t *fixture = *state;
    http_reply_t reply;
    http_job(fixture->port, "park never in time", false, &reply);   /* the owner holds it */
    assert_int_equal(reply.status, 504);
    assert_string_equal(reply.body, "no answer within 300 ms");
    http_reply_free(&reply);
    char *parked = zstr_recv(fixture->owner);
    free(parked);
    zstr_send(fixture->owner, "RELEASE");                          /* the late answer */
    char *released = zstr_recv(fixture->owner);
    free(released);
    http_job(fixture->port, "ok in time", false, &reply);
    assert_reply(&reply, 200, "in time", 7);
    http_reply_free(&reply);
    http_get(fixture->port, "/metrics", &reply);
    assert_non_null(strstr(reply.body, "\nzrun_http_results_dropped_total 1\n"));
    assert_non_null(strstr(reply.body, "\nzrun_http_requests_in_flight 0\n"));
    http_reply_free(&reply);
}

static void owner_pages_are_served_and_replaced(void **state)
{
    fixture_t *fixture = *state;
    http_reply_t reply;
    http_get(fixture->port, "/cluster", &reply);
    assert_int_equal(reply.status, 404);
    http_reply_free(&reply);
    zstr_sendx(fixture->owner, "PAGE", "/cluster", "200", "1 LEADER\n2 FOLLOWER\n", "{\"leader\":1}", NULL);
    zsock_wait(fixture->owner);
    http_get(fixture->port, "/cluster", &reply);
    assert_reply(&reply, 200, "1 LEADER\n2 FOLLOWER\n", 20);
    http_reply_free(&reply);
    http_request(fixture->port, "GET", "/cluster", NULL, "Accept: application/json", NULL, 0, false, &reply);
    assert_reply(&reply, 200, "{\"leader\":1}", 12);
    assert_string_equal(reply.content_type, "application/json");
    http_reply_free(&reply);
    http_request(fixture->port, "POST", "/cluster", "text/plain", NULL, "x", 1, false, &reply);
    assert_int_equal(reply.status, 405);
    http_reply_free(&reply);
    zstr_sendx(fixture->owner, "PAGE", "/cluster", "503", "no leader", "", NULL);
    zsock_wait(fixture->owner);
    http_request(fixture->port, "GET", "/cluster", NULL, "Accept: application/json", NULL, 0, false, &reply);
    assert_reply(&reply, 503, "no leader", 9);
    http_reply_free(&reply);
}

static void start_fails_cleanly_when_the_port_is_taken(void **state)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t length = sizeof address;
    assert_int_equal(bind(fd, (struct sockaddr *) &address, sizeof address), 0);
    assert_int_equal(listen(fd, 1), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *) &address, &length), 0);
    zr_http_front_config_t config;
    zr_http_front_config_defaults(&config);
    config.bind_address = "127.0.0.1";
    config.port = ntohs(address.sin_port);
    char *error = NULL;
    assert_null(zr_http_front_new(&config, NULL, &error));
    assert_non_null(error);
    assert_non_null(strstr(error, "cannot listen on 127.0.0.1:"));
    assert_null(strchr(error, '\n'));
    free(error);
    close(fd);
    config.bind_address = "not-an-address";
    assert_null(zr_http_front_new(&config, NULL, &error));
    assert_non_null(strstr(error, "not an IPv4 address"));
    free(error);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(ok_body_comes_back_byte_for_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(error_bodies_come_back_with_400, setup, teardown),
        cmocka_unit_test_setup_teardown(json_form_has_every_field, setup, teardown),
        cmocka_unit_test_setup_teardown(every_response_has_a_unique_request_id, setup, teardown),
        cmocka_unit_test_setup_teardown(owner_failure_becomes_its_status, setup, teardown),
        cmocka_unit_test_setup_teardown(concurrent_answers_out_of_order_reach_their_clients, setup, teardown),
        cmocka_unit_test_setup_teardown(client_gone_before_its_result_is_dropped_cleanly, setup, teardown),
        cmocka_unit_test_setup_teardown(client_gone_in_the_middle_of_its_body, setup, teardown),
        cmocka_unit_test_setup_teardown(metrics_are_prometheus_text, setup, teardown),
        cmocka_unit_test_setup_teardown(logs_are_served_or_404, setup, teardown),
        cmocka_unit_test_setup_teardown(owner_pages_are_served_and_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(unanswered_job_gets_504_and_its_late_answer_is_dropped,
                                        setup_with_deadline, teardown),
        cmocka_unit_test(start_fails_cleanly_when_the_port_is_taken),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return failed;
}
