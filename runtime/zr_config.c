/* zr_config: ZPL cluster file -> zr_config_t. Keys are table-driven with ranges, unknown keys
 * are errors (typos must not pass silently), node addresses are resolved and ports checked. */
#include "runtime/zr_config.h"
#include "runtime/zr_addr.h"
#include "runtime/zr_log.h"
#include <czmq.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>

typedef struct {
    const char *name;
    size_t offset;
    bool is_long;
    long min, max;
} number_key_t;

#define INT_KEY(name, field, min, max) { name, offsetof(zr_config_t, field), false, min, max }
#define LONG_KEY(name, field, min, max) { name, offsetof(zr_config_t, field), true, min, max }

static const number_key_t cluster_keys[] = {
    INT_KEY("base_interval_ms", timings.base_interval_ms, 10, 60000),
    INT_KEY("fail_after_ms", timings.fail_after_ms, 20, 3600000),
    INT_KEY("cleanup_after_ms", timings.cleanup_after_ms, 20, 7200000),
    INT_KEY("election_final_wait_ms", timings.election_final_wait_ms, 1, 60000),
    INT_KEY("election_max_backoff_ms", timings.election_max_backoff_ms, 10, 600000),
    INT_KEY("election_startup_wait_ms", timings.election_startup_wait_ms, 0, 600000),
    INT_KEY("recovery_wait_ms", timings.recovery_wait_ms, 0, 600000),
    INT_KEY("recovery_reask_ms", timings.recovery_reask_ms, 1, 60000),
    INT_KEY("queue_deadline_ms", queue_deadline_ms, 100, 3600000),
    LONG_KEY("body_limit", body_limit, 1024, 64L << 20),
    INT_KEY("insecure", insecure, 0, 1),
    INT_KEY("max_pending", max_pending, 1, 1000000),
    INT_KEY("max_in_flight_per_client", max_in_flight_per_client, 1, 1000000),
    INT_KEY("max_connections_per_client", max_connections_per_client, 1, 1000000),
    INT_KEY("header_timeout_ms", header_timeout_ms, 100, 600000),
    INT_KEY("retry_after_s", retry_after_s, 1, 3600),
};

/* The keys whose value is a path. */
typedef struct {
    const char *name;
    size_t offset;
} path_key_t;
#define PATH_KEY(name, field) { name, offsetof(zr_config_t, field) }
#define ZR_CONFIG_PATH_MAX 512
_Static_assert(sizeof ((zr_config_t *) 0)->log_dir == ZR_CONFIG_PATH_MAX
               && sizeof ((zr_config_t *) 0)->keys_dir == ZR_CONFIG_PATH_MAX
               && sizeof ((zr_config_t *) 0)->tokens_file == ZR_CONFIG_PATH_MAX, "path fields");
static const path_key_t path_keys[] = {
    PATH_KEY("log_dir", log_dir), PATH_KEY("keys_dir", keys_dir), PATH_KEY("tokens_file", tokens_file),
};

static const number_key_t runner_keys[] = {
    INT_KEY("jvms", runner_jvms, 1, 64),
    INT_KEY("spare_jvms", runner_spare_jvms, 0, 4),
    INT_KEY("wall_ms", runner_wall_ms, 100, 3600000),
    INT_KEY("heap_mb", runner_heap_mb, 32, 65536),
    LONG_KEY("output_limit", runner_output_limit, 1024, 1L << 30),
    INT_KEY("max_threads", runner_max_threads, 1, 10000),
    INT_KEY("jobs_per_jvm", runner_jobs_per_jvm, 1, 10000000),
    INT_KEY("nice", runner_nice, 0, 19),
    INT_KEY("c1_only", runner_c1_only, 0, 1),
    INT_KEY("idle_warm_up_jobs", runner_idle_warm_up_jobs, 0, 1000000),
};

typedef struct {
    const char *name;   /* file name, for messages */
    char *err;
    size_t err_size;
} parse_context_t;

static int fail(parse_context_t *ctx, const char *format, ...) __attribute__((format(printf, 2, 3)));
static int fail(parse_context_t *ctx, const char *format, ...)
{
    char reason[400];
    va_list args;
    va_start(args, format);
    vsnprintf(reason, sizeof reason, format, args);
    va_end(args);
    snprintf(ctx->err, ctx->err_size, "%s: %s", ctx->name, reason);
    return -1;
}

