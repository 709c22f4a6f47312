/* test_cluster_in_process: a gateway and three nodes as process actors inside this one test
 * process (each under its own inproc prefix, loopback ports, one zauth for all of them, as ZAP is
 * per context): elect, answer, lose a follower, answer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <string.h>
#include <unistd.h>
#include "actors/process/zr_process.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_inproc.h"
#include "runtime/zr_keys.h"
#include "tests/unit/test_support.h"

#define NODES 4                 /* the gateway (0) and nodes 1, 2, 3 */
#define DEADLINE_MS 60000       /* generous: three JVMs warm up on two cores, maybe under ASan */

static bool keep_logs;   /* set when the test fails: its logs stay for a look */

typedef struct {
    zr_config_t *config;
    zr_process_args_t args[NODES];
    char prefixes[NODES][64];
    zactor_t *process[NODES];
    char log_dir[128];
    char gateway[64];           /* http://127.0.0.1:<port> */
} cluster_t;

/* The cluster file: node i has udp base + 10 i (monitor + 1, tcp + 2) and http base + 10 i + 3;
 * the keys (CURVE and datagrams) in <log_dir>/keys. */
static zr_config_t *cluster_config(const char *log_dir, int base)
{
    char text[2048], err[800];
    int ids[NODES], created;
    for (int id = 0; id < NODES; id++)
        ids[id] = id;
    snprintf(text, sizeof text, "%s/keys", log_dir);
    if (zr_keys_generate(text, ids, NODES, &created, err, sizeof err) != 0)
        fail_msg("%s", err);
    int used = snprintf(text, sizeof text, "cluster\n    log_dir = %s\n    log_level = warn\n"
                        "    keys_dir = %s/keys\nrunner\n    jvms = 1\nnodes\n", log_dir, log_dir);
    for (int id = 0; id < NODES; id++)
        used += snprintf(text + used, sizeof text - (size_t) used,
                         "    %d\n%s        udp_port = %d\n        http_port = %d\n", id,
                         id == 0 ? "        role = gateway\n" : "", base + 10 * id, base + 10 * id + 3);
    zr_config_t *config = zr_config_parse(text, "in-process cluster", err, sizeof err);
    if (!config)
        fail_msg("%s", err);
    return config;
}

/* Starts every process actor at once (their JVMs warm up in parallel), then waits for each. */
static int start_cluster(void **state)
{
    static cluster_t c;
    memset(&c, 0, sizeof c);
    snprintf(c.log_dir, sizeof c.log_dir, "/tmp/zrun-test-in-process-%d", (int) getpid());
    int base = test_free_port_block(NODES * 10);
    c.config = cluster_config(c.log_dir, base);
    snprintf(c.gateway, sizeof c.gateway, "http://127.0.0.1:%d", base + 3);
    for (int id = 0; id < NODES; id++) {
        snprintf(c.prefixes[id], sizeof c.prefixes[id], "test-%d-node-%d", (int) getpid(), id);
        c.args[id] = (zr_process_args_t) { c.config, id, c.prefixes[id] };
        c.process[id] = zr_actor_launch(zr_process_actor, &c.args[id]);
    }
    for (int id = 0; id < NODES; id++) {
        char err[600];
        if (!zr_actor_await(&c.process[id], err, sizeof err))
            fail_msg("process %d did not start: %s", id, err);
    }
    *state = &c;
    return 0;
}

static int stop_cluster(void **state)
{
    cluster_t *c = *state;
    for (int id = NODES - 1; id >= 0; id--)
        zr_actor_stop(&c->process[id]);
    zr_config_destroy(&c->config);
    if (keep_logs)
        printf("logs kept in %s\n", c->log_dir);
    else
        test_remove_tree(c->log_dir);
    return 0;
}

typedef struct {
    char *data;
    size_t size;
} text_t;

static size_t collect(char *data, size_t size, size_t count, void *out)
{
    text_t *text = out;
    text->data = realloc(text->data, text->size + size * count + 1);
    memcpy(text->data + text->size, data, size * count);
    text->size += size * count;
    text->data[text->size] = 0;
    return size * count;
}

/* GET or POST (body non-NULL) at the gateway; returns the HTTP status and the body in *out. */
static long http(const cluster_t *c, const char *path, const char *body, text_t *out)
{
    char url[128];
    snprintf(url, sizeof url, "%s%s", c->gateway, path);
    *out = (text_t) { calloc(1, 1), 0 };
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: text/x-java-source");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long) DEADLINE_MS);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    }
    long status = -1;
    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return status;
}

/* Polls GET /cluster until it reads exactly `expected`; fails after the deadline. */
static void wait_for_cluster(const cluster_t *c, const char *expected)
{
    int64_t deadline = zclock_mono() + DEADLINE_MS;
    text_t text = { NULL, 0 };
    while (zclock_mono() < deadline) {
        long status = http(c, "/cluster", NULL, &text);
        bool done = status == 200 && streq(text.data, expected);
        free(text.data);
        if (done)
            return;
        zclock_sleep(50);   /* polling interval of a condition with a deadline, not a wait */
    }
    fail_msg("/cluster never read '%s'", expected);
}

static void answers(const cluster_t *c, int n)
{
    char source[256], expected[32];
    snprintf(source, sizeof source, "public class InProcess%d {\n    public String run() { return \"answer %d\"; }\n}\n", n, n);
    snprintf(expected, sizeof expected, "answer %d", n);
    text_t text;
    long status = http(c, "/compileandrun", source, &text);
    assert_int_equal(status, 200);
    assert_string_equal(text.data, expected);
    free(text.data);
}

static void elects_answers_loses_a_follower_and_answers_again(void **state)
{
    cluster_t *c = *state;
    keep_logs = true;   /* until the end is reached */
    wait_for_cluster(c, "0 OBSERVER\n1 FOLLOWER\n2 FOLLOWER\n3 LEADER\n");
    for (int n = 1; n <= 4; n++)   /* each follower takes a turn */
        answers(c, n);
    zr_actor_stop(&c->process[1]);   /* follower 1 goes silent */
    for (int n = 5; n <= 8; n++)     /* whoever is assigned them, every one is answered */
        answers(c, n);
    wait_for_cluster(c, "0 OBSERVER\n2 FOLLOWER\n3 LEADER\n");
    for (int n = 9; n <= 10; n++)
        answers(c, n);
    keep_logs = false;
}

int main(void)
{
    zsys_init();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(elects_answers_loses_a_follower_and_answers_again,
                                        start_cluster, stop_cluster),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    zsys_shutdown();
    return failed;
}
