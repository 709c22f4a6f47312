/* runner_bench: figures for the runner pool: p50 latency of uncached and cached jobs after warm-up,
 * throughput per JVM count, and JVM RSS before and after hostile jobs. Prints; never fails. */
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include "runtime/runner/zr_runner_pool.h"
#include "tests/unit/test_runner_support.h"

static uint64_t next_id = 1;

static zactor_t *pool_new(int jvms)
{
    zr_runner_config_t config;
    zr_runner_config_defaults(&config);
    config.jvms = jvms;
    config.wall_ms = 3000;
    config.scratch_dir = "/tmp/zrun-bench/scratch";
    config.log_dir = "/tmp/zrun-bench/logs";
    zsys_dir_create("/tmp/zrun-bench");
    return zr_runner_pool_new(&config);
}

static test_result_t *recv_result(zactor_t *pool)
{
    return test_runner_recv(pool);
}

static void submit(zactor_t *pool, const char *source)
{
    zr_work_request_msg_t request = { .request_id = next_id++, .source = { source, strlen(source) } };
    zr_inproc_run(pool, &request);
}

static void hello(char *source, size_t size, uint64_t n)
{
    snprintf(source, size, "public class Hello%llu { public String run() { return \"Hello, world! %llu\"; } }",
             (unsigned long long) n, (unsigned long long) n);
}

static int compare(const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

static int64_t percentile(int64_t *values, int n, int pct)
{
    qsort(values, (size_t) n, sizeof *values, compare);
    return values[(n - 1) * pct / 100];
}

/* Runs `count` jobs one at a time; prints p50/p90 of latency, compile and run time (in us/ms). */
static void sequential(zactor_t *pool, const char *label, int count, bool cached, bool print)
{
    int64_t *latency = calloc((size_t) count, sizeof *latency);
    int64_t *compile = calloc((size_t) count, sizeof *compile), *run = calloc((size_t) count, sizeof *run);
    char source[256];
    for (int i = 0; i < count; i++) {
        hello(source, sizeof source, cached ? 0 : next_id);
        int64_t start = zclock_usecs();
        submit(pool, source);
        test_result_t *result = recv_result(pool);
        latency[i] = zclock_usecs() - start;
        compile[i] = result->compile_ms;
        run[i] = result->run_ms;
        if (result->status != ZR_JOB_OK)
            printf("unexpected: %s\n", result->body);
        test_result_destroy(&result);
    }
    if (print)
        printf("%-34s n=%-4d p50 %6.2f ms  p90 %6.2f ms  (compile p50 %lld ms, run p50 %lld ms)\n", label, count,
               percentile(latency, count, 50) / 1000.0, percentile(latency, count, 90) / 1000.0,
               (long long) percentile(compile, count, 50), (long long) percentile(run, count, 50));
    free(latency);
    free(compile);
    free(run);
}

/* All jobs queued at once: jobs per second. */
static double throughput(zactor_t *pool, int count)
{
    char source[256];
    int64_t start = zclock_mono();
    for (int i = 0; i < count; i++) {
        hello(source, sizeof source, next_id);
        submit(pool, source);
    }
    for (int i = 0; i < count; i++) {
        test_result_t *result = recv_result(pool);
        test_result_destroy(&result);
    }
    return count * 1000.0 / (double) (zclock_mono() - start + 1);
}

static long rss_per_jvm(zactor_t *pool, int jvms)
{
    zr_pool_stats_t stats = { 0 };
    return test_runner_stats(pool, &stats) ? (long) stats.rss_kb / jvms : -1;
}

static const char *hostile[] = {
    "public class A { public String run() { System.exit(1); return null; } }",
    "public class B { public String run() { while (true) { } } }",
    "public class C { public String run() { java.util.List<long[]> l = new java.util.ArrayList<>();"
    " while (true) l.add(new long[1 << 20]); } }",
    "public class D { public String run() { String s = \"x\".repeat(1023); for (int i = 0; i < 102400; i++)"
    " System.out.println(s); return \"\"; } }",
    "public class E { public String run() { while (true) new Thread(() -> { try { Thread.sleep(999999); }"
    " catch (InterruptedException e) { } }).start(); } }",
    "public class F { int d(int n) { return d(n + 1) + 1; } public String run() { return \"\" + d(0); } }",
    "public class G { public String run() throws Exception { new java.net.Socket(\"127.0.0.1\", 22); return \"\"; } }",
    "public class H { public String run() throws Exception { new ProcessBuilder(\"sh\").start(); return \"\"; } }",
};

static void hostile_round(zactor_t *pool)
{
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        submit(pool, hostile[i]);
        test_result_t *result = recv_result(pool);
        printf("  hostile %c -> %.*s\n", 'A' + (int) i, (int) strcspn(result->body, "\n"), result->body);
        test_result_destroy(&result);
    }
}

int main(int argc, char **argv)
{
    int warm = argc > 1 ? atoi(argv[1]) : 300;
    int measured = argc > 2 ? atoi(argv[2]) : 200;
    bool only_throughput = argc > 3 && streq(argv[3], "throughput");
    zactor_t *pool = only_throughput ? NULL : pool_new(1);
    if (!only_throughput) {
        if (!pool)
            return 1;
        printf("== one JVM, jobs one at a time\n");
        printf("RSS per JVM after start-up: %ld MB\n", rss_per_jvm(pool, 1) / 1024);
        sequential(pool, "first uncached jobs (cold JIT)", 20, false, true);
        sequential(pool, "warm-up", warm, false, false);
        sequential(pool, "uncached hello-world, warmed", measured, false, true);
        sequential(pool, "cached (same source) hello-world", measured, true, true);
        long before = rss_per_jvm(pool, 1);
        printf("RSS per JVM after %d jobs: %ld MB\n", warm + measured * 2 + 20, before / 1024);
        hostile_round(pool);
        sequential(pool, "after hostile jobs (may be fresh)", 50, false, true);
        printf("RSS per JVM after the hostile round: %ld MB (before %ld MB)\n", rss_per_jvm(pool, 1) / 1024,
               before / 1024);
        zactor_destroy(&pool);
    }
    printf("== throughput, %d distinct jobs queued at once, after %d warm-up jobs per JVM\n", measured, warm);
    for (int jvms = 1; jvms <= 3; jvms++) {
        pool = pool_new(jvms);
        throughput(pool, warm * jvms);
        double rate = throughput(pool, measured);
        printf("jvms=%d: %6.1f jobs/s, RSS %ld MB per JVM\n", jvms, rate, rss_per_jvm(pool, jvms) / 1024);
        zactor_destroy(&pool);
    }
    return 0;
}
