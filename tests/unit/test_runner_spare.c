/* test_runner_spare: a pool of one working JVM and one warm spare, through the real pool actor: a job
 * that kills its JVM is followed at once by a correct answer, the spare is refilled, and every ready JVM
 * warms on idle CPU (SCHED_IDLE, as root) until it takes a job, then works at the work's SCHED_BATCH;
 * but not one whose job is already waiting when it becomes ready. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "test_runner_support.h"
#include "runtime/zr_log.h"
#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define HEAP_MB 96
#define SPARE_DEADLINE_MS 180000   /* generous: on a busy machine a spare waits 10 s for idle CPU, then
                                      starts at nice 10 beside the load */
#define BURST 5                    /* each JVM's idle warm-up burst here (1500 in service): on idle CPU,
                                      which a machine kept busy gives out at about 0.3% of a core */

static zactor_t *pool;
/* mkdtemp() templates, one per group: the six X are replaced by a unique suffix in start_pool */
static char spare_log_dir[] = "/tmp/zrun-spare-test-XXXXXX";
static char alone_log_dir[] = "/tmp/zrun-alone-test-XXXXXX";
static const char *log_dir;

static int start_pool(char *dir, int spare_jvms)
{
    zr_runner_config_t config;
    test_runner_config(&config, 1, 10000);
    if (!mkdtemp(dir))
        return -1;
    log_dir = dir;
    config.log_dir = log_dir;   /* its own: the test reads the JVMs' and the pool's logs */
    config.spare_jvms = spare_jvms;
    config.idle_warm_up_jobs = BURST;
    config.heap_mb = HEAP_MB;
    zr_log_set_level(ZR_LOG_DEBUG);   /* the pool logs its moves to idle CPU at debug */
    pool = zr_runner_pool_new(&config);
    return pool ? 0 : -1;
}

static int start_pool_with_spare(void **state)
{
    return start_pool(spare_log_dir, 1);
}

static int start_pool_alone(void **state)
{
    return start_pool(alone_log_dir, 0);
}

static int stop_pool(void **state)
{
    zactor_destroy(&pool);
    char command[128];
    snprintf(command, sizeof command, "rm -rf %s", log_dir);
    return system(command) == 0 ? 0 : -1;
}

/* Lines of the log files (a glob in the log directory) that contain text. */
static int log_lines(const char *files, const char *text)
{
    char command[512];
    snprintf(command, sizeof command, "cat %s/%s | grep -c '%s'", log_dir, files, text);
    FILE *grep = popen(command, "r");
    int count = 0;
    if (grep && fscanf(grep, "%d", &count) != 1)
        count = 0;
    if (grep)
        pclose(grep);
    return count;
}

static int jvm_log_lines(const char *text)
{
    return log_lines("node-*-runner-jvm*.log", text);
}

static int pool_log_lines(const char *text)
{
    return log_lines("node-*-runner.log", text);
}

/* Polls the pool's figures until `idle` JVMs are ready, within the deadline. */
static zr_pool_stats_t wait_for_idle(uint32_t idle)
{
    zr_pool_stats_t stats = { 0 };
    int64_t deadline = zclock_mono() + SPARE_DEADLINE_MS;
    while (zclock_mono() < deadline) {
        assert_true(test_runner_stats(pool, &stats));
        if (stats.idle == idle && stats.starting == 0)
            return stats;
        zclock_sleep(50);   /* poll interval: nothing is synchronised by it */
    }
    fail_msg("the pool never had %u idle JVMs (idle %u, starting %u)", idle, stats.idle, stats.starting);
    return stats;
}

/* True if every thread of process pid runs under policy. */
static bool all_threads_under(int pid, int policy)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR *tasks = opendir(path);
    bool all = tasks != NULL;
    for (struct dirent *entry; tasks && (entry = readdir(tasks)) != NULL;) {
        int tid = atoi(entry->d_name);
        if (tid > 0 && sched_getscheduler(tid) != policy)
            all = false;
    }
    if (tasks)
        closedir(tasks);
    return all;
}

/* How many of this process's child processes (the pool's JVMs) run every thread under policy. */
static int jvms_under(int policy)
{
    DIR *proc = opendir("/proc");
    assert_non_null(proc);
    int count = 0;
    for (struct dirent *entry; (entry = readdir(proc)) != NULL;) {
        int pid = atoi(entry->d_name), parent = 0;
        char path[64], stat[512];
        snprintf(path, sizeof path, "/proc/%d/stat", pid);
        FILE *file = pid > 0 ? fopen(path, "r") : NULL;
        bool read = file && fgets(stat, sizeof stat, file);
        if (file)
            fclose(file);
        const char *after_name = read ? strrchr(stat, ')') : NULL;
        if (after_name && sscanf(after_name, ") %*c %d", &parent) == 1 && parent == getpid()
            && all_threads_under(pid, policy))
            count++;
    }
    closedir(proc);
    return count;
}

/* With both JVMs ready, as root: the JVMs that never took a job are on idle CPU (SCHED_IDLE, even a
 * spare that was raised while it started for want of idle CPU), the others at the work's SCHED_BATCH. */
static void expect_on_idle_cpu(int jvms_without_a_job)
{
    if (geteuid() != 0)
        return;   /* the pool cannot raise a policy again without CAP_SYS_NICE: nothing on idle CPU */
    int idle = jvms_under(SCHED_IDLE), batch = jvms_under(SCHED_BATCH);
    assert_int_equal(idle + batch, 2);
    assert_int_equal(idle, jvms_without_a_job);
}

