/* test_runner_concurrency: 8 submitters x 50 distinct jobs through a front that shares one pool of two
 * JVMs; every answer must reach the submitter that asked, carrying its own job's result. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "test_runner_support.h"
#include "test_support.h"

#define SUBMITTERS 8
#define JOBS 50
#define FRONT "inproc://test-runner-front"

static uint64_t job_id(int submitter, int job)
{
    return (uint64_t) submitter * 1000 + (uint64_t) job + 1;
}

static void expected_body(uint64_t id, char *text, size_t size)
{
    snprintf(text, size, "job %llu squared %llu", (unsigned long long) id, (unsigned long long) (id * id));
}

/* One submitter: sends its jobs at once, checks each answer, reports "OK" or what went wrong. */
static void submitter(zsock_t *pipe, void *args)
{
    int me = (int) (intptr_t) args;
    zsock_t *front = zsock_new_dealer(">" FRONT);
    zsock_signal(pipe, 0);
    for (int j = 0; j < JOBS; j++) {
        uint64_t id = job_id(me, j);
        char source[512];
        snprintf(source, sizeof source,
                 "public class Job%llu { public String run() { long id = %lluL;"
                 " System.out.print(id); return \"job \" + id + \" squared \" + (id * id); } }",
                 (unsigned long long) id, (unsigned long long) id);
        zsock_send(front, "8s", id, source);
    }
    bool seen[JOBS] = { false };
    char verdict[256] = "OK";
    zsock_set_rcvtimeo(front, 120000);
    for (int answered = 0; answered < JOBS && streq(verdict, "OK"); answered++) {
        uint64_t id = 0;
        char *body = NULL, *out = NULL;
        if (zsock_recv(front, "8ss", &id, &body, &out) != 0) {
            snprintf(verdict, sizeof verdict, "submitter %d: no answer after %d", me, answered);
            break;
        }
        char expected[128], expected_out[32];
        expected_body(id, expected, sizeof expected);
        snprintf(expected_out, sizeof expected_out, "%llu", (unsigned long long) id);
        int j = (int) (id - job_id(me, 0));
        if (j < 0 || j >= JOBS || seen[j] || !streq(body, expected) || !streq(out, expected_out))
            snprintf(verdict, sizeof verdict, "submitter %d: job %llu answered '%s' / '%s'", me,
                     (unsigned long long) id, body, out);
        else
            seen[j] = true;
        zstr_free(&body);
        zstr_free(&out);
    }
    zstr_send(pipe, verdict);
    char *term = zstr_recv(pipe);   /* until $TERM */
    zstr_free(&term);
    zsock_destroy(&front);
}

/* The front: forwards submitters' jobs to the pool, and each RESULT back to whoever sent that id. */
static void route(zactor_t *pool, zsock_t *front, int total)
{
    zhashx_t *owners = zhashx_new();   /* "%llu" id -> identity frame */
    zhashx_set_destructor(owners, (zhashx_destructor_fn *) zframe_destroy);
    zpoller_t *poller = zpoller_new(front, pool, NULL);
    int answered = 0;
    while (answered < total) {
        void *ready = zpoller_wait(poller, TEST_RUNNER_DEADLINE_MS * 2);
        assert_non_null(ready);
        if (ready == front) {
            zframe_t *identity = NULL;
            uint64_t id;
            char *source = NULL, key[24];
            assert_int_equal(zsock_recv(front, "f8s", &identity, &id, &source), 0);
            snprintf(key, sizeof key, "%llu", (unsigned long long) id);
            zhashx_insert(owners, key, identity);
            zr_work_request_msg_t request = { .request_id = id, .source = { source, strlen(source) } };
            zr_inproc_run(pool, &request);
            zstr_free(&source);
        } else {
            test_result_t *result = test_runner_recv(pool);
            assert_non_null(result);
            char key[24];
            snprintf(key, sizeof key, "%llu", (unsigned long long) result->request_id);
            zframe_t *identity = zhashx_lookup(owners, key);
            assert_non_null(identity);
            zsock_send(front, "f8ss", identity, result->request_id, result->body, result->out);
            zhashx_delete(owners, key);
            test_result_destroy(&result);
            answered++;
        }
    }
    assert_int_equal(zhashx_size(owners), 0);
    zpoller_destroy(&poller);
    zhashx_destroy(&owners);
}

static void concurrent_submitters_get_their_own_answers(void **state)
{
    zactor_t *pool = test_runner_pool_new(2, 10000);
    assert_non_null(pool);
    zsock_t *front = zsock_new_router("@" FRONT);
    zactor_t *submitters[SUBMITTERS];
    for (int i = 0; i < SUBMITTERS; i++)
        submitters[i] = zactor_new(submitter, (void *) (intptr_t) i);
    int64_t start = zclock_mono();
    route(pool, front, SUBMITTERS * JOBS);
    for (int i = 0; i < SUBMITTERS; i++) {
        char *verdict = zstr_recv(submitters[i]);
        assert_non_null(verdict);
        if (!streq(verdict, "OK"))
            fail_msg("%s", verdict);
        zstr_free(&verdict);
        zactor_destroy(&submitters[i]);
    }
    zr_pool_stats_t stats = { 0 };
    assert_true(test_runner_stats(pool, &stats));
    printf("%d jobs in %lld ms; pool: %llu ok of %llu, %u JVMs\n", SUBMITTERS * JOBS,
           (long long) (zclock_mono() - start), (unsigned long long) stats.ok,
           (unsigned long long) stats.jobs, stats.jvms);
    assert_int_equal(stats.ok, 400);
    zsock_destroy(&front);
    zactor_destroy(&pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(concurrent_submitters_get_their_own_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
