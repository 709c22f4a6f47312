/* test_runner_support: a small runner pool for the runner tests, and submitting Java sources to it.
 * Header-only, shared by tests/unit/test_runner_*.c; sources come from tests/java-cases/. */
#ifndef ZR_TEST_RUNNER_SUPPORT_H
#define ZR_TEST_RUNNER_SUPPORT_H
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/zr_job.h"
#include "runtime/zr_runner_pool.h"

#define TEST_RUNNER_DEADLINE_MS 60000   /* generous: a respawned JVM warms up in about 1 s */

/* Defaults, with `jvms` JVMs and a wall limit, scratch and logs under /tmp/zrun-runner-tests/. */
static inline void test_runner_config(zr_runner_config_t *config, int jvms, int wall_ms)
{
    zr_runner_config_defaults(config);
    config->jvms = jvms;
    config->wall_ms = wall_ms;
    config->scratch_dir = "/tmp/zrun-runner-tests/scratch";
    config->log_dir = "/tmp/zrun-runner-tests/logs";
    zsys_dir_create("/tmp/zrun-runner-tests");
}

static inline zactor_t *test_runner_pool_new(int jvms, int wall_ms)
{
    zr_runner_config_t config;
    test_runner_config(&config, jvms, wall_ms);
    return zr_runner_pool_new(&config);
}

/* The next RESULT from the pool, or NULL after the deadline. */
static inline zr_job_result_t *test_runner_recv(zactor_t *pool)
{
    zpoller_t *poller = zpoller_new(pool, NULL);
    void *ready = zpoller_wait(poller, TEST_RUNNER_DEADLINE_MS);
    zpoller_destroy(&poller);
    if (!ready)
        return NULL;
    zmsg_t *msg = zmsg_recv(pool);
    char *command = msg ? zmsg_popstr(msg) : NULL;
    zr_job_result_t *result = NULL;
    if (command && streq(command, "RESULT")) {
        zmsg_pushstr(msg, command);
        result = zr_job_result_from_msg(msg);
    }
    zstr_free(&command);
    zmsg_destroy(&msg);
    return result;
}

static inline zr_job_result_t *test_runner_run_text(zactor_t *pool, uint64_t id, const char *source,
                                                    size_t length)
{
    zsock_send(pool, "s8b", "RUN", id, source, length);
    zr_job_result_t *result = test_runner_recv(pool);
    if (result && result->request_id != id)
        zr_job_result_destroy(&result);
    return result;
}

/* The text of tests/java-cases/<name> (caller frees). */
static inline char *test_runner_case(const char *name, size_t *length)
{
    char path[1024];
    const char *slash = strrchr(__FILE__, '/');
    int dir = slash ? (int) (slash - __FILE__) : 1;
    snprintf(path, sizeof path, "%.*s/../java-cases/%s", dir, slash ? __FILE__ : ".", name);
    zfile_t *file = zfile_new(NULL, path);
    zchunk_t *chunk = file && zfile_input(file) == 0 ? zfile_read(file, zfile_cursize(file), 0) : NULL;
    char *text = NULL;
    if (chunk) {
        *length = zchunk_size(chunk);
        text = malloc(*length + 1);
        memcpy(text, zchunk_data(chunk), *length);
        text[*length] = 0;
    }
    zchunk_destroy(&chunk);
    zfile_destroy(&file);
    if (!text) {
        fprintf(stderr, "cannot read %s\n", path);
        abort();
    }
    return text;
}

/* Runs tests/java-cases/<name> as job `id`; NULL if no answer came. */
static inline zr_job_result_t *test_runner_run_case(zactor_t *pool, uint64_t id, const char *name)
{
    size_t length;
    char *source = test_runner_case(name, &length);
    zr_job_result_t *result = test_runner_run_text(pool, id, source, length);
    free(source);
    return result;
}

/* True if text starts with prefix. */
static inline bool test_runner_starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

#endif