void zr_config_defaults(zr_config_t *config)
{
    memset(config, 0, sizeof *config);
    snprintf(config->log_dir, sizeof config->log_dir, "logs");
    config->log_level = ZR_LOG_INFO;
    zr_timings_init(&config->timings, ZR_TIMINGS_DEFAULT_BASE_MS);   /* derived unless set */
    config->queue_deadline_ms = 60000;
    config->body_limit = 1L << 20;
    /* The runner's defaults (every pool starts from these, zr_runner_config_defaults too).
     * One warm JVM per core of the 2-core target machines. Measured with tests/bench/runner_bench.sh
     * (300 distinct jobs queued after 300 warm-up jobs per JVM; quietest of four runs on the shared
     * machine): 1 JVM 71 jobs/s, 2 JVMs 123 jobs/s, 3 JVMs 127 jobs/s. A job is CPU-bound (javac),
     * so a third JVM gains ~3% for another ~120 MB of RSS and another warm-up per recycle. */
    config->runner_jvms = 2;
    /* One warm spare: a JVM killed for a limit, or recycled, is replaced by a warm one at once
     * instead of by one that warms up for seconds while jobs wait (about 110 MB of RSS). */
    config->runner_spare_jvms = 1;
    config->runner_wall_ms = 10000;
    config->runner_heap_mb = 256;
    config->runner_output_limit = 1L << 20;
    config->runner_max_threads = 32;
    config->runner_jobs_per_jvm = 5000;   /* a recycled JVM must warm its JIT again: not too often */
    config->runner_nice = 10;   /* the control plane outranks the work (README: Membership benchmark) */
    /* The JIT stops at C1. Measured in one run each on the 2-core machine, zrun serve --jvms 2,
     * distinct sources: fresh, c=8 391 req/s against 174 tiered; after 3000 jobs, c=4 593-612
     * against 475-487, c=1 p50 the same (2.3-2.6 ms); a fresh 7-node cluster 1.36x. C2 wins
     * only on long compute: a 450 ms arithmetic loop ran 23% longer with C1 alone. */
    config->runner_c1_only = 1;
    /* measured: 1500 more warm-up jobs bring a JVM near a working JVM's per-job time */
    config->runner_idle_warm_up_jobs = 1500;
    config->max_pending = 1024;
    config->max_in_flight_per_client = 32;
    config->max_connections_per_client = 64;
    config->header_timeout_ms = 5000;
    config->retry_after_s = 1;
}

/* Strict integer: all digits, no trailing junk, within [min, max]. */
static int parse_number(parse_context_t *ctx, const char *key, const char *text,
                        long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (!*text || *end || errno == ERANGE)
        return fail(ctx, "%s: '%s' is not a whole number", key, text);
    if (value < min || value > max)
        return fail(ctx, "%s: %ld is out of range %ld..%ld", key, value, min, max);
    *out = value;
    return 0;
}

/* Sets one numeric key from the table; unknown names are errors. */
static int load_number_key(parse_context_t *ctx, const char *section_name, zconfig_t *item,
                           const number_key_t *keys, size_t key_count, zr_config_t *config)
{
    const number_key_t *key = NULL;
    for (size_t i = 0; i < key_count && !key; i++)
        if (streq(keys[i].name, zconfig_name(item)))
            key = &keys[i];
    char path[128];
    snprintf(path, sizeof path, "%s/%s", section_name, zconfig_name(item));
    if (!key)
        return fail(ctx, "unknown key '%s'", path);
    long value;
    const char *text = zconfig_value(item) ? zconfig_value(item) : "";
    if (parse_number(ctx, path, text, key->min, key->max, &value))
        return -1;
    char *field = (char *) config + key->offset;
    if (key->is_long)
        *(long *) field = value;
    else
        *(int *) field = (int) value;
    return 0;
}

static const path_key_t *find_path_key(const char *name)
{
    for (size_t i = 0; i < sizeof path_keys / sizeof path_keys[0]; i++)
        if (streq(path_keys[i].name, name))
            return &path_keys[i];
    return NULL;
}

static int load_text_key(parse_context_t *ctx, zconfig_t *item, zr_config_t *config)
{
    const char *value = zconfig_value(item) ? zconfig_value(item) : "";
    const path_key_t *path = find_path_key(zconfig_name(item));
    if (path) {
        if (!*value || strlen(value) >= ZR_CONFIG_PATH_MAX)
            return fail(ctx, "cluster/%s: must be a path of 1..%d characters", path->name,
                        ZR_CONFIG_PATH_MAX - 1);
        snprintf((char *) config + path->offset, ZR_CONFIG_PATH_MAX, "%s", value);
        return 0;
    }
    int level = zr_log_level_parse(value);
    if (level < 0)
        return fail(ctx, "cluster/log_level: '%s' is not one of debug, info, warn, error, off", value);
    config->log_level = level;
    return 0;
}

