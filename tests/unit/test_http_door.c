/* test_http_door: the public door: its pure books (limits per client and in total, header
 * deadlines on an injected clock), bearer tokens, and the front answering 401, 429 and 503 with
 * their headers, freeing a slot when a waiting client hangs up, and cutting slow connections. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "runtime/http/zr_http_door.h"
#include "runtime/http/zr_http_tokens.h"
#include "tests/unit/test_http_harness.h"
#include "tests/unit/test_support.h"

#define TOKEN "s3cret-token-for-tests-0123456789"

/* ---------- the pure parts ---------- */

static void door_limits_per_client_and_in_total(void **state)
{
    zr_http_door_config_t config = { .max_pending = 3, .max_in_flight_per_client = 2,
                                     .max_connections_per_client = 2, .header_timeout_ms = 1000,
                                     .retry_after_s = 1 };
    zr_http_door_t *door = zr_http_door_new(&config);
    assert_int_equal(zr_http_door_admit(door, "a"), ZR_DOOR_ADMIT);
    assert_int_equal(zr_http_door_admit(door, "a"), ZR_DOOR_ADMIT);
    assert_int_equal(zr_http_door_admit(door, "a"), ZR_DOOR_CLIENT_BUSY);
    assert_int_equal(zr_http_door_admit(door, "b"), ZR_DOOR_ADMIT);
    assert_int_equal(zr_http_door_admit(door, "c"), ZR_DOOR_FULL);
    zr_http_door_release(door, "a");
    assert_int_equal(zr_http_door_admit(door, "c"), ZR_DOOR_ADMIT);
    zr_http_door_release(door, "nobody");   /* ignored */
    zr_http_door_stats_t stats;
    zr_http_door_stats(door, &stats);
    assert_int_equal(stats.in_flight, 3);
    assert_int_equal(stats.refused_busy, 1);
    assert_int_equal(stats.refused_full, 1);
    zr_http_door_release(door, "a");
    zr_http_door_release(door, "b");
    zr_http_door_release(door, "c");
    zr_http_door_stats(door, &stats);
    assert_int_equal(stats.in_flight, 0);
    assert_int_equal(stats.clients, 0);   /* idle clients are forgotten */
    zr_http_door_destroy(&door);
}

static void door_connections_and_header_deadlines(void **state)
{
    zr_http_door_config_t config;
    zr_http_door_config_defaults(&config);
    config.max_connections_per_client = 2;
    config.header_timeout_ms = 1000;
    zr_http_door_t *door = zr_http_door_new(&config);
    assert_int_equal(zr_http_door_next_deadline(door), -1);
    assert_true(zr_http_door_may_connect(door, "a"));
    zr_door_conn_t *first = zr_http_door_connected(door, "a", "user 1", 0);
    zr_door_conn_t *second = zr_http_door_connected(door, "a", "user 2", 100);
    assert_false(zr_http_door_may_connect(door, "a"));
    assert_true(zr_http_door_may_connect(door, "b"));
    assert_string_equal(zr_door_conn_client(first), "a");
    assert_string_equal(zr_door_conn_user(second), "user 2");
    assert_int_equal(zr_http_door_next_deadline(door), 1000);
    assert_null(zr_http_door_next_overdue(door, 999));
    assert_ptr_equal(zr_http_door_next_overdue(door, 1000), first);
    assert_null(zr_http_door_next_overdue(door, 1000));   /* each is cut once */
    assert_int_equal(zr_http_door_next_deadline(door), 1100);
    zr_http_door_headers_done(door, second);                  /* in time */
    assert_int_equal(zr_http_door_next_deadline(door), -1);
    zr_http_door_request_done(door, second, 5000);            /* keep-alive: the next headers */
    assert_int_equal(zr_http_door_next_deadline(door), 6000);
    zr_http_door_disconnected(door, &first);
    assert_null(first);
    assert_true(zr_http_door_may_connect(door, "a"));
    zr_http_door_disconnected(door, &second);
    zr_http_door_stats_t stats;
    zr_http_door_stats(door, &stats);
    assert_int_equal(stats.refused_connections, 1);
    assert_int_equal(stats.cut_slow_headers, 1);
    assert_int_equal(stats.connections, 0);
    assert_int_equal(stats.clients, 0);
    assert_int_equal(zr_http_door_next_deadline(door), -1);
    zr_http_door_destroy(&door);
}