/* Waits until the JVM logs hold at least `lines` lines with text. */
static void wait_for_log_lines(const char *text, int lines)
{
    int64_t deadline = zclock_mono() + SPARE_DEADLINE_MS;
    while (jvm_log_lines(text) < lines && zclock_mono() < deadline)
        zclock_sleep(100);   /* poll interval: nothing is synchronised by it */
    assert_in_range(jvm_log_lines(text), lines, 1000000);
}

static const char hog[] = "public class Hog { public String run() { java.util.List<long[]> all = "
                          "new java.util.ArrayList<>(); while (true) all.add(new long[1 << 20]); } }";

/* JVMs the hog ended: by exhausting the heap (a death) or, on a machine so busy that filling the
 * heap at nice 10 takes longer than the wall limit, by the time limit (the pool kills the JVM). */
static uint64_t jvms_ended(const zr_pool_stats_t *stats)
{
    return stats->deaths + stats->timeouts;
}

/* A job that exhausts its heap ends its JVM; the next job is answered at once (by the spare). */
static void kill_then_serve(uint64_t first_id)
{
    test_result_t *result = test_runner_run_text(pool, first_id, hog, strlen(hog));
    assert_non_null(result);
    assert_int_equal(result->status, ZR_JOB_LIMIT);
    test_result_destroy(&result);
    const char *next = "public class Next { public String run() { return \"served\"; } }";
    result = test_runner_run_text(pool, first_id + 1, next, strlen(next));
    assert_non_null(result);
    assert_int_equal(result->status, ZR_JOB_OK);
    assert_string_equal(result->body, "served");
    test_result_destroy(&result);
}

static void pool_keeps_a_warm_spare_beside_its_working_jvm(void **state)
{
    zr_pool_stats_t stats = wait_for_idle(2);
    assert_int_equal(stats.jvms, 1);
    assert_int_equal(stats.spawns, 2);
    if (geteuid() != 0)
        return;   /* no idle CPU, no burst */
    /* the spare's child put itself on idle CPU before exec (its jail says so) */
    assert_int_equal(jvm_log_lines("SCHED_IDLE until it takes its first job"), 1);
    expect_on_idle_cpu(2);
    char burst_done[64];   /* both, the working JVM too, run their burst of warm-up jobs before a job comes */
    snprintf(burst_done, sizeof burst_done, "idle warm-up done: %d more jobs", BURST);
    wait_for_log_lines(burst_done, 2);
    assert_int_equal(pool_log_lines("warms on idle CPU until its first job"), 2);
}

static void a_killed_jvm_is_replaced_by_the_spare_and_refilled(void **state)
{
    kill_then_serve(1);
    zr_pool_stats_t stats = wait_for_idle(2);   /* the killed JVM's slot warmed up again */
    assert_int_equal(jvms_ended(&stats), 1);
    assert_int_equal(stats.spawns, 3);
    expect_on_idle_cpu(1);
}

/* The JVM that served after the first kill dies too: the refill takes the next job and with it the
 * work's priority, and a new refill starts on idle CPU. */
static void a_refill_works_at_the_work_priority_once_it_takes_a_job(void **state)
{
    kill_then_serve(3);
    zr_pool_stats_t stats = wait_for_idle(2);
    assert_int_equal(jvms_ended(&stats), 2);
    assert_int_equal(stats.spawns, 4);
    expect_on_idle_cpu(1);
}

/* The JVMs keep warm with one warm-up job after each half second without a job (logged at the 1st, 2nd,
 * 4th... of each JVM). */
static void idle_jvms_keep_warm_with_a_warm_up_job_every_half_second(void **state)
{
    wait_for_log_lines("idle warm-up jobs so far", jvm_log_lines("idle warm-up jobs so far") + 2);
}

/* Without a spare, the job after a kill waits for the replacement: that JVM takes it at the work's
 * priority, never moved to idle CPU and back (two passes over its threads for nothing). The first
 * JVM, ready before any job, went to idle CPU and was raised by its first job. */
static void a_jvm_whose_job_waits_at_ready_stays_at_the_work_priority(void **state)
{
    if (geteuid() != 0)
        return;   /* no idle CPU without CAP_SYS_NICE */
    kill_then_serve(1);
    assert_int_equal(pool_log_lines("ready after"), 2);
    assert_int_equal(pool_log_lines("warms on idle CPU"), 1);
    assert_int_equal(pool_log_lines("now at the work"), 1);   /* (grep's pattern is in single quotes) */
}

int main(void)
{
    const struct CMUnitTest with_spare[] = {
        cmocka_unit_test(pool_keeps_a_warm_spare_beside_its_working_jvm),
        cmocka_unit_test(a_killed_jvm_is_replaced_by_the_spare_and_refilled),
        cmocka_unit_test(a_refill_works_at_the_work_priority_once_it_takes_a_job),
        cmocka_unit_test(idle_jvms_keep_warm_with_a_warm_up_job_every_half_second),
    };
    const struct CMUnitTest alone[] = {
        cmocka_unit_test(a_jvm_whose_job_waits_at_ready_stays_at_the_work_priority),
    };
    int failed = cmocka_run_group_tests_name("with a spare", with_spare, start_pool_with_spare, stop_pool);
    return failed + cmocka_run_group_tests_name("alone", alone, start_pool_alone, stop_pool);
}
