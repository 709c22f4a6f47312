/* test_log_clock: the manual clock, level parsing and per-actor log files.
 * Checks file naming, level filtering and that summary facts are written verbatim. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "runtime/zr_clock.h"
#include "runtime/zr_log.h"

static char *read_all(const char *path)
{
    FILE *file = fopen(path, "r");
    assert_non_null(file);
    static char buffer[8192];
    size_t used = fread(buffer, 1, sizeof buffer - 1, file);
    buffer[used] = 0;
    fclose(file);
    return buffer;
}

static void manual_clock_moves_only_when_set(void **state)
{
    zr_manual_clock_t manual = { .now_ms = 42 };
    zr_clock_t clock = zr_clock_manual(&manual);
    assert_int_equal(zr_clock_now_ms(&clock), 42);
    manual.now_ms = 1042;
    assert_int_equal(zr_clock_now_ms(&clock), 1042);
    zr_clock_t real = zr_clock_monotonic();
    int64_t first = zr_clock_now_ms(&real);
    assert_true(zr_clock_now_ms(&real) >= first);
}

static void poll_timeouts_follow_the_deadline(void **state)
{
    zr_manual_clock_t manual = { .now_ms = 1000 };
    zr_clock_t clock = zr_clock_manual(&manual);
    assert_int_equal(zr_clock_poll_timeout(&clock, -1), -1);
    assert_int_equal(zr_clock_poll_timeout(&clock, INT64_MAX), -1);
    assert_int_equal(zr_clock_poll_timeout(&clock, 900), 0);
    assert_int_equal(zr_clock_poll_timeout(&clock, 1250), 250);
    assert_int_equal(zr_clock_poll_timeout(&clock, 1000 + 3600000), 60000);
}

static void level_names_parse(void **state)
{
    assert_int_equal(zr_log_level_parse("debug"), ZR_LOG_DEBUG);
    assert_int_equal(zr_log_level_parse("INFO"), ZR_LOG_INFO);
    assert_int_equal(zr_log_level_parse("warning"), ZR_LOG_WARN);
    assert_int_equal(zr_log_level_parse("off"), ZR_LOG_OFF);
    assert_int_equal(zr_log_level_parse("loud"), -1);
}

static void actor_log_is_named_and_filtered(void **state)
{
    char dir[] = "/tmp/zrun-log-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char nested[256];
    snprintf(nested, sizeof nested, "%s/a/b", dir);
    zr_log_t *log = zr_log_open(nested, 3, "heartbeat");
    assert_non_null(log);
    char expected[300];
    snprintf(expected, sizeof expected, "%s/node-3-heartbeat.log", nested);
    assert_string_equal(zr_log_path(log), expected);

    zr_log_set_level(ZR_LOG_WARN);
    zr_info(log, "hidden %d", 1);
    zr_warn(log, "shown %d", 2);
    zr_log_set_level(ZR_LOG_INFO);
    zr_info(log, "shown %s", "three");
    zr_log_fact(log, false, "3: switching from %s to %s", "LOOKING", "LEADING");
    char *text = read_all(expected);
    assert_null(strstr(text, "hidden"));
    assert_non_null(strstr(text, "Z WARN  3 heartbeat: shown 2\n"));
    assert_non_null(strstr(text, "Z INFO  3 heartbeat: shown three\n"));
    assert_int_equal(text[19], '.');   /* "YYYY-MM-DDTHH:MM:SS.mmmZ": milliseconds */
    assert_int_equal(text[23], 'Z');
    assert_non_null(strstr(text, "\n3: switching from LOOKING to LEADING\n"));
    zr_log_close(&log);
    assert_null(log);
    unlink(expected);
}

static void discarding_log_accepts_writes(void **state)
{
    zr_log_t *log = zr_log_open(NULL, 1, "nowhere");
    assert_non_null(log);
    zr_info(log, "goes nowhere");
    zr_log_close(&log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(manual_clock_moves_only_when_set),
        cmocka_unit_test(poll_timeouts_follow_the_deadline),
        cmocka_unit_test(level_names_parse),
        cmocka_unit_test(actor_log_is_named_and_filtered),
        cmocka_unit_test(discarding_log_accepts_writes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