static void tokens_are_checked(void **state)
{
    char err[256] = "";
    zr_http_tokens_t *tokens = zr_http_tokens_parse("# the gateway's tokens\n\n  " TOKEN "  \n"
                                                    "another-token-0123456789\n", "tokens", err, sizeof err);
    assert_non_null(tokens);
    assert_int_equal(zr_http_tokens_count(tokens), 2);
    assert_int_equal(zr_http_tokens_check(tokens, "Bearer " TOKEN), ZR_TOKEN_OK);
    assert_int_equal(zr_http_tokens_check(tokens, "bearer  another-token-0123456789"), ZR_TOKEN_OK);
    assert_int_equal(zr_http_tokens_check(tokens, NULL), ZR_TOKEN_MISSING);
    const char *malformed[] = { "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b", TOKEN };
    for (size_t i = 0; i < sizeof malformed / sizeof *malformed; i++)
        assert_int_equal(zr_http_tokens_check(tokens, malformed[i]), ZR_TOKEN_MALFORMED);
    assert_int_equal(zr_http_tokens_check(tokens, "Bearer " TOKEN "x"), ZR_TOKEN_UNKNOWN);
    assert_int_equal(zr_http_tokens_check(tokens, "Bearer s3cret"), ZR_TOKEN_UNKNOWN);
    assert_non_null(strstr(zr_token_verdict_reason(ZR_TOKEN_MISSING), "Authorization: Bearer"));
    zr_http_tokens_destroy(&tokens);
    assert_null(tokens);
}

static void bad_tokens_files_are_named(void **state)
{
    static const struct { const char *text, *expected; } cases[] = {
        { "# nothing\n\n", "tokens: no token in the file" },
        { TOKEN "\n\nshort\n", "tokens: line 3: a token has 16..512 characters, not 5" },
        { "two words-but-long-enough\n", "tokens: line 1: a token is visible ASCII without spaces" },
    };
    char err[256];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_null(zr_http_tokens_parse(cases[i].text, "tokens", err, sizeof err));
        assert_string_equal(err, cases[i].expected);
    }
    assert_null(zr_http_tokens_load("/nonexistent/tokens", err, sizeof err));
    assert_string_equal(err, "/nonexistent/tokens: cannot read: No such file or directory");
}

/* ---------- the front ---------- */

typedef struct {
    zactor_t *owner;
    int port;
    char tokens[64];
} front_t;

static front_t *front_start(zr_http_door_config_t door, bool with_tokens)
{
    front_t *front = calloc(1, sizeof *front);
    zr_http_front_config_t config;
    zr_http_front_config_defaults(&config);
    config.door = door;
    if (with_tokens) {
        snprintf(front->tokens, sizeof front->tokens, "/tmp/zrun-test-door-tokens-%d", (int) getpid());
        FILE *file = fopen(front->tokens, "w");
        fputs(TOKEN "\n", file);
        fclose(file);
        config.tokens_file = front->tokens;
    }
    front->owner = fake_owner_start(&config, &front->port);
    return front;
}

static void front_stop(front_t *front)
{
    zactor_destroy(&front->owner);
    if (front->tokens[0])
        remove(front->tokens);
    free(front);
}

static zr_http_door_config_t limits(int pending, int per_client, int connections, int header_ms)
{
    return (zr_http_door_config_t) { pending, per_client, connections, header_ms, 2 };
}

/* A job from source_ip (NULL: 127.0.0.1) with an optional extra header. */
static void job_from(const front_t *front, const char *source_ip, const char *header, const char *source,
                     http_reply_t *reply)
{
    CURL *easy = http_easy(front->port, "POST", "/compileandrun", "text/x-java-source", header, source,
                           strlen(source), false, reply);
    char interface[64];
    if (source_ip) {
        snprintf(interface, sizeof interface, "host!%s", source_ip);
        curl_easy_setopt(easy, CURLOPT_INTERFACE, interface);
    }
    http_finish(easy, reply, curl_easy_perform(easy));
}

static void expect(const http_reply_t *reply, long status, const char *body_part)
{
    assert_int_equal(reply->code, CURLE_OK);
    assert_int_equal(reply->status, status);
    if (!strstr(reply->body ? reply->body : "", body_part))
        fail_msg("body '%s' lacks '%s'", reply->body ? reply->body : "", body_part);
    assert_null(strchr(reply->body, '\n'));   /* one line */
}

/* Parks a job over a raw connection (kept open, returned) until the owner says PARKED. */
static int park(const front_t *front)
{
    const char request[] = "POST /compileandrun HTTP/1.1\r\nHost: x\r\nContent-Type: text/x-java-source\r\n"
                           "Connection: close\r\nContent-Length: 9\r\n\r\npark slot";
    int fd = raw_connect(front->port);
    raw_send(fd, request, strlen(request));
    char *parked = zstr_recv(front->owner);
    assert_string_equal(parked, "PARKED");
    free(parked);
    return fd;
}

