/* test_config: the example cluster file loads, and every kind of bad cluster file is
 * rejected with a single line that names the file, the key and the problem. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "runtime/zr_config.h"
#include "runtime/zr_log.h"

#define NODE(id, port) "    " #id "\n        udp_port = " #port "\n        http_port = 1" #port "\n"
#define TWO_NODES "nodes\n" NODE(1, 9010) NODE(2, 9020)

static void example_file_loads(void **state)
{
    char err[512] = "";
    zr_config_t *config = zr_config_load(ZRUN_SOURCE_DIR "/demo/cluster.zpl", err, sizeof err);
    if (!config)
        fail_msg("%s", err);
    assert_int_equal(config->node_count, 8);
    assert_int_equal(zr_config_voter_count(config), 7);
    const zr_node_config_t *gateway = zr_config_node(config, 0);
    assert_non_null(gateway);
    assert_int_equal(gateway->role, ZR_ROLE_GATEWAY);
    assert_int_equal(gateway->http_port, 8888);
    const zr_node_config_t *seven = zr_config_node(config, 7);
    assert_int_equal(seven->udp_port, 8070);
    assert_int_equal(seven->tcp_port, 8072);
    assert_string_equal(seven->ipv4, "127.0.0.1");
    assert_null(zr_config_node(config, 8));
    assert_int_equal(config->timings.base_interval_ms, 100);
    assert_int_equal(config->timings.fail_after_ms, 1000);
    assert_int_equal(config->timings.cleanup_after_ms, 2000);
    assert_int_equal(config->timings.election_final_wait_ms, 50);
    assert_int_equal(config->timings.election_startup_wait_ms, 3000);
    assert_int_equal(config->runner_jvms, 2);
    assert_int_equal(config->body_limit, 1 << 20);
    assert_int_equal(config->log_level, ZR_LOG_INFO);
    assert_string_equal(config->keys_dir, "demo/keys");
    assert_int_equal(config->insecure, 0);
    assert_int_equal(config->max_pending, 1024);
    assert_int_equal(config->max_in_flight_per_client, 32);
    assert_int_equal(config->max_connections_per_client, 64);
    assert_int_equal(config->header_timeout_ms, 5000);
    assert_int_equal(config->retry_after_s, 1);
    assert_string_equal(config->tokens_file, "");
    zr_config_destroy(&config);
    assert_null(config);
}

static void minimal_file_gets_defaults(void **state)
{
    char err[512] = "";
    zr_config_t *config = zr_config_parse(TWO_NODES, "mini.zpl", err, sizeof err);
    assert_non_null(config);
    assert_int_equal(zr_config_voter_count(config), config->node_count);   /* no gateway */
    assert_string_equal(config->log_dir, "logs");
    assert_int_equal(config->queue_deadline_ms, 60000);
    zr_config_destroy(&config);
    config = zr_config_parse("cluster\n    election_startup_wait_ms = 0\n" TWO_NODES, "mini.zpl", err, sizeof err);
    assert_int_equal(config->timings.election_startup_wait_ms, 0);
    assert_int_equal(config->runner_c1_only, 1);   /* C1 only unless the file says 0 */
    assert_int_equal(config->runner_idle_warm_up_jobs, 1500);
    assert_string_equal(zr_config_node(config, 2)->host, "127.0.0.1");
    zr_config_destroy(&config);
}

typedef struct {
    const char *text;
    const char *expected;   /* a fragment the one-line error must contain */
} bad_case_t;