static int load_cluster_section(parse_context_t *ctx, zconfig_t *section, zr_config_t *config)
{
    for (zconfig_t *item = zconfig_child(section); item; item = zconfig_next(item)) {
        bool is_text = find_path_key(zconfig_name(item)) || streq(zconfig_name(item), "log_level");
        int rc = is_text ? load_text_key(ctx, item, config)
                         : load_number_key(ctx, "cluster", item, cluster_keys,
                                           sizeof cluster_keys / sizeof cluster_keys[0], config);
        if (rc)
            return rc;
    }
    return 0;
}

static int load_runner_section(parse_context_t *ctx, zconfig_t *section, zr_config_t *config)
{
    for (zconfig_t *item = zconfig_child(section); item; item = zconfig_next(item))
        if (load_number_key(ctx, "runner", item, runner_keys,
                            sizeof runner_keys / sizeof runner_keys[0], config))
            return -1;
    return 0;
}

/* Reads one node's port key into *port; 0 if absent and not required. */
static int load_port(parse_context_t *ctx, zconfig_t *node, int id, const char *key, int *port)
{
    char *text = zconfig_get(node, key, NULL);
    char path[64];
    snprintf(path, sizeof path, "nodes/%d/%s", id, key);
    if (!text)
        return fail(ctx, "%s: missing", path);
    long value;
    if (parse_number(ctx, path, text, 1, 65535, &value))
        return -1;
    *port = (int) value;
    return 0;
}

static int check_node_keys(parse_context_t *ctx, zconfig_t *node, int id)
{
    static const char *known[] = { "role", "host", "udp_port", "http_port" };
    for (zconfig_t *item = zconfig_child(node); item; item = zconfig_next(item)) {
        bool found = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            found |= streq(known[i], zconfig_name(item));
        if (!found)
            return fail(ctx, "unknown key 'nodes/%d/%s'", id, zconfig_name(item));
    }
    return 0;
}

static int load_node(parse_context_t *ctx, zconfig_t *node, zr_node_config_t *out)
{
    long id;
    char path[64];
    snprintf(path, sizeof path, "nodes/%s", zconfig_name(node));
    if (parse_number(ctx, path, zconfig_name(node), 0, 1000000, &id))
        return fail(ctx, "%s: a node's name must be its id, a whole number 0..1000000", path);
    out->id = (int) id;
    if (check_node_keys(ctx, node, out->id))
        return -1;
    const char *role = zconfig_get(node, "role", "node");
    if (!streq(role, "node") && !streq(role, "gateway"))
        return fail(ctx, "nodes/%d/role: '%s' is not 'node' or 'gateway'", out->id, role);
    out->role = streq(role, "gateway") ? ZR_ROLE_GATEWAY : ZR_ROLE_PEER;
    snprintf(out->host, sizeof out->host, "%s", zconfig_get(node, "host", "127.0.0.1"));
    char reason[300];
    if (zr_addr_resolve_ipv4(out->host, out->ipv4, reason, sizeof reason))
        return fail(ctx, "nodes/%d/host: %s", out->id, reason);
    if (load_port(ctx, node, out->id, "udp_port", &out->udp_port)
        || load_port(ctx, node, out->id, "http_port", &out->http_port))
        return -1;
    if (out->udp_port > 65533)
        return fail(ctx, "nodes/%d/udp_port: %d leaves no room for the tcp port (udp + 2)",
                    out->id, out->udp_port);
    out->tcp_port = out->udp_port + 2;
    return 0;
}

/* Two nodes on one address must not share a port, whatever its use. */
static int check_port_clashes(parse_context_t *ctx, const zr_config_t *config)
{
    for (size_t a = 0; a < config->node_count; a++) {
        const zr_node_config_t *x = &config->nodes[a];
        int x_ports[] = { x->udp_port, x->udp_port + 1, x->tcp_port, x->http_port };
        if (x->http_port == x->tcp_port || x->http_port == x->udp_port + 1)
            return fail(ctx, "nodes/%d: http_port %d is its own %s port (udp + %d)", x->id, x->http_port,
                        x->http_port == x->tcp_port ? "tcp" : "monitor", x->http_port - x->udp_port);
        for (size_t b = a + 1; b < config->node_count; b++) {
            const zr_node_config_t *y = &config->nodes[b];
            if (x->id == y->id)
                return fail(ctx, "nodes/%d: the id appears twice", x->id);
            if (!streq(x->ipv4, y->ipv4))
                continue;
            int y_ports[] = { y->udp_port, y->udp_port + 1, y->tcp_port, y->http_port };
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    if (x_ports[i] == y_ports[j])
                        return fail(ctx, "nodes/%d and nodes/%d both use port %d on %s",
                                    x->id, y->id, x_ports[i], x->ipv4);
        }
    }
    return 0;
}

