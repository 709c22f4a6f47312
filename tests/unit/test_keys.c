/* test_keys: zrun keygen's key directories load back, every broken file is named in a one-line
 * error, and a CURVE server behind zauth admits the cluster's keys and nothing else. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include "runtime/zr_keys.h"
#include "runtime/zr_zap.h"
#include "tests/unit/test_support.h"

typedef struct {
    char dir[128], keys[160];
    zr_config_t *config;
} fixture_t;

static zr_config_t *config_for(const char *keys_dir, int extra_node)
{
    char text[1024], err[512];
    snprintf(text, sizeof text, "cluster\n    keys_dir = %s\nnodes\n"
             "    0\n        role = gateway\n        udp_port = 9000\n        http_port = 9003\n"
             "    1\n        udp_port = 9010\n        http_port = 9013\n"
             "    2\n        udp_port = 9020\n        http_port = 9023\n"
             "    %d\n        udp_port = 9030\n        http_port = 9033\n", keys_dir, extra_node);
    zr_config_t *config = zr_config_parse(text, "test", err, sizeof err);
    if (!config)
        fail_msg("%s", err);
    return config;
}

static int setup(void **state)
{
    static fixture_t f;
    snprintf(f.dir, sizeof f.dir, "/tmp/zrun-test-keys-%d", (int) getpid());
    snprintf(f.keys, sizeof f.keys, "%s/keys", f.dir);
    int ids[] = { 0, 1, 2, 3 }, created = 0;
    char err[800];
    if (zr_keys_generate(f.keys, ids, 4, &created, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(created, 1 + 2 * 4);   /* the datagram key, a secret and a public cert each */
    f.config = config_for(f.keys, 3);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    zr_config_destroy(&f->config);
    test_remove_tree(f->dir);
    return 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fputs(text, file);
    fclose(file);
}

static char *read_file(const char *path)
{
    FILE *file = fopen(path, "r");
    assert_non_null(file);
    char *text = calloc(1, 4096);
    assert_true(fread(text, 1, 4095, file) > 0);
    fclose(file);
    return text;
}

static void generated_keys_load_and_are_kept(void **state)
{
    fixture_t *f = *state;
    char err[800] = "", path[300];
    zr_keys_t *keys = zr_keys_load(f->config, 1, err, sizeof err);
    if (!keys)
        fail_msg("%s", err);
    static const uint8_t zero[ZR_KEY_BYTES];
    assert_memory_not_equal(zr_keys_datagram_key(keys), zero, ZR_KEY_BYTES);
    snprintf(path, sizeof path, "%s/public", f->keys);
    assert_string_equal(zr_keys_public_dir(keys), path);
    snprintf(path, sizeof path, "%s/secret/node-1.cert", f->keys);
    char *before = read_file(path);
    int ids[] = { 1, 2 }, created = -1;
    assert_int_equal(zr_keys_generate(f->keys, ids, 2, &created, err, sizeof err), 0);
    assert_int_equal(created, 0);
    char *after = read_file(path);
    assert_string_equal(before, after);
    free(before);
    free(after);
    zr_keys_destroy(&keys);
    assert_null(keys);
}

/* zr_keys_load's error for node 1 contains `expected`. */
static void load_fails_with(const zr_config_t *config, const char *expected)
{
    char err[800] = "";
    zr_keys_t *keys = zr_keys_load(config, 1, err, sizeof err);
    assert_null(keys);
    if (!strstr(err, expected))
        fail_msg("error '%s' lacks '%s'", err, expected);
    assert_null(strchr(err, '\n'));
}

static void every_broken_file_is_named(void **state)
{
    fixture_t *f = *state;
    char path[300], other[300];
    zr_config_t *unset = config_for("unset", 3);
    unset->keys_dir[0] = 0;
    load_fails_with(unset, "cluster/keys_dir is not set");
    zr_config_destroy(&unset);

    zr_config_t *unknown_node = config_for(f->keys, 7);   /* node 7 has no keys */
    load_fails_with(unknown_node, "/public/node-7.cert: missing");
    zr_config_destroy(&unknown_node);

    snprintf(path, sizeof path, "%s/datagram.key", f->keys);
    char *saved = read_file(path);
    write_file(path, "0123 not hex\n");
    load_fails_with(f->config, "datagram.key: not a datagram key");
    write_file(path, saved);
    free(saved);

    snprintf(path, sizeof path, "%s/public/node-1.cert", f->keys);
    snprintf(other, sizeof other, "%s/public/node-2.cert", f->keys);
    saved = read_file(path);
    char *swapped = read_file(other);
    write_file(path, swapped);
    load_fails_with(f->config, "public/node-1.cert: does not match");
    write_file(path, "curve\n    nothing = 1\n");
    load_fails_with(f->config, "public/node-1.cert: not a CURVE certificate");
    write_file(path, saved);
    free(saved);
    free(swapped);

    snprintf(path, sizeof path, "%s/secret/node-1.cert", f->keys);
    snprintf(other, sizeof other, "%s/secret/node-1.moved", f->keys);
    assert_int_equal(rename(path, other), 0);
    load_fails_with(f->config, "secret/node-1.cert: missing");
    assert_int_equal(rename(other, path), 0);
}

/* Waits for the next handshake verdict of a monitored socket: true if it succeeded. */
static bool handshake_verdict(zsock_t *events)
{
    for (;;) {
        zmsg_t *msg = zmsg_recv(events);
        assert_non_null(msg);
        uint16_t event;
        memcpy(&event, zframe_data(zmsg_first(msg)), 2);
        zmsg_destroy(&msg);
        if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
            return true;
        if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL || event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
            || event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
            return false;
    }
}

