/* test_runner_hostile: code that attacks its runner gets a clear 400 and the pool serves the next job.
 * One JVM, so every "next job" runs where the attack ran (or on its replacement); twice: with the SecurityManager and without (JDK 24). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <unistd.h>
#include "test_runner_support.h"

#define WALL_MS 10000   /* generous: under load a 96 MB heap fills in seconds (SerialGC compacts) */
#define HEAP_MB 96

static zactor_t *pool;
static uint64_t next_id = 1;
static char log_dir[] = "/tmp/zrun-hostile-logs-XXXXXX";   /* this run's own JVM logs */

static int start(bool without_security_manager)
{
    zr_runner_config_t config;
    test_runner_config(&config, 1, WALL_MS);
    config.heap_mb = HEAP_MB;
    config.no_security_manager = without_security_manager;
    if (log_dir[strlen(log_dir) - 1] == 'X' && !mkdtemp(log_dir))
        return -1;
    config.log_dir = log_dir;
    pool = zr_runner_pool_new(&config);
    return pool ? 0 : -1;
}

static int start_pool(void **state)
{
    return start(false);
}

/* As JDK 24 runs it (JEP 486): no SecurityManager, only the OS walls, recycling and JvmState. */
static int start_pool_without_security_manager(void **state)
{
    return start(true);
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
    check("hostile_loop.java", ZR_JOB_LIMIT, "Time limit exceeded: run() did not return within 10000 ms");
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

/* ---- leftovers, JVM-global state and the filesystem: must hold with and without the SecurityManager ---- */

static uint64_t recycles(void)
{
    zr_pool_stats_t stats = { 0 };
    assert_true(test_runner_stats(pool, &stats));
    return stats.recycles;
}

/* Runs a case that must answer 200 with `body`; returns the result for more checks. */
static test_result_t *run_ok(const char *file, const char *body)
{
    test_result_t *result = test_runner_run_case(pool, next_id++, file);
    assert_non_null(result);
    if (result->status != ZR_JOB_OK || strcmp(result->body, body) != 0)
        fail_msg("%s: status %d, body: %s\nexpected 200: %s", file, result->status, result->body, body);
    return result;
}

/* A job that collects garbage and waits must print nothing of an earlier job's. */
static void next_job_sees_nothing_of(const char *file, const char *body, const char *late_words)
{
    uint64_t before = recycles();
    test_result_t *result = run_ok(file, body);
    test_result_destroy(&result);
    result = run_ok("collect_and_wait.java", "waited null");   /* no late code set zrun.late */
    if (strstr(result->out, late_words) || strstr(result->err, late_words))
        fail_msg("an earlier job's code ran inside the next one: %s%s", result->out, result->err);
    test_result_destroy(&result);
    assert_int_equal(recycles(), before + 1);   /* the job's JVM was replaced */
}

static void finalizers_do_not_outlive_their_job(void **state)
{
    next_job_sees_nothing_of("hostile_finalizer.java", "left garbage", "finalized after its job");
}

static void common_pool_work_does_not_outlive_its_job(void **state)
{
    next_job_sees_nothing_of("hostile_common_pool.java", "submitted", "common pool ran after its job");
}

static void parallel_streams_run_on_the_job_thread(void **state)
{
    uint64_t before = recycles();
    test_result_t *result = run_ok("parallel_stream_threads.java", "1 thread(s), all the job's own: true");
    test_result_destroy(&result);
    assert_int_equal(recycles(), before);   /* nothing left behind: the JVM stays warm */
}

static void global_state_is_reset_between_jobs(void **state)
{
    test_result_t *defaults = test_runner_run_case(pool, next_id++, "global_state_read.java");
    assert_non_null(defaults);
    assert_int_equal(defaults->status, ZR_JOB_OK);
    assert_true(test_runner_starts_with(defaults->body, "null true "));
    uint64_t before = recycles();
    test_result_t *result = run_ok("global_state_set.java", "set set by a job Pacific/Kiritimati");
    test_result_destroy(&result);
    result = run_ok("global_state_read.java", defaults->body);   /* what a fresh JVM shows */
    test_result_destroy(&result);
    test_result_destroy(&defaults);
    assert_int_equal(recycles(), before);   /* restored in place, not by a new JVM */
}

/* A job's thread is kept for the next job (JobThread): whatever a job changed on it, the next job
 * finds the thread a fresh one would be. */
static void the_job_thread_is_put_back_between_jobs(void **state)
{
    const char *fresh = "true 5 false true 10 false true";
    test_result_t *result = run_ok("thread_state_read.java", fresh);
    test_result_destroy(&result);
    uint64_t before = recycles();
    result = run_ok("thread_state_set.java", "set renamed by a job 1 true");
    test_result_destroy(&result);
    result = run_ok("thread_state_read.java", fresh);
    test_result_destroy(&result);
    assert_int_equal(recycles(), before);   /* put back in place, not by a new JVM */
}

/* Each job's thread group is unlinked after it: the jobs' group does not grow by one group per job
 * (every walk over the JVM's threads, twice a job, would go through them all). Without the
 * SecurityManager only: with it, a job cannot reach the jobs' group to count (the same code unlinks). */
static void a_jobs_thread_group_does_not_outlive_it(void **state)
{
    test_result_t *result = test_runner_run_case(pool, next_id++, "thread_groups_count.java");
    assert_non_null(result);
    assert_int_equal(result->status, ZR_JOB_OK);
    int first = -1, last = -1;
    assert_int_equal(sscanf(result->body, "groups zrun-jobs %d", &first), 1);
    test_result_destroy(&result);
    for (int i = 0; i < 30; i++) {
        result = test_runner_run_case(pool, next_id++, "thread_groups_count.java");
        assert_non_null(result);
        assert_int_equal(sscanf(result->body, "groups zrun-jobs %d", &last), 1);
        test_result_destroy(&result);
    }
    assert_in_range(last, 1, first + 2);   /* a retired thread's group may come and go, not 30 jobs' */
}

static void shutdown_hooks_are_refused(void **state)
{
    check("hostile_shutdown_hook.java", ZR_JOB_LIMIT,
          "Forbidden operation: java.lang.RuntimePermission \"shutdownHooks\" is not allowed");
}

/* Removes what a job managed to write outside its scratch ("wrote PATH; ..."), so a failure leaves no trace. */
static void forget_writes(const char *said)
{
    for (const char *at = said; (at = strstr(at, "wrote ")); at++) {
        char path[PATH_MAX];
        if (sscanf(at, "wrote %4095[^;]", path) == 1)
            unlink(path);
    }
}

static void writes_outside_scratch_are_refused_by_the_filesystem(void **state)
{
    const char *source = "import java.nio.file.*; public class Out { public String run() { String said = \"\";"
        " for (String p : new String[] { \"/tmp/x\", System.getProperty(\"java.home\") + \"/zrun-x\", \"/etc/zrun-x\" }) {"
        " try { Files.writeString(Path.of(p), \"by a job\"); said += \"wrote \" + p + \"; \"; }"
        " catch (Exception e) { said += e.getMessage() + \"; \"; } } return said; } }";
    unlink("/tmp/x");
    test_result_t *result = test_runner_run_text(pool, next_id++, source, strlen(source));
    assert_non_null(result);
    assert_int_equal(result->status, ZR_JOB_OK);
    forget_writes(result->body);
    assert_null(strstr(result->body, "wrote"));
    int refused = 0;
    for (const char *at = result->body; (at = strstr(at, "Read-only file system")); at++)
        refused++;
    if (refused != 3)
        fail_msg("expected 3 read-only refusals: %s", result->body);
    test_result_destroy(&result);
    assert_int_not_equal(access("/tmp/x", F_OK), 0);
    assert_int_not_equal(access("/etc/zrun-x", F_OK), 0);
    assert_pool_serves();
}

/* The pid of this process's runner JVM (the pool forks it from one of our threads). */
static pid_t runner_jvm_pid(void)
{
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    pid_t found = 0;
    while (!found && (entry = readdir(proc))) {
        char path[300], text[512];
        snprintf(path, sizeof path, "/proc/%s/stat", entry->d_name);
        FILE *stat = fopen(path, "r");
        int ppid = 0;
        if (stat && fgets(text, sizeof text, stat) && strrchr(text, ')')
            && sscanf(strrchr(text, ')'), ") %*c %d", &ppid) == 1 && ppid == getpid())
            found = (pid_t) atoi(entry->d_name);
        if (stat)
            fclose(stat);
    }
    closedir(proc);
    return found;
}

static bool log_says(const char *words)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/node-0-runner-jvm0.log", log_dir);
    FILE *log = fopen(path, "r");
    char line[1024];
    bool said = false;
    while (log && !said && fgets(line, sizeof line, log))
        said = strstr(line, words) != NULL;
    if (log)
        fclose(log);
    return said;
}

