/* test_runner_support: a small runner pool for the runner tests, and submitting Java sources to it.
 * Header-only, shared by tests/unit/test_runner_*.c; sources come from tests/java-cases/. */
#ifndef ZR_TEST_RUNNER_SUPPORT_H
#define ZR_TEST_RUNNER_SUPPORT_H
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/runner/zr_runner_pool.h"
#include "runtime/zr_inproc.h"

#define TEST_RUNNER_DEADLINE_MS 60000   /* generous: a respawned JVM warms up in about 1 s */

/* Defaults, with `jvms` JVMs (no spare) and a wall limit, scratch and logs under /tmp/zrun-runner-tests/. */
static inline void test_runner_config(zr_runner_config_t *config, int jvms, int wall_ms)
{
    zr_runner_config_defaults(config);
    config->jvms = jvms;
    config->spare_jvms = 0;   /* each "next job" runs where the one before it ran (test_runner_spare has one) */
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

/* A pool's answer, decoded from its WORK_RESULT and copied (texts NUL-terminated). */
typedef struct {
    uint64_t request_id;
    zr_job_status_t status;
    int http_status;
    char *body, *out, *err;
    size_t body_len, out_len, err_len;
    uint32_t compile_ms, run_ms;
    int worker_id;
} test_result_t;

static inline char *test_copy_text(zr_wire_bytes_t text)
{
    char *copy = calloc(1, text.size + 1);
    if (text.size)
        memcpy(copy, text.data, text.size);
    return copy;
}

static inline test_result_t *test_result_from(const zr_work_result_msg_t *msg)
{
    test_result_t *result = calloc(1, sizeof *result);
    *result = (test_result_t) {
        .request_id = msg->request_id, .status = msg->status, .http_status = msg->http_status,
        .body = test_copy_text(msg->body), .out = test_copy_text(msg->out), .err = test_copy_text(msg->err),
        .body_len = msg->body.size, .out_len = msg->out.size, .err_len = msg->err.size,
        .compile_ms = msg->compile_ms, .run_ms = msg->run_ms, .worker_id = (int) msg->worker_id,
    };
    return result;
}

static inline void test_result_destroy(test_result_t **result_p)
{
    if (!*result_p)
        return;
    free((*result_p)->body);
    free((*result_p)->out);
    free((*result_p)->err);
    free(*result_p);
    *result_p = NULL;
}

/* The next RESULT from the pool, or NULL after the deadline. */
static inline test_result_t *test_runner_recv(zactor_t *pool)
{
    zpoller_t *poller = zpoller_new(pool, NULL);
    void *ready = zpoller_wait(poller, TEST_RUNNER_DEADLINE_MS);
    zpoller_destroy(&poller);
    if (!ready)
        return NULL;
    zr_reply_t reply;
    test_result_t *result = NULL;
    if (zr_inproc_reply_recv(pool, &reply) == ZR_REPLY_RESULT)
        result = test_result_from(&reply.result);
    zr_inproc_reply_fini(&reply);
    return result;
}

/* Runs source as request `id` (standalone: gateway 0, leader 0); NULL if no answer came. */
static inline test_result_t *test_runner_run_text(zactor_t *pool, uint64_t id, const char *source,
                                                  size_t length)
{
    zr_work_request_msg_t request = { .request_id = id, .source = { source, length } };
    zr_inproc_run(pool, &request);
    test_result_t *result = test_runner_recv(pool);
    if (result && result->request_id != id)
        test_result_destroy(&result);
    return result;
}

/* The pool's figures (STATS, answered by POOL_STATS); false if none came. */
static inline bool test_runner_stats(zactor_t *pool, zr_pool_stats_t *stats)
{
    zstr_send(pool, ZR_CMD_STATS);
    zr_reply_t reply;
    bool got = zr_inproc_reply_recv(pool, &reply) == ZR_REPLY_POOL_STATS;
    if (got)
        *stats = reply.stats;
    zr_inproc_reply_fini(&reply);
    return got;
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
static inline test_result_t *test_runner_run_case(zactor_t *pool, uint64_t id, const char *name)
{
    size_t length;
    char *source = test_runner_case(name, &length);
    test_result_t *result = test_runner_run_text(pool, id, source, length);
    free(source);
    return result;
}

/* True if text starts with prefix. */
static inline bool test_runner_starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

#endif