typedef struct {
    zsock_t *server, *events;
    int port;
} server_t;

static server_t curve_server(const zr_keys_t *keys)
{
    static int sequence;
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "inproc://test-keys-events-%d", sequence++);
    server_t s = { zsock_new(ZMQ_ROUTER), NULL, 0 };
    zsock_set_linger(s.server, 0);
    assert_int_equal(zmq_socket_monitor(zsock_resolve(s.server), endpoint,
                                        ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
                                        | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH), 0);
    s.events = zsock_new_pair(endpoint);
    zsock_set_rcvtimeo(s.events, 10000);
    zr_keys_curve_server(keys, s.server);
    s.port = zsock_bind(s.server, "tcp://127.0.0.1:*");
    assert_true(s.port > 0);
    return s;
}

static void server_destroy(server_t *s)
{
    zsock_destroy(&s->events);
    zsock_destroy(&s->server);
}

/* Connects client, sends one message and tells whether the server let it in (and got it). */
static bool admitted(server_t *s, zsock_t *client)
{
    zsock_set_linger(client, 0);
    zsock_connect(client, "tcp://127.0.0.1:%d", s->port);
    zstr_send(client, "hello");
    bool in = handshake_verdict(s->events);
    if (in) {
        zsock_set_rcvtimeo(s->server, 10000);
        zmsg_t *msg = zmsg_recv(s->server);
        assert_non_null(msg);
        assert_int_equal(zmsg_size(msg), 2);
        zmsg_destroy(&msg);
    } else
        assert_false(zsock_events(s->server) & ZMQ_POLLIN);
    zsock_destroy(&client);
    return in;
}

static void curve_admits_members_only(void **state)
{
    fixture_t *f = *state;
    char err[800];
    zr_keys_t *server_keys = zr_keys_load(f->config, 1, err, sizeof err);
    zr_keys_t *member_keys = zr_keys_load(f->config, 0, err, sizeof err);
    assert_non_null(server_keys);
    assert_non_null(member_keys);

    server_t alone = curve_server(server_keys);   /* no zauth yet: ZAP is enforced, nobody enters */
    zsock_t *member = zsock_new(ZMQ_DEALER);
    assert_true(zr_keys_curve_client(member_keys, member, 1));
    assert_false(admitted(&alone, member));
    server_destroy(&alone);

    assert_int_equal(zr_zap_acquire(zr_keys_public_dir(server_keys), err, sizeof err), 0);
    server_t s = curve_server(server_keys);
    member = zsock_new(ZMQ_DEALER);
    assert_true(zr_keys_curve_client(member_keys, member, 1));
    assert_true(admitted(&s, member));

    zsock_t *stranger = zsock_new(ZMQ_DEALER);   /* knows the server's public key, not a member */
    assert_true(zr_keys_curve_client(member_keys, stranger, 1));
    zcert_t *fresh = zcert_new();
    zcert_apply(fresh, stranger);   /* its own keypair replaces the member's */
    zcert_destroy(&fresh);
    assert_false(admitted(&s, stranger));
    assert_false(admitted(&s, zsock_new(ZMQ_DEALER)));   /* no CURVE at all */
    zsock_t *lost = zsock_new(ZMQ_DEALER);
    assert_false(zr_keys_curve_client(member_keys, lost, 42));   /* no such server */
    zsock_destroy(&lost);
    server_destroy(&s);
    zr_zap_release();
    zr_keys_destroy(&server_keys);
    zr_keys_destroy(&member_keys);
}

/* How many of this process's threads the kernel knows by that name. */
static int threads_named(const char *name)
{
    int count = 0;
    DIR *tasks = opendir("/proc/self/task");
    assert_non_null(tasks);
    for (struct dirent *task; (task = readdir(tasks));) {
        char path[300], comm[32] = "";
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", task->d_name);
        FILE *file = task->d_name[0] == '.' ? NULL : fopen(path, "r");
        if (file && fgets(comm, sizeof comm, file)) {
            comm[strcspn(comm, "\n")] = '\0';
            count += strcmp(comm, name) == 0;
        }
        if (file)
            fclose(file);
    }
    closedir(tasks);
    return count;
}

static void one_zauth_per_process(void **state)
{
    fixture_t *f = *state;
    char err[800] = "", public_dir[300];
    snprintf(public_dir, sizeof public_dir, "%s/public", f->keys);
    assert_int_equal(zr_zap_acquire(public_dir, err, sizeof err), 0);
    /* its own name, for top and perf (at least one: the thread of an earlier test's zauth, told to
     * end, may not have left /proc yet; without the name there would be none) */
    assert_true(threads_named("zr-zauth") >= 1);
    assert_int_equal(zr_zap_acquire(public_dir, err, sizeof err), 0);   /* a second node, same keys */
    assert_int_equal(zr_zap_acquire("/tmp/elsewhere", err, sizeof err), -1);
    assert_non_null(strstr(err, "one key directory per process"));
    zr_zap_release();
    zr_zap_release();
    assert_int_equal(zr_zap_acquire("/tmp/elsewhere", err, sizeof err), 0);   /* the last release stopped it */
    zr_zap_release();
}

int main(void)
{
    zsys_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generated_keys_load_and_are_kept),
        cmocka_unit_test(every_broken_file_is_named),
        cmocka_unit_test(curve_admits_members_only),
        cmocka_unit_test(one_zauth_per_process),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    zsys_shutdown();
    return failed;
}
