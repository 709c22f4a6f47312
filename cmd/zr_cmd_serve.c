/* zr_cmd_serve: `zrun serve` runs one standalone server: the runner pool behind the HTTP front.
 * The main thread only shuttles messages (JOB -> RUN, RESULT -> front, POOL_STATS -> METRICS). */
#include "cmd/zr_commands.h"
#include "cmd/zr_cli.h"
#include "runtime/http/zr_http_front.h"
#include "runtime/zr_inproc.h"
#include "runtime/zr_log.h"
#include "runtime/runner/zr_runner_pool.h"
#include <czmq.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>

#define SERVE_STATS_INTERVAL_MS 1000   /* how often pool figures are refreshed for /metrics */
#define SERVE_BODY_LIMIT_MAX (64L * 1024 * 1024)
#define SERVE_JOB_TIMEOUT_MS 120000            /* backstop: the pool answers well before this */

typedef struct {
    int port;
    int jvms;                 /* 0: the pool's default */
    int spare_jvms;           /* -1: the pool's default */
    long body_limit;
    long job_timeout_ms;
    const char *bind_address;
    const char *log_dir;
    const char *log_level;
    const char *tokens_file;   /* NULL: jobs need no token */
    zr_http_door_config_t door;
} serve_options_t;

typedef struct {
    zr_config_t config;       /* a cluster of one: node 0, the options' address, port and runner */
    zr_log_t *summary;        /* node-0-summary.log and node-0-verbose.log exist (empty: a */
    zr_log_t *verbose;        /* standalone server has no peers) so /logs/... can serve them */
    zactor_t *front;
    zactor_t *pool;
    int port;
} serve_t;

static void serve_usage(FILE *out)
{
    fprintf(out, "usage: zrun serve [--port P] [--jvms N] [--spare-jvms S] [--bind ADDR] [--body-limit BYTES]\n"
                 "                  [--job-timeout MS] [--log-dir D] [--log-level L] [--tokens FILE]\n"
                 "                  [--max-pending N] [--max-in-flight N] [--max-connections N]\n"
                 "                  [--header-timeout MS]\n"
                 "  Runs one standalone compile-and-run server: POST /compileandrun on port P\n"
                 "  (default 9000; 0 picks a free port), N warm JVMs (default 2) running jobs and S\n"
                 "  warm spares (default 1), logs in D (default ./logs).\n"
                 "  --bind defaults to 0.0.0.0, --body-limit to 1048576; a job not answered within\n"
                 "  --job-timeout (default 120000, 0: never) gets 504. Ctrl-C or SIGTERM stops it.\n"
                 "  The door: with --tokens, a job needs Authorization: Bearer <a line of FILE> (else\n"
                 "  401); at most --max-pending jobs at once (default 1024; then 503 + Retry-After),\n"
                 "  --max-in-flight per client address (32; then 429 + Retry-After), --max-connections\n"
                 "  open per client address (64); a connection must send its headers within\n"
                 "  --header-timeout ms (5000).\n");
}

/* The door's options; 1 if option is none of them. */
static int parse_door_option(int option, const char *value, serve_options_t *o)
{
    static const struct { int code; const char *name; long min, max; } limits[] = {
        { 'P', "--max-pending", 1, 1000000 }, { 'F', "--max-in-flight", 1, 1000000 },
        { 'C', "--max-connections", 1, 1000000 }, { 'H', "--header-timeout", 100, 600000 },
    };
    int *fields[] = { &o->door.max_pending, &o->door.max_in_flight_per_client,
                      &o->door.max_connections_per_client, &o->door.header_timeout_ms };
    if (option == 'T') {
        o->tokens_file = value;
        return 0;
    }
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
        if (limits[i].code == option)
            return zr_cli_int("serve", limits[i].name, value, (int) limits[i].min, (int) limits[i].max, fields[i]);
    return 1;
}

