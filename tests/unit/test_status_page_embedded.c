/* test_status_page_embedded: the status page compiled into the binary is the HTML file byte for byte, and
 * the HTTP front serves a typed page (GET / as text/html) while other pages stay text/plain. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "actors/gateway/zr_status_page.h"
#include "tests/unit/test_http_harness.h"

#define PAGE_FILE ZRUN_SOURCE_DIR "/actors/gateway/status_page.html"
#define PUBLISH_DEADLINE_MS 10000

static char *read_file(const char *path, size_t *length)
{
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    assert_int_equal(fseek(file, 0, SEEK_END), 0);
    long size = ftell(file);
    assert_true(size > 0);
    rewind(file);
    char *text = malloc((size_t) size + 1);
    assert_int_equal(fread(text, 1, (size_t) size, file), (size_t) size);
    text[size] = 0;
    fclose(file);
    *length = (size_t) size;
    return text;
}

static void embedded_page_is_the_html_file(void **state)
{
    size_t length = 0;
    char *file = read_file(PAGE_FILE, &length);
    assert_int_equal(zr_status_page_html_len, length);
    assert_memory_equal(zr_status_page_html, file, length);
    assert_int_equal(zr_status_page_html[length], 0);
    assert_int_equal(strlen(zr_status_page_html), length);   /* no NUL inside: usable as a C string */
    free(file);
}

static zactor_t *start_front(int *port)
{
    zr_http_front_config_t config;
    zr_http_front_config_defaults(&config);
    config.bind_address = "127.0.0.1";
    config.port = 0;
    char *error = NULL;
    zactor_t *front = zr_http_front_new(&config, port, &error);
    assert_non_null(front);
    free(error);
    return front;
}

/* GET path (with an Accept header, or none) until the front has the page published (not 404). */
static void get_published(int port, const char *path, const char *accept, http_reply_t *reply)
{
    int64_t deadline = zclock_mono() + PUBLISH_DEADLINE_MS;
    for (;;) {
        http_request(port, "GET", path, NULL, accept, NULL, 0, false, reply);
        if (reply->status != 404 || zclock_mono() > deadline)
            return;
        http_reply_free(reply);
        zclock_sleep(10);
    }
}

static void front_serves_the_page_as_html(void **state)
{
    int port = 0;
    zactor_t *front = start_front(&port);
    assert_int_equal(zr_inproc_typed_page_send(front, "/", 200, ZR_STATUS_PAGE_CONTENT_TYPE,
                                                  zr_status_page_html), 0);
    http_reply_t reply;
    get_published(port, "/", NULL, &reply);
    assert_int_equal(reply.status, 200);
    assert_string_equal(reply.content_type, "text/html; charset=utf-8");
    assert_int_equal(reply.body_len, zr_status_page_html_len);
    assert_memory_equal(reply.body, zr_status_page_html, reply.body_len);
    http_reply_free(&reply);
    http_request(port, "GET", "/", NULL, "Accept: application/json", NULL, 0, false, &reply);
    assert_int_equal(reply.status, 200);   /* a page has no JSON form: the HTML whatever Accept says */
    assert_string_equal(reply.content_type, "text/html; charset=utf-8");
    http_reply_free(&reply);
    http_request(port, "POST", "/", "text/plain", NULL, "x", 1, false, &reply);
    assert_int_equal(reply.status, 405);
    http_reply_free(&reply);
    zactor_destroy(&front);
}

static void untyped_pages_stay_plain_text(void **state)
{
    int port = 0;
    zactor_t *front = start_front(&port);
    assert_int_equal(zr_inproc_page_send(front, "/cluster", 200, "1 LEADER\n", "{\"leader\":1}"), 0);
    http_reply_t reply;
    get_published(port, "/cluster", NULL, &reply);
    assert_int_equal(reply.status, 200);
    assert_string_equal(reply.content_type, "text/plain; charset=utf-8");
    assert_string_equal(reply.body, "1 LEADER\n");
    http_reply_free(&reply);
    http_request(port, "GET", "/cluster", NULL, "Accept: application/json", NULL, 0, false, &reply);
    assert_string_equal(reply.content_type, "application/json");
    http_reply_free(&reply);
    zactor_destroy(&front);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(embedded_page_is_the_html_file),
        cmocka_unit_test(front_serves_the_page_as_html),
        cmocka_unit_test(untyped_pages_stay_plain_text),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return failed;
}
