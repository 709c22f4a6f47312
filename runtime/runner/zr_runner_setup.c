/* zr_runner_setup: defaults, owned copies and start-up checks of a runner pool's configuration.
 * The measured reasons behind the defaults are next to them. */
#include "runtime/runner/zr_runner_setup.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void zr_runner_config_defaults(zr_runner_config_t *config)
{
    *config = (zr_runner_config_t) {
        /* One warm JVM per core of the 2-core target machines. Measured with tests/bench/runner_bench.sh
         * (300 distinct jobs queued after 300 warm-up jobs per JVM; quietest of four runs on the shared
         * machine): 1 JVM 71 jobs/s, 2 JVMs 123 jobs/s, 3 JVMs 127 jobs/s. A job is CPU-bound (javac),
         * so a third JVM gains ~3% for another ~120 MB of RSS and another warm-up per recycle. */
        .jvms = 2,
        /* One warm spare: a JVM killed for a limit, or recycled, is replaced by a warm one at once
         * instead of by one that warms up for seconds while jobs wait (about 110 MB of RSS). */
        .spare_jvms = 1,
        .wall_ms = 10000,
        .heap_mb = 256,
        .output_limit = 1 << 20,
        .max_threads = 32,
        .jobs_per_jvm = 5000,   /* a recycled JVM must warm its JIT again: not too often */
        .nice = 10,             /* the control plane outranks the work (README: Membership benchmark) */
        /* The JIT stops at C1. Measured in one run each on the 2-core machine, zrun serve --jvms 2,
         * distinct sources: fresh, c=8 391 req/s against 174 tiered; after 3000 jobs, c=4 593-612
         * against 475-487, c=1 p50 the same (2.3-2.6 ms); a fresh 7-node cluster 1.36x. C2 wins
         * only on long compute: a 450 ms arithmetic loop ran 23% longer with C1 alone. */
        .c1_only = true,
        /* measured: 1500 more warm-up jobs bring a JVM near a working JVM's per-job time */
        .idle_warm_up_jobs = 1500,
        .java = "java",
        .classes_dir = ZRUN_JAVA_CLASSES,
        .scratch_dir = "/tmp/zrun-scratch",
        .log_dir = NULL,
        .node_id = 0,
    };
}

void zr_runner_config_from_cluster(zr_runner_config_t *config, const zr_config_t *cluster, int node_id)
{
    zr_runner_config_defaults(config);
    config->jvms = cluster->runner_jvms;
    config->spare_jvms = cluster->runner_spare_jvms;
    config->wall_ms = cluster->runner_wall_ms;
    config->heap_mb = cluster->runner_heap_mb;
    config->output_limit = (size_t) cluster->runner_output_limit;
    config->max_threads = cluster->runner_max_threads;
    config->jobs_per_jvm = cluster->runner_jobs_per_jvm;
    config->nice = cluster->runner_nice;
    config->c1_only = cluster->runner_c1_only != 0;
    config->idle_warm_up_jobs = cluster->runner_idle_warm_up_jobs;
    config->log_dir = cluster->log_dir;
    config->node_id = node_id;
}

static char *copy(const char *text)
{
    char *copied = text ? strdup(text) : NULL;
    if (text && !copied)
        abort();
    return copied;
}

zr_runner_setup_t *zr_runner_setup_new(const zr_runner_config_t *config)
{
    zr_runner_config_t d;
    zr_runner_config_defaults(&d);
    zr_runner_setup_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    zr_runner_config_t *c = &self->config;
    *c = *config;
    c->jvms = c->jvms >= 1 && c->jvms <= 64 ? c->jvms : d.jvms;
    c->spare_jvms = c->spare_jvms >= 0 && c->spare_jvms <= 4 ? c->spare_jvms : d.spare_jvms;
    c->wall_ms = c->wall_ms > 0 ? c->wall_ms : d.wall_ms;
    c->heap_mb = c->heap_mb > 0 ? c->heap_mb : d.heap_mb;
    c->output_limit = c->output_limit > 0 ? c->output_limit : d.output_limit;
    c->max_threads = c->max_threads > 0 ? c->max_threads : d.max_threads;
    c->jobs_per_jvm = c->jobs_per_jvm > 0 ? c->jobs_per_jvm : d.jobs_per_jvm;
    c->nice = c->nice >= 0 && c->nice <= 19 ? c->nice : d.nice;
    c->java = copy(c->java ? c->java : d.java);
    c->classes_dir = copy(c->classes_dir ? c->classes_dir : d.classes_dir);
    c->scratch_dir = copy(c->scratch_dir ? c->scratch_dir : d.scratch_dir);
    c->log_dir = copy(c->log_dir);
    c->event_prefix = copy(c->event_prefix);
    return self;
}

void zr_runner_setup_destroy(zr_runner_setup_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zr_runner_config_t *c = &(*self_p)->config;
    free((char *) c->java);
    free((char *) c->classes_dir);
    free((char *) c->scratch_dir);
    free((char *) c->log_dir);
    free((char *) c->event_prefix);
    free(*self_p);
    *self_p = NULL;
}

static bool executable(char *out, size_t size, const char *dir, const char *name)
{
    int n = dir ? snprintf(out, size, "%s/%s", dir, name) : snprintf(out, size, "%s", name);
    return n > 0 && (size_t) n < size && access(out, X_OK) == 0;
}

/* As given if it has a '/', else from $JAVA_HOME/bin or $PATH. */
static bool find_java(const char *java, char *out, size_t size)
{
    if (strchr(java, '/'))
        return executable(out, size, NULL, java);
    char home[PATH_MAX];
    const char *java_home = getenv("JAVA_HOME");
    if (java_home && snprintf(home, sizeof home, "%s/bin", java_home) < (int) sizeof home
        && executable(out, size, home, java))
        return true;
    char *path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin"), *save = NULL;
    bool found = false;
    for (char *dir = strtok_r(path, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save))
        found = executable(out, size, dir, java);
    free(path);
    return found;
}

int zr_runner_setup_check(zr_runner_setup_t *self, char *why, size_t why_size)
{
    const zr_runner_config_t *c = &self->config;
    char runner[PATH_MAX];
    snprintf(runner, sizeof runner, "%s/zrun-runner.jar", c->classes_dir);
    if (!find_java(c->java, self->java, sizeof self->java))
        snprintf(why, why_size, "java launcher '%s' not found", c->java);
    else if (access(runner, R_OK) != 0)
        snprintf(why, why_size, "runner classes not found: %s", runner);
    else if (mkdir(c->scratch_dir, 0711) != 0 && errno != EEXIST)
        snprintf(why, why_size, "cannot create scratch directory %s: %s", c->scratch_dir, strerror(errno));
    else
        return 0;
    return -1;
}
