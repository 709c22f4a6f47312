/* test_runner_hostile: code that attacks its runner gets a clear 400 and the pool serves the next job.
 * One JVM, so every "next job" runs where the attack ran (or on its replacement). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>
#include "test_runner_support.h"

#define WALL_MS 3000
#define HEAP_MB 96

static zactor_t *pool;
static uint64_t next_id = 1;

static int start_pool(void **state)
{
    zr_runner_config_t config;
    test_runner_config(&config, 1, WALL_MS);
    config.heap_mb = HEAP_MB;
    pool = zr_runner_pool_new(&config);
    return pool ? 0 : -1;
}

static int stop_pool(void **state)
{
    zactor_destroy(&pool);
    return 0;
}

static void assert_first_line(const test_result_t *result, zr_job_status_t status, const char *line)
{
    assert_int_equal(result->http_status, 400);
    assert_int_equal(result->status, status);
    size_t length = strcspn(result->body, "\n");
    if (length != strlen(line) || strncmp(result->body, line, length) != 0)
        fail_msg("first line: %.*s\nexpected:   %s", (int) length, result->body, line);
}

/* The pool still answers a normal job correctly. */
static void assert_pool_serves(void)
{
    test_result_t *result = test_runner_run_case(pool, next_id++, "hello.java");
    assert_non_null(result);
    assert_int_equal(result->status, ZR_JOB_OK);
    assert_string_equal(result->body, "Hello, world!");
    assert_string_equal(result->out, "to stdout\n");
    test_result_destroy(&result);
}

static void check(const char *file, zr_job_status_t status, const char *first_line)
{
    test_result_t *result = test_runner_run_case(pool, next_id++, file);
    assert_non_null(result);
    assert_first_line(result, status, first_line);
    test_result_destroy(&result);
    assert_pool_serves();
}

static void check_text(const char *source, zr_job_status_t status, const char *first_line)
{
    test_result_t *result = test_runner_run_text(pool, next_id++, source, strlen(source));
    assert_non_null(result);
    assert_first_line(result, status, first_line);
    test_result_destroy(&result);
    assert_pool_serves();
}

static void exit_and_halt_are_refused(void **state)
{
    check("hostile_exit.java", ZR_JOB_LIMIT,
          "Forbidden operation: System.exit(1) is not allowed: jobs may not stop the JVM");
    check("hostile_halt.java", ZR_JOB_LIMIT,
          "Forbidden operation: Runtime.halt(1) is not allowed: jobs may not stop the JVM");
}

static void endless_loop_hits_the_wall_limit(void **state)
{
    check("hostile_loop.java", ZR_JOB_LIMIT, "Time limit exceeded: run() did not return within 3000 ms");
}

static void heap_exhaustion_hits_the_memory_limit(void **state)
{
    char line[128];
    snprintf(line, sizeof line, "Memory limit exceeded: the job ran out of the %d MB heap "
             "(java.lang.OutOfMemoryError)", HEAP_MB);
    check("hostile_oom.java", ZR_JOB_LIMIT, line);
}

static void flood_of_output_hits_the_output_limit(void **state)
{
    test_result_t *result = test_runner_run_case(pool, next_id++, "hostile_print.java");
    assert_non_null(result);
    assert_first_line(result, ZR_JOB_LIMIT,
                      "Output limit exceeded: the job printed more than 1048576 bytes (stdout and stderr together)");
    assert_int_equal(result->out_len, 1 << 20);   /* what fits is kept, the rest dropped */
    test_result_destroy(&result);
    assert_pool_serves();
}

static void endless_threads_hit_the_thread_limit(void **state)
{
    check("hostile_threads.java", ZR_JOB_LIMIT, "Thread limit exceeded: the job tried to start more than 32 threads");
}

static void threads_of_the_runner_are_out_of_reach(void **state)
{
    check("hostile_interrupt.java", ZR_JOB_LIMIT,
          "Forbidden operation: touching threads outside the job is not allowed");
}