/* Without a SecurityManager a job may register a hook, but it never runs: the runner only halts, the
 * pool only kills -9, and -Xrs leaves SIGTERM (a service manager stopping everything) to the kernel. */
static void shutdown_hooks_never_run(void **state)
{
    test_result_t *result = run_ok("hostile_shutdown_hook.java", "hooked");
    test_result_destroy(&result);
    zr_pool_stats_t stats = { 0 };
    assert_true(test_runner_stats(pool, &stats));
    uint64_t deaths = stats.deaths;
    pid_t jvm = runner_jvm_pid();
    assert_true(jvm > 0);
    assert_int_equal(kill(jvm, SIGTERM), 0);
    for (int i = 0; i < 200 && stats.deaths == deaths; i++) {
        zclock_sleep(50);
        assert_true(test_runner_stats(pool, &stats));
    }
    assert_true(stats.deaths > deaths);
    assert_false(log_says("shutdown hook ran after its job"));
    assert_pool_serves();
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
        cmocka_unit_test(finalizers_do_not_outlive_their_job),
        cmocka_unit_test(common_pool_work_does_not_outlive_its_job),
        cmocka_unit_test(parallel_streams_run_on_the_job_thread),
        cmocka_unit_test(global_state_is_reset_between_jobs),
        cmocka_unit_test(the_job_thread_is_put_back_between_jobs),
        cmocka_unit_test(shutdown_hooks_are_refused),
    };
    const struct CMUnitTest without_security_manager[] = {
        cmocka_unit_test(finalizers_do_not_outlive_their_job),
        cmocka_unit_test(common_pool_work_does_not_outlive_its_job),
        cmocka_unit_test(parallel_streams_run_on_the_job_thread),
        cmocka_unit_test(global_state_is_reset_between_jobs),
        cmocka_unit_test(the_job_thread_is_put_back_between_jobs),
        cmocka_unit_test(a_jobs_thread_group_does_not_outlive_it),
        cmocka_unit_test(writes_outside_scratch_are_refused_by_the_filesystem),
        cmocka_unit_test(shutdown_hooks_never_run),
    };
    int failed = cmocka_run_group_tests(tests, start_pool, stop_pool);
    return failed + cmocka_run_group_tests_name("without a SecurityManager (JDK 24)", without_security_manager,
                                                start_pool_without_security_manager, stop_pool);
}