static const bad_case_t bad_cases[] = {
    { "cluster\n    base_interval_ms = 100\n", "no 'nodes' section" },
    { "clusterr\n    x = 1\n" TWO_NODES, "unknown section 'clusterr'" },
    { "cluster\n    gossip_ms = 100\n" TWO_NODES, "unknown key 'cluster/gossip_ms'" },
    { "cluster\n    base_interval_ms = fast\n" TWO_NODES, "cluster/base_interval_ms: 'fast' is not a whole number" },
    { "cluster\n    base_interval_ms = 5\n" TWO_NODES, "cluster/base_interval_ms: 5 is out of range 10..60000" },
    { "cluster\n    base_interval_ms = 12abc\n" TWO_NODES, "'12abc' is not a whole number" },
    { "cluster\n    log_level = loud\n" TWO_NODES, "cluster/log_level: 'loud'" },
    { "cluster\n    keys_dir =\n" TWO_NODES, "cluster/keys_dir: must be a path" },
    { "cluster\n    insecure = 2\n" TWO_NODES, "cluster/insecure: 2 is out of range 0..1" },
    { "cluster\n    max_pending = 0\n" TWO_NODES, "cluster/max_pending: 0 is out of range" },
    { "cluster\n    fail_after_ms = 1000\n    cleanup_after_ms = 900\n" TWO_NODES, "cleanup_after_ms: 900 must be greater" },
    { "runner\n    jvms = 0\n" TWO_NODES, "runner/jvms: 0 is out of range" },
    { "runner\n    colour = red\n" TWO_NODES, "unknown key 'runner/colour'" },
    { "runner\n    c1_only = 2\n" TWO_NODES, "runner/c1_only: 2 is out of range 0..1" },
    { "runner\n    idle_warm_up_jobs = -1\n" TWO_NODES, "runner/idle_warm_up_jobs: -1 is out of range 0..1000000" },
    { "nodes\n    one\n        udp_port = 1\n        http_port = 2\n", "nodes/one" },
    { "nodes\n    1\n        http_port = 9013\n", "nodes/1/udp_port: missing" },
    { "nodes\n    1\n        udp_port = 70000\n        http_port = 9013\n", "nodes/1/udp_port: 70000 is out of range" },
    { "nodes\n    1\n        udp_port = 65534\n        http_port = 9013\n", "leaves no room for the tcp port" },
    { "nodes\n    1\n        udp_port = 9010\n        http_port = 9012\n", "http_port 9012 is its own tcp port" },
    { "nodes\n    1\n        udp_port = 9010\n        http_port = 9011\n", "http_port 9011 is its own monitor port" },
    { "nodes\n" NODE(1, 9010) "    2\n        udp_port = 9009\n        http_port = 9099\n", "both use port 9010" },
    { "nodes\n    1\n        udp_port = 9010\n        http_port = 9013\n        colour = red\n", "unknown key 'nodes/1/colour'" },
    { "nodes\n    1\n        role = boss\n        udp_port = 9010\n        http_port = 9013\n", "nodes/1/role: 'boss'" },
    { "nodes\n    1\n        host = no-such-host.invalid\n        udp_port = 9010\n        http_port = 9013\n", "nodes/1/host: cannot resolve" },
    { "nodes\n" NODE(1, 9010) NODE(1, 9020), "nodes/1: the id appears twice" },
    { "nodes\n" NODE(1, 9010) "    2\n        udp_port = 9008\n        http_port = 9099\n", "both use port 9010" },
    { "nodes\n    0\n        role = gateway\n        udp_port = 9000\n        http_port = 9003\n", "no voting node" },
    { "nodes\n    0\n        role = gateway\n        udp_port = 9000\n        http_port = 9003\n"
      "    9\n        role = gateway\n        udp_port = 9090\n        http_port = 9093\n" NODE(1, 9010),
      "2 nodes have role = gateway" },
};

static void bad_files_give_one_line_errors(void **state)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        char err[512] = "";
        zr_config_t *config = zr_config_parse(bad_cases[i].text, "bad.zpl", err, sizeof err);
        if (config || !strstr(err, bad_cases[i].expected) || strncmp(err, "bad.zpl: ", 9) != 0
            || strchr(err, '\n'))
            fail_msg("case %zu: expected an error containing \"%s\", got \"%s\"", i,
                     bad_cases[i].expected, config ? "(accepted)" : err);
        zr_config_destroy(&config);
    }
}

static void missing_file_is_named(void **state)
{
    char err[512] = "";
    assert_null(zr_config_load("/nonexistent/cluster.zpl", err, sizeof err));
    assert_string_equal(err, "/nonexistent/cluster.zpl: cannot open: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_file_loads),
        cmocka_unit_test(minimal_file_gets_defaults),
        cmocka_unit_test(bad_files_give_one_line_errors),
        cmocka_unit_test(missing_file_is_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