static void release(const front_t *front)
{
    zstr_send(front->owner, "RELEASE");
    char *released = zstr_recv(front->owner);
    assert_string_equal(released, "RELEASED");
    free(released);
}

static void tokens_guard_jobs_only(void **state)
{
    front_t *front = front_start(limits(10, 10, 10, 5000), true);
    http_reply_t reply;
    job_from(front, NULL, NULL, "ok ran", &reply);
    expect(&reply, 401, "unauthorized: send Authorization: Bearer <token>");
    assert_string_equal(reply.www_authenticate, "Bearer realm=\"zrun\"");
    assert_true(strlen(reply.request_id) > 0);
    http_reply_free(&reply);
    job_from(front, NULL, "Authorization: Bearer wrong-token-0123456789", "ok ran", &reply);
    expect(&reply, 401, "unknown token");
    http_reply_free(&reply);
    job_from(front, NULL, "Authorization: Bearer " TOKEN, "ok ran", &reply);
    expect(&reply, 200, "ran");
    http_reply_free(&reply);
    http_get(front->port, "/healthz", &reply);   /* only jobs need a token */
    expect(&reply, 200, "ok");
    http_reply_free(&reply);
    front_stop(front);
}

static void busy_client_gets_429_and_full_queue_503(void **state)
{
    front_t *front = front_start(limits(2, 1, 10, 5000), false);
    int fd = park(front);   /* 127.0.0.1 has its one job in flight */
    http_reply_t reply;
    job_from(front, NULL, NULL, "ok again", &reply);
    expect(&reply, 429, "too many requests: 127.0.0.1 has 1 jobs in flight already; retry later");
    assert_string_equal(reply.retry_after, "2");
    http_reply_free(&reply);
    job_from(front, "127.0.0.2", NULL, "ok other client", &reply);   /* another client may */
    expect(&reply, 200, "other client");
    http_reply_free(&reply);
    front_stop(front);
    close(fd);

    front = front_start(limits(1, 5, 10, 5000), false);
    fd = park(front);       /* the one pending slot */
    job_from(front, "127.0.0.2", NULL, "ok other client", &reply);
    expect(&reply, 503, "the queue is full (1 jobs); retry later");
    assert_string_equal(reply.retry_after, "2");
    http_reply_free(&reply);
    release(front);
    char answer[512];
    raw_read_all(fd, answer, sizeof answer, 10000);
    assert_non_null(strstr(answer, "HTTP/1.1 200"));
    close(fd);
    job_from(front, "127.0.0.2", NULL, "ok now", &reply);   /* the slot is free again */
    expect(&reply, 200, "now");
    http_reply_free(&reply);
    front_stop(front);
}

static size_t gone_count(const front_t *front)
{
    zstr_send(front->owner, "GONE");
    char *count = zstr_recv(front->owner);
    size_t gone = (size_t) atol(count);
    free(count);
    return gone;
}

/* 50 at once from one client with room for 10: exactly 10 are taken (parked until all the others
 * are refused), 40 get a clean 429 with Retry-After (never a reset), then the 10 are answered. */
static void a_burst_gets_answers_or_clean_429s(void **state)
{
    enum { BURST = 50, ROOM = 10 };
    front_t *front = front_start(limits(100, ROOM, 100, 5000), false);
    static http_reply_t replies[BURST];
    CURL *handles[BURST];
    CURLM *multi = curl_multi_init();
    for (int i = 0; i < BURST; i++) {
        handles[i] = http_easy(front->port, "POST", "/compileandrun", "text/x-java-source", NULL,
                               "park burst", 10, false, &replies[i]);
        curl_multi_add_handle(multi, handles[i]);
    }
    int parked = 0, acknowledged = 0;
    bool released = false;
    for (int running = BURST; running;) {
        assert_int_equal(curl_multi_perform(multi, &running), CURLM_OK);
        char *note;
        while ((note = zstr_recv_nowait(front->owner))) {
            parked += streq(note, "PARKED");
            acknowledged += streq(note, "RELEASED");
            free(note);
        }
        if (!released && parked == ROOM && running == ROOM) {   /* every other one was refused */
            zstr_send(front->owner, "RELEASE");
            released = true;
        }
        if (running)
            assert_int_equal(curl_multi_poll(multi, NULL, 0, 100, NULL), CURLM_OK);
    }
    CURLMsg *done;
    int left, answered = 0, refused = 0;
    while ((done = curl_multi_info_read(multi, &left)))
        assert_int_equal(done->data.result, CURLE_OK);   /* no reset, no timeout */
    for (int i = 0; i < BURST; i++) {
        curl_multi_remove_handle(multi, handles[i]);
        http_finish(handles[i], &replies[i], CURLE_OK);
        answered += replies[i].status == 200;
        refused += replies[i].status == 429 && streq(replies[i].retry_after, "2");
        http_reply_free(&replies[i]);
    }
    curl_multi_cleanup(multi);
    printf("a burst of %d from one client: %d answered, %d told to retry (%zu gone)\n", BURST, answered,
           refused, gone_count(front));
    assert_int_equal(answered, ROOM);
    assert_int_equal(refused, BURST - ROOM);
    if (!acknowledged) {
        char *note = zstr_recv(front->owner);   /* RELEASED */
        free(note);
    }
    front_stop(front);
}