static int parse_option(int option, const char *value, serve_options_t *o)
{
    long number = 0;
    int door = parse_door_option(option, value, o);
    if (door <= 0)
        return door;
    switch (option) {
    case 'p':
        if (zr_cli_number("serve", "--port", value, 0, 65535, &number))
            return -1;
        o->port = (int) number;
        return 0;
    case 'j':
        if (zr_cli_number("serve", "--jvms", value, 1, 64, &number))
            return -1;
        o->jvms = (int) number;
        return 0;
    case 's':
        return zr_cli_int("serve", "--spare-jvms", value, 0, 4, &o->spare_jvms);
    case 'm':
        return zr_cli_number("serve", "--body-limit", value, 1, SERVE_BODY_LIMIT_MAX, &o->body_limit);
    case 't':
        return zr_cli_number("serve", "--job-timeout", value, 0, INT_MAX, &o->job_timeout_ms);
    case 'b':
        o->bind_address = value;
        return 0;
    case 'd':
        o->log_dir = value;
        return 0;
    default:   /* 'l' */
        o->log_level = value;
        if (zr_log_level_parse(value) >= 0)
            return 0;
        fprintf(stderr, "zrun serve: --log-level must be debug, info, warn, error or off\n");
        return -1;
    }
}

/* Returns 0 to serve, 1 after --help, -1 on a usage error (already reported). */
static int parse_serve_options(int argc, char **argv, serve_options_t *o)
{
    static const struct option longs[] = {
        { "port", required_argument, 0, 'p' }, { "jvms", required_argument, 0, 'j' },
        { "spare-jvms", required_argument, 0, 's' },
        { "bind", required_argument, 0, 'b' }, { "body-limit", required_argument, 0, 'm' },
        { "job-timeout", required_argument, 0, 't' },
        { "log-dir", required_argument, 0, 'd' }, { "log-level", required_argument, 0, 'l' },
        { "tokens", required_argument, 0, 'T' }, { "max-pending", required_argument, 0, 'P' },
        { "max-in-flight", required_argument, 0, 'F' }, { "max-connections", required_argument, 0, 'C' },
        { "header-timeout", required_argument, 0, 'H' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    *o = (serve_options_t) { .port = 9000, .spare_jvms = -1, .body_limit = ZR_HTTP_BODY_LIMIT_DEFAULT,
                             .job_timeout_ms = SERVE_JOB_TIMEOUT_MS,
                             .bind_address = "0.0.0.0", .log_dir = "logs", .log_level = "info" };
    zr_http_door_config_defaults(&o->door);
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":h", longs, NULL)) != -1;) {
        if (c == 'h') {
            serve_usage(stdout);
            return 1;
        }
        if (c == ':' || c == '?') {
            fprintf(stderr, c == ':' ? "zrun serve: %s needs a value\n"
                                     : "zrun serve: unknown option '%s' (see zrun serve --help)\n",
                    argv[optind - 1]);
            return -1;
        }
        if (parse_option(c, optarg, o) != 0)
            return -1;
    }
    if (optind < argc) {
        fprintf(stderr, "zrun serve: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    return 0;
}

/* The options as a cluster file of one node (id 0), so the front and the pool are configured
 * by the same builders as a cluster node's. */
static void describe_as_cluster(serve_t *self, const serve_options_t *o)
{
    zr_config_t *c = &self->config;
    zr_config_defaults(c);
    snprintf(c->log_dir, sizeof c->log_dir, "%s", o->log_dir);
    c->body_limit = o->body_limit;
    c->max_pending = o->door.max_pending;
    c->max_in_flight_per_client = o->door.max_in_flight_per_client;
    c->max_connections_per_client = o->door.max_connections_per_client;
    c->header_timeout_ms = o->door.header_timeout_ms;
    if (o->jvms)
        c->runner_jvms = o->jvms;
    if (o->spare_jvms >= 0)
        c->runner_spare_jvms = o->spare_jvms;
    c->node_count = 1;
    c->nodes[0] = (zr_node_config_t) { .id = 0, .role = ZR_ROLE_PEER, .http_port = o->port };
    snprintf(c->nodes[0].host, sizeof c->nodes[0].host, "%s", o->bind_address);
    snprintf(c->nodes[0].ipv4, sizeof c->nodes[0].ipv4, "%s", o->bind_address);
}

static int start_front(serve_t *self, const serve_options_t *o)
{
    zr_http_front_config_t config;
    zr_http_front_paths_t paths;
    zr_http_front_config_from_cluster(&config, &paths, &self->config, 0);
    config.job_timeout_ms = (int) o->job_timeout_ms;
    config.tokens_file = o->tokens_file;   /* the standalone server takes jobs, like a gateway */
    char *error = NULL;
    self->front = zr_http_front_new(&config, &self->port, &error);
    if (!self->front)
        fprintf(stderr, "zrun serve: %s\n", error ? error : "the HTTP front did not start");
    free(error);
    return self->front ? 0 : -1;
}

static int start_pool(serve_t *self)
{
    zr_runner_config_t config;
    zr_runner_config_from_cluster(&config, &self->config, 0);
    self->pool = zr_runner_pool_new(&config);
    if (!self->pool)
        fprintf(stderr, "zrun serve: the runner pool did not start (see the logs in %s)\n", self->config.log_dir);
    return self->pool ? 0 : -1;
}

/* The front first: a taken port fails fast, before any JVM is started. */
static int serve_start(serve_t *self, const serve_options_t *o)
{
    describe_as_cluster(self, o);
    self->summary = zr_log_open(o->log_dir, 0, "summary");
    self->verbose = zr_log_open(o->log_dir, 0, "verbose");
    if (!self->summary || !self->verbose) {
        fprintf(stderr, "zrun serve: cannot write logs in %s\n", o->log_dir);
        return -1;
    }
    return start_front(self, o) == 0 && start_pool(self) == 0 ? 0 : -1;
}

/* The front goes first, so clients still waiting get 503 rather than silence. */
static void serve_stop(serve_t *self)
{
    zactor_destroy(&self->front);
    zactor_destroy(&self->pool);
    zr_log_close(&self->summary);
    zr_log_close(&self->verbose);
}

/* A JOB from the front is a RUN for the pool: a standalone server is gateway 0 and leader 0.
 * (GONE is ignored: the pool runs what it was given, and the front drops the late answer.) */
static void forward_job(serve_t *self)
{
    zr_reply_t reply;
    if (zr_inproc_reply_recv(self->front, &reply) == ZR_REPLY_JOB) {
        zr_work_request_msg_t request = { .request_id = reply.job_id,
            .source = { (const char *) zframe_data(reply.frame), zframe_size(reply.frame) } };
        zr_inproc_run(self->pool, &request);
    }
    zr_inproc_reply_fini(&reply);
}

/* RESULT goes to the front as it is; POOL_STATS becomes the front's extra /metrics lines. */
static void forward_pool_message(serve_t *self)
{
    zr_reply_t reply;
    zr_reply_kind_t kind = zr_inproc_reply_recv(self->pool, &reply);
    if (kind == ZR_REPLY_RESULT)
        zr_inproc_result_forward(self->front, &reply.frame);
    else if (kind == ZR_REPLY_POOL_STATS) {
        zr_metrics_t *set = zr_metrics_new();
        zr_pool_stats_metrics(&reply.stats, set);
        char *lines = zr_metrics_render(set);
        zr_inproc_send_metrics(self->front, lines);
        free(lines);
        zr_metrics_destroy(&set);
    }
    zr_inproc_reply_fini(&reply);
}

/* Until SIGINT/SIGTERM (czmq's handler sets zsys_interrupted; the poller then reports it). */
static void serve_loop(serve_t *self)
{
    zpoller_t *poller = zpoller_new(self->front, self->pool, NULL);
    int64_t next_stats = zclock_mono();
    while (!zsys_interrupted) {
        if (zclock_mono() >= next_stats) {
            zstr_send(self->pool, "STATS");
            next_stats = zclock_mono() + SERVE_STATS_INTERVAL_MS;
        }
        void *which = zpoller_wait(poller, (int) (next_stats - zclock_mono()));
        if (which == self->front)
            forward_job(self);
        else if (which == self->pool)
            forward_pool_message(self);
        else if (zpoller_terminated(poller))
            break;
    }
    zpoller_destroy(&poller);
}

int zr_cmd_serve(int argc, char **argv)
{
    serve_options_t options;
    int parsed = parse_serve_options(argc, argv, &options);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    zr_log_set_level((zr_log_level_t) zr_log_level_parse(options.log_level));
    serve_t self = { 0 };
    if (serve_start(&self, &options) != 0) {
        serve_stop(&self);
        return 1;
    }
    printf("zrun serve: listening on http://%s:%d/ (logs in %s)\n", options.bind_address, self.port,
           options.log_dir);
    fflush(stdout);
    serve_loop(&self);
    serve_stop(&self);
    printf("zrun serve: stopped\n");
    return 0;
}