static void deep_recursion_is_a_runtime_error(void **state)
{
    test_result_t *result = test_runner_run_case(pool, next_id++, "hostile_recursion.java");
    assert_non_null(result);
    assert_first_line(result, ZR_JOB_RUNTIME_ERROR, "Could not create and run instance of class");
    assert_non_null(strstr(result->body, "Caused by: java.lang.StackOverflowError"));
    test_result_destroy(&result);
    assert_pool_serves();
}

static void network_and_processes_are_refused(void **state)
{
    check("hostile_socket.java", ZR_JOB_LIMIT,
          "Forbidden operation: network access is not allowed (connect,resolve 127.0.0.1:22)");
    check("hostile_process.java", ZR_JOB_LIMIT, "Forbidden operation: starting a process is not allowed (sh)");
}

static void files_outside_scratch_are_refused(void **state)
{
    unlink("/tmp/x");
    check("hostile_write_tmp.java", ZR_JOB_LIMIT, "Forbidden operation: writing /tmp/x is not allowed "
          "(jobs may write files only in their scratch directory)");
    assert_int_not_equal(access("/tmp/x", F_OK), 0);
    check("hostile_read_passwd.java", ZR_JOB_LIMIT, "Forbidden operation: reading /etc/passwd is not allowed "
          "(jobs may read files only in their scratch directory)");
    /* the answer pipe is a file too: writing it is refused like any other */
    check_text("import java.nio.file.*; public class Forge { public String run() throws Exception {"
               " Files.write(Path.of(\"/proc/self/fd/4\"), new byte[] { 0, 0, 0, 9 }); return \"forged\"; } }",
               ZR_JOB_LIMIT, "Forbidden operation: writing /proc/self/fd/4 is not allowed (jobs may write "
               "files only in their scratch directory)");
    check_text("public class Redirect { public String run() { System.setOut(null); return \"x\"; } }",
               ZR_JOB_LIMIT, "Forbidden operation: java.lang.RuntimePermission \"setIO\" is not allowed");
}

static void scratch_files_work_and_do_not_outlive_their_job(void **state)
{
    test_result_t *result = test_runner_run_case(pool, next_id++, "scratch_files.java");
    assert_non_null(result);
    assert_int_equal(result->status, ZR_JOB_OK);
    assert_string_equal(result->body, "kept in scratch true");
    test_result_destroy(&result);
    const char *look = "import java.nio.file.*; public class Look { public String run() {"
                       " return \"exists \" + Files.exists(Path.of(\"note.txt\")); } }";
    result = test_runner_run_text(pool, next_id++, look, strlen(look));
    assert_non_null(result);
    assert_string_equal(result->body, "exists false");
    test_result_destroy(&result);
}

static void threads_left_running_cost_their_jvm(void **state)
{
    const char *source = "public class Leaver { public String run() { Thread t = new Thread(() -> {"
                         " while (true) { } }); t.setDaemon(true); t.start(); return \"left\"; } }";
    test_result_t *result = test_runner_run_text(pool, next_id++, source, strlen(source));
    assert_non_null(result);
    assert_int_equal(result->status, ZR_JOB_OK);
    assert_string_equal(result->body, "left");
    test_result_destroy(&result);
    assert_pool_serves();   /* on a fresh JVM: the spinning thread died with the old one */
    zr_pool_stats_t stats = { 0 };
    assert_true(test_runner_stats(pool, &stats));
    assert_int_equal(stats.jvms, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit_and_halt_are_refused),
        cmocka_unit_test(endless_loop_hits_the_wall_limit),
        cmocka_unit_test(heap_exhaustion_hits_the_memory_limit),
        cmocka_unit_test(flood_of_output_hits_the_output_limit),
        cmocka_unit_test(endless_threads_hit_the_thread_limit),
        cmocka_unit_test(threads_of_the_runner_are_out_of_reach),
        cmocka_unit_test(deep_recursion_is_a_runtime_error),
        cmocka_unit_test(network_and_processes_are_refused),
        cmocka_unit_test(files_outside_scratch_are_refused),
        cmocka_unit_test(scratch_files_work_and_do_not_outlive_their_job),
        cmocka_unit_test(threads_left_running_cost_their_jvm),
    };
    return cmocka_run_group_tests(tests, start_pool, stop_pool);
}