static int load_nodes(parse_context_t *ctx, zconfig_t *section, zr_config_t *config)
{
    int gateways = 0;
    for (zconfig_t *node = zconfig_child(section); node; node = zconfig_next(node)) {
        if (config->node_count == ZR_CONFIG_MAX_NODES)
            return fail(ctx, "nodes: more than %d nodes", ZR_CONFIG_MAX_NODES);
        zr_node_config_t *out = &config->nodes[config->node_count++];
        if (load_node(ctx, node, out))
            return -1;
        gateways += out->role == ZR_ROLE_GATEWAY;
    }
    if (gateways > 1)
        return fail(ctx, "nodes: %d nodes have role = gateway; at most one may", gateways);
    if (zr_config_voter_count(config) == 0)
        return fail(ctx, "nodes: no voting node (every node is a gateway or none is listed)");
    return check_port_clashes(ctx, config);
}

/* Fills the timings the file left unset from the base interval, then checks they fit together. */
static int derive_timings(parse_context_t *ctx, zr_config_t *config)
{
    zr_timings_t *t = &config->timings;
    zr_timings_derive(t);
    if (t->fail_after_ms < 2 * t->base_interval_ms)
        return fail(ctx, "cluster/fail_after_ms: %d is less than two heartbeat intervals (%d)",
                    t->fail_after_ms, 2 * t->base_interval_ms);
    if (t->cleanup_after_ms <= t->fail_after_ms)
        return fail(ctx, "cluster/cleanup_after_ms: %d must be greater than fail_after_ms (%d)",
                    t->cleanup_after_ms, t->fail_after_ms);
    return 0;
}

static int load_root(parse_context_t *ctx, zconfig_t *root, zr_config_t *config)
{
    zconfig_t *nodes = NULL;
    for (zconfig_t *section = zconfig_child(root); section; section = zconfig_next(section)) {
        const char *name = zconfig_name(section);
        int rc = 0;
        if (streq(name, "cluster"))
            rc = load_cluster_section(ctx, section, config);
        else if (streq(name, "runner"))
            rc = load_runner_section(ctx, section, config);
        else if (streq(name, "nodes"))
            nodes = section;
        else
            rc = fail(ctx, "unknown section '%s' (expected cluster, runner, nodes)", name);
        if (rc)
            return rc;
    }
    if (!nodes)
        return fail(ctx, "no 'nodes' section: the file must list the cluster's nodes");
    if (load_nodes(ctx, nodes, config))
        return -1;
    return derive_timings(ctx, config);
}

zr_config_t *zr_config_parse(const char *text, const char *name, char *err, size_t err_size)
{
    parse_context_t ctx = { name, err, err_size };
    zconfig_t *root = zconfig_str_load(text);
    if (!root) {
        fail(&ctx, "not valid ZPL (indent by 4 spaces per level; 'name = value')");
        return NULL;
    }
    zr_config_t *config = malloc(sizeof *config);
    zr_config_defaults(config);
    int rc = load_root(&ctx, root, config);
    zconfig_destroy(&root);
    if (rc)
        zr_config_destroy(&config);
    return config;
}

zr_config_t *zr_config_load(const char *path, char *err, size_t err_size)
{
    FILE *file = fopen(path, "r");
    if (!file) {
        snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream(&text, &size);
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, file)) > 0 && size < (1 << 20))
        fwrite(chunk, 1, got, memory);
    fclose(file);
    fclose(memory);
    zr_config_t *config = size >= (1 << 20) ? NULL : zr_config_parse(text, path, err, err_size);
    if (size >= (1 << 20))
        snprintf(err, err_size, "%s: larger than 1 MiB; not a cluster file", path);
    free(text);
    return config;
}

void zr_config_destroy(zr_config_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

int zr_config_index(const zr_config_t *self, int64_t id)
{
    for (size_t i = 0; i < self->node_count; i++)
        if (self->nodes[i].id == id)
            return (int) i;
    return -1;
}

const zr_node_config_t *zr_config_node(const zr_config_t *self, int id)
{
    int index = zr_config_index(self, id);
    return index >= 0 ? &self->nodes[index] : NULL;
}

size_t zr_config_voter_count(const zr_config_t *self)
{
    size_t voters = 0;
    for (size_t i = 0; i < self->node_count; i++)
        voters += self->nodes[i].role == ZR_ROLE_PEER;
    return voters;
}
