/* test_http_rejects: what the HTTP front refuses, and that hostile bytes never stop it.
 * 405 + Allow, 400 on Content-Type, 413 with and without Content-Length, 404, /healthz, junk. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/unit/test_http_harness.h"

#define LIMIT (1024 * 1024)

typedef struct {
    zactor_t *owner;
    int port;
} fixture_t;

static int setup(void **state)
{
    fixture_t *fixture = calloc(1, sizeof *fixture);
    zr_http_front_config_t config;
    zr_http_front_config_defaults(&config);   /* the default 1 MiB body limit */
    config.log_dir = getenv("ZRUN_TEST_LOG_DIR");
    fixture->owner = fake_owner_start(&config, &fixture->port);
    *state = fixture;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fixture = *state;
    zactor_destroy(&fixture->owner);
    free(fixture);
    return 0;
}

/* A front-made reason: one line, no newline, the request id set. */
static void assert_reason(const http_reply_t *reply, long status, const char *contains)
{
    assert_int_equal(reply->code, CURLE_OK);
    assert_int_equal(reply->status, status);
    assert_non_null(strstr(reply->body, contains));
    assert_null(strchr(reply->body, '\n'));
    assert_true(strlen(reply->request_id) > 0);
}

static void assert_healthy(int port)
{
    http_reply_t reply;
    http_get(port, "/healthz", &reply);
    assert_int_equal(reply.code, CURLE_OK);
    assert_int_equal(reply.status, 200);
    assert_string_equal(reply.body, "ok");
    assert_true(strlen(reply.request_id) > 0);
    http_reply_free(&reply);
}

static void other_methods_get_405_with_allow(void **state)
{
    fixture_t *fixture = *state;
    const char *methods[] = { "GET", "PUT", "DELETE", "PATCH", "OPTIONS" };
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
        http_reply_t reply;
        http_request(fixture->port, methods[i], "/compileandrun", "text/x-java-source", NULL,
                     NULL, 0, false, &reply);
        assert_reason(&reply, 405, "POST");
        assert_string_equal(reply.allow, "POST");
        http_reply_free(&reply);
    }
    http_reply_t reply;
    http_request(fixture->port, "POST", "/healthz", NULL, NULL, "x", 1, false, &reply);
    assert_reason(&reply, 405, "GET");
    assert_string_equal(reply.allow, "GET, HEAD");
    http_reply_free(&reply);
}

static void content_type_must_be_java_source(void **state)
{
    fixture_t *fixture = *state;
    const char *wrong[] = { NULL, "text/plain", "text/x-java-sourcery", "application/json" };
    for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
        http_reply_t reply;
        http_request(fixture->port, "POST", "/compileandrun", wrong[i], NULL, "ok no", 5, false, &reply);
        assert_reason(&reply, 400, "Content-Type must be text/x-java-source");
        http_reply_free(&reply);
    }
    const char *right[] = { "text/x-java-source; charset=utf-8", "TEXT/X-Java-Source", " text/x-java-source ;q=1" };
    for (size_t i = 0; i < sizeof right / sizeof *right; i++) {
        http_reply_t reply;
        http_request(fixture->port, "POST", "/compileandrun", right[i], NULL, "ok yes", 6, false, &reply);
        assert_int_equal(reply.status, 200);
        assert_string_equal(reply.body, "yes");
        http_reply_free(&reply);
    }
}

/* A body of `size` bytes that the fake owner echoes back if it ever gets it. */
static char *big_body(size_t size)
{
    char *body = malloc(size);
    memset(body, 'j', size);
    return body;
}

static void oversized_body_with_length_gets_413(void **state)
{
    fixture_t *fixture = *state;
    char *body = big_body(LIMIT + 1);
    http_reply_t reply;
    http_request(fixture->port, "POST", "/compileandrun", "text/x-java-source", NULL, body, LIMIT + 1,
                 false, &reply);
    assert_reason(&reply, 413, "larger than the limit of 1048576 bytes");
    http_reply_free(&reply);
    http_request(fixture->port, "POST", "/compileandrun", "text/x-java-source", "Expect:", body,
                 LIMIT + 1, false, &reply);
    assert_reason(&reply, 413, "larger than the limit");
    http_reply_free(&reply);
    http_request(fixture->port, "POST", "/compileandrun", "text/x-java-source", NULL, body, LIMIT,
                 false, &reply);
    assert_int_equal(reply.status, 200);
    assert_int_equal(reply.body_len, LIMIT);
    http_reply_free(&reply);
    free(body);
    assert_healthy(fixture->port);
}