static void client_hanging_up_frees_its_slot(void **state)
{
    front_t *front = front_start(limits(1, 1, 10, 5000), false);
    int fd = park(front);
    close(fd);   /* gone while its job waits */
    int64_t deadline = zclock_mono() + 10000;
    while (gone_count(front) == 0 && zclock_mono() < deadline)
        zclock_sleep(10);   /* polling interval of a condition with a deadline */
    assert_int_equal(gone_count(front), 1);
    http_reply_t reply;
    job_from(front, NULL, NULL, "ok slot free", &reply);   /* before the parked job is answered */
    expect(&reply, 200, "slot free");
    http_reply_free(&reply);
    release(front);   /* its late answer is dropped */
    http_get(front->port, "/metrics", &reply);
    assert_non_null(strstr(reply.body, "\nzrun_http_clients_gone_total 1\n"));
    http_reply_free(&reply);
    front_stop(front);
}

/* Connects from source_ip (bound before connecting). */
static int connect_from(const char *source_ip, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in local = { .sin_family = AF_INET };
    inet_pton(AF_INET, source_ip, &local.sin_addr);
    assert_int_equal(bind(fd, (struct sockaddr *) &local, sizeof local), 0);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(connect(fd, (struct sockaddr *) &to, sizeof to), 0);
    return fd;
}

static void slow_and_surplus_connections_are_closed(void **state)
{
    front_t *front = front_start(limits(10, 10, 3, 300), false);
    int fds[4];
    for (int i = 0; i < 4; i++) {
        fds[i] = connect_from("127.0.0.2", front->port);
        raw_send(fds[i], "POST /compileandrun HTT", 23);   /* and then nothing */
    }
    char buffer[64];
    int64_t start = zclock_mono();
    assert_int_equal(raw_read_all(fds[3], buffer, sizeof buffer, 5000), 0);   /* the 4th: refused */
    http_reply_t reply;
    job_from(front, NULL, NULL, "ok served", &reply);   /* 127.0.0.1 is served meanwhile */
    expect(&reply, 200, "served");
    http_reply_free(&reply);
    for (int i = 0; i < 3; i++)   /* the others: closed after the header timeout */
        assert_int_equal(raw_read_all(fds[i], buffer, sizeof buffer, 5000), 0);
    int64_t waited = zclock_mono() - start;
    printf("slow connections closed after %lld ms (header timeout 300 ms)\n", (long long) waited);
    assert_true(waited >= 250 && waited < 4000);
    for (int i = 0; i < 4; i++)
        close(fds[i]);
    http_get(front->port, "/metrics", &reply);
    assert_non_null(strstr(reply.body, "zrun_http_refused_total{reason=\"connections_per_client\"} 1\n"));
    assert_non_null(strstr(reply.body, "zrun_http_refused_total{reason=\"slow_headers\"} 3\n"));
    http_reply_free(&reply);
    front_stop(front);
}

int main(void)
{
    zsys_init();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(door_limits_per_client_and_in_total),
        cmocka_unit_test(door_connections_and_header_deadlines),
        cmocka_unit_test(tokens_are_checked),
        cmocka_unit_test(bad_tokens_files_are_named),
        cmocka_unit_test(tokens_guard_jobs_only),
        cmocka_unit_test(busy_client_gets_429_and_full_queue_503),
        cmocka_unit_test(a_burst_gets_answers_or_clean_429s),
        cmocka_unit_test(client_hanging_up_frees_its_slot),
        cmocka_unit_test(slow_and_surplus_connections_are_closed),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    zsys_shutdown();
    return failed;
}
