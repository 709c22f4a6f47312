/* zr_runner_setup: defaults, owned copies and start-up checks of a runner pool's configuration.
 * The numbers' defaults are the cluster file's (zr_config_defaults, beside their measured reasons). */
#include "runtime/runner/zr_runner_setup.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The numbers are the cluster file's defaults (zr_config_defaults, beside their measured reasons);
 * the paths are the pool's own. */
static void numbers_from_cluster(zr_runner_config_t *config, const zr_config_t *cluster)
{
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
}

void zr_runner_config_defaults(zr_runner_config_t *config)
{
    zr_config_t *cluster = malloc(sizeof *cluster);   /* 20 KB: not on an actor's stack */
    if (!cluster)
        abort();
    *config = (zr_runner_config_t) {
        .java = "java",
        .classes_dir = ZRUN_JAVA_CLASSES,
        .scratch_dir = "/tmp/zrun-scratch",
        .log_dir = NULL,
        .node_id = 0,
    };
    zr_config_defaults(cluster);
    numbers_from_cluster(config, cluster);
    free(cluster);
}

void zr_runner_config_from_cluster(zr_runner_config_t *config, const zr_config_t *cluster, int node_id)
{
    zr_runner_config_defaults(config);
    numbers_from_cluster(config, cluster);
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