static void oversized_chunked_body_gets_413(void **state)
{
    fixture_t *fixture = *state;
    char *body = big_body(2 * LIMIT);
    http_reply_t reply;
    http_request(fixture->port, "POST", "/compileandrun", "text/x-java-source", NULL, body, 2 * LIMIT,
                 true, &reply);
    assert_reason(&reply, 413, "larger than the limit");
    http_reply_free(&reply);
    free(body);
    body = big_body(24 * LIMIT);   /* past what the front drains: it closes the connection */
    http_request(fixture->port, "POST", "/compileandrun", "text/x-java-source", NULL, body, 24 * LIMIT,
                 true, &reply);
    assert_true(reply.code != CURLE_OK || reply.status == 413);
    http_reply_free(&reply);
    http_request(fixture->port, "POST", "/compileandrun", "text/x-java-source", NULL, "ok chunks", 9,
                 true, &reply);
    assert_int_equal(reply.status, 200);
    assert_string_equal(reply.body, "chunks");
    http_reply_free(&reply);
    free(body);
    assert_healthy(fixture->port);
}

static void unknown_path_gets_404(void **state)
{
    fixture_t *fixture = *state;
    const char *paths[] = { "/", "/compileandrun/x", "/HEALTHZ", "/logs", "/metrics?x=1&y" };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        http_reply_t reply;
        http_get(fixture->port, paths[i], &reply);
        if (i == 4) {   /* the query string is not part of the path */
            assert_int_equal(reply.status, 200);
        } else
            assert_reason(&reply, 404, "not found");
        http_reply_free(&reply);
    }
}

static void healthz_answers_get_and_head(void **state)
{
    fixture_t *fixture = *state;
    assert_healthy(fixture->port);
    http_reply_t reply;
    http_request(fixture->port, "HEAD", "/healthz", NULL, NULL, NULL, 0, false, &reply);
    assert_int_equal(reply.status, 200);
    assert_int_equal(reply.body_len, 0);
    http_reply_free(&reply);
}

/* Sends bytes on a fresh connection; half-closed: reads what comes back; else just closes. */
static void send_raw(int port, const void *data, size_t length, bool half_close)
{
    int fd = raw_connect(port);
    raw_send(fd, data, length);
    if (half_close) {   /* the server sees the end: it answers or closes at once */
        shutdown(fd, SHUT_WR);
        static char answer[65536];
        raw_read_all(fd, answer, sizeof answer, 10000);
    }
    close(fd);
}

static void garbage_never_stops_the_server(void **state)
{
    fixture_t *fixture = *state;
    srand(7);
    for (int round = 0; round < 20; round++) {
        unsigned char junk[4096];
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (unsigned char) rand();
        send_raw(fixture->port, junk, sizeof junk, round % 2 == 0);
    }
    assert_healthy(fixture->port);
    const char *requests[] = {
        "GET /heal",
        "GET /healthz HTTP/1.1\r\n",
        "\r\n\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /healthz\r\n\r\n",
        "POST /compileandrun HTTP/1.1\r\nHost: x\r\nContent-Type: text/x-java-source\r\nContent-Length: -5\r\n\r\n",
        "POST /compileandrun HTTP/1.1\r\nHost: x\r\nContent-Type: text/x-java-source\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        "POST /compileandrun HTTP/1.1\r\nHost: x\r\nContent-Type: text/x-java-source\r\nTransfer-Encoding: chunked\r\n\r\nzzzz\r\nhello\r\n0\r\n\r\n",
        "POST /compileandrun HTTP/1.1\r\nHost: x\r\nContent-Type: text/x-java-source\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nhello",
        "POST /compileandrun HTTP/1.1\r\nHost: x\r\nContent-Type: text/x-java-source\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nok hi!!",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n",
        "G\0ET /he\0althz HTTP/1.1\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof requests / sizeof *requests; i++) {
        size_t length = i == sizeof requests / sizeof *requests - 1 ? 27 : strlen(requests[i]);
        send_raw(fixture->port, requests[i], length, true);
        send_raw(fixture->port, requests[i], length, false);
    }
    assert_healthy(fixture->port);
}

static void huge_headers_never_stop_the_server(void **state)
{
    fixture_t *fixture = *state;
    size_t size = 256 * 1024;
    char *request = malloc(size + 64);
    int used = snprintf(request, 64, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(request + used, 'a', size);
    memcpy(request + used + size, "\r\n\r\n", 4);
    send_raw(fixture->port, request, (size_t) used + size + 4, true);
    /* many small headers, and one endless request line */
    for (size_t i = 0; i < size; i += 8)
        memcpy(request + i, "X: y\r\n  ", 8);
    send_raw(fixture->port, request, size, false);
    memset(request, 'A', size);
    send_raw(fixture->port, request, size, true);
    free(request);
    assert_healthy(fixture->port);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(other_methods_get_405_with_allow, setup, teardown),
        cmocka_unit_test_setup_teardown(content_type_must_be_java_source, setup, teardown),
        cmocka_unit_test_setup_teardown(oversized_body_with_length_gets_413, setup, teardown),
        cmocka_unit_test_setup_teardown(oversized_chunked_body_gets_413, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_path_gets_404, setup, teardown),
        cmocka_unit_test_setup_teardown(healthz_answers_get_and_head, setup, teardown),
        cmocka_unit_test_setup_teardown(garbage_never_stops_the_server, setup, teardown),
        cmocka_unit_test_setup_teardown(huge_headers_never_stop_the_server, setup, teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return failed;
}
