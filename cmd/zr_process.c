/* zr_process: parses --config/--id/--log-dir/--log-level, loads the cluster file, starts the
 * process's actors (UDP, pool, TCP, peer server, gateway or HTTP front), serves until a signal. */
#include "cmd/zr_process.h"
#include "cmd/zr_commands.h"
#include "cmd/zr_cli.h"
#include "actors/zr_gateway.h"
#include "actors/zr_heartbeat.h"
#include "actors/zr_monitor.h"
#include "actors/zr_peer_server.h"
#include "actors/zr_tcp_server.h"
#include "actors/zr_udp_actors.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_config.h"
#include "runtime/zr_http_front.h"
#include "runtime/zr_log.h"
#include "runtime/zr_runner_pool.h"
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

typedef struct {
    const char *command, *config_path, *log_dir, *log_level;
    int id;
} process_options_t;

typedef struct {
    zr_config_t *config;
    int id;
    zr_udp_actor_args_t udp_args;
    zr_tcp_server_args_t tcp_args;
    zr_peer_server_args_t peer_args;
    zr_gateway_args_t gateway_args;
    zr_runner_config_t runner;
    zr_heartbeat_args_t heartbeat_args;
    zr_monitor_args_t monitor_args;
    zactor_t *monitor, *receiver, *sender, *heartbeat, *pool, *tcp, *peer, *gateway, *front;
    char summary_path[600], verbose_path[600];
} process_t;

static void process_usage(FILE *out, const char *command)
{
    fprintf(out, "usage: zrun %s --config FILE --id ID [--log-dir D] [--log-level L]\n"
                 "  Runs one %s of the cluster described by FILE (see demo/cluster.zpl).\n"
                 "  --log-dir and --log-level override the file's cluster/log_dir and log_level.\n",
            command, streq(command, "gateway") ? "gateway (election observer, public HTTP API)" : "peer node");
}

static int parse_process_options(int argc, char **argv, process_options_t *o)
{
    static const struct option longs[] = {
        { "config", required_argument, 0, 'c' }, { "id", required_argument, 0, 'i' },
        { "log-dir", required_argument, 0, 'd' }, { "log-level", required_argument, 0, 'l' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":h", longs, NULL)) != -1;) {
        switch (c) {
        case 'c': o->config_path = optarg; break;
        case 'i': if (zr_cli_int(o->command, "--id", optarg, 0, 1000000, &o->id))
                      return -1;
                  break;
        case 'd': o->log_dir = optarg; break;
        case 'l': o->log_level = optarg;
                  if (zr_cli_log_level(o->command, optarg))
                      return -1;
                  break;
        case 'h': process_usage(stdout, o->command); return 1;
        case ':': fprintf(stderr, "zrun %s: %s needs a value\n", o->command, argv[optind - 1]); return -1;
        default: fprintf(stderr, "zrun %s: unknown option '%s' (see zrun %s --help)\n", o->command, argv[optind - 1], o->command);
                 return -1;
        }
    }
    if (!o->config_path || o->id < 0) {
        fprintf(stderr, "zrun %s: --config FILE and --id ID are required\n", o->command);
        return -1;
    }
    return 0;
}

/* Loads the file, applies the flags, and checks that this id has the right role. */
static int load_config(process_t *self, const process_options_t *o, bool gateway)
{
    char err[600];
    self->config = zr_config_load(o->config_path, err, sizeof err);
    if (!self->config) {
        fprintf(stderr, "zrun %s: %s\n", o->command, err);
        return -1;
    }
    if (o->log_dir)
        snprintf(self->config->log_dir, sizeof self->config->log_dir, "%s", o->log_dir);
    if (o->log_level)
        self->config->log_level = zr_log_level_parse(o->log_level);
    zr_log_set_level(self->config->log_level);
    const zr_node_config_t *me = zr_config_node(self->config, o->id);
    if (!me || (me->role == ZR_ROLE_GATEWAY) != gateway) {
        fprintf(stderr, "zrun %s: %s has no %s with id %d\n", o->command, o->config_path,
                gateway ? "gateway" : "peer node", o->id);
        return -1;
    }
    self->id = o->id;
    snprintf(self->summary_path, sizeof self->summary_path, "%s/node-%d-summary.log", self->config->log_dir, o->id);
    snprintf(self->verbose_path, sizeof self->verbose_path, "%s/node-%d-verbose.log", self->config->log_dir, o->id);
    return 0;
}

static zactor_t *start_actor(const char *name, zactor_fn *fn, void *args)
{
    char err[400] = "";
    zactor_t *actor = zr_actor_start(fn, args, err, sizeof err);
    if (!actor)
        fprintf(stderr, "zrun: cannot start the %s: %s\n", name, err);
    return actor;
}

static zactor_t *start_pool(process_t *self)
{
    zr_runner_config_defaults(&self->runner);
    const zr_config_t *c = self->config;
    self->runner.jvms = c->runner_jvms;
    self->runner.wall_ms = c->runner_wall_ms;
    self->runner.heap_mb = c->runner_heap_mb;
    self->runner.output_limit = (size_t) c->runner_output_limit;
    self->runner.max_threads = c->runner_max_threads;
    self->runner.jobs_per_jvm = c->runner_jobs_per_jvm;
    self->runner.log_dir = c->log_dir;
    self->runner.node_id = self->id;
    zactor_t *pool = zr_runner_pool_new(&self->runner);
    if (!pool)
        fprintf(stderr, "zrun: cannot start the runner pool (see %s/node-%d-runner.log)\n", c->log_dir, self->id);
    return pool;
}

static zactor_t *start_front(process_t *self)
{
    const zr_node_config_t *me = zr_config_node(self->config, self->id);
    zr_http_front_config_t front;
    zr_http_front_config_defaults(&front);
    front.port = me->http_port;
    front.bind_address = me->ipv4;
    front.body_limit = (size_t) self->config->body_limit;
    front.node_id = self->id;
    front.log_dir = self->config->log_dir;
    front.summary_log = self->summary_path;
    front.verbose_log = self->verbose_path;
    char *error = NULL;
    zactor_t *actor = zr_http_front_new(&front, NULL, &error);
    if (!actor)
        fprintf(stderr, "zrun: cannot serve HTTP on %s:%d: %s\n", me->ipv4, me->http_port, error ? error : "unknown error");
    free(error);
    return actor;
}

/* Appends an actor's STATS answer to out. */
static void collect_stats(zactor_t *actor, FILE *out)
{
    if (!actor)
        return;
    zstr_send(actor, "STATS");
    char *lines = zstr_recv(actor);
    if (lines)
        fputs(lines, out);
    zstr_free(&lines);
}

static void refresh_metrics(process_t *self)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    /* Not the pool: its pipe belongs to the role actor running at the moment (a zmq socket
     * must never be used by two threads); the peer server adds the role actor's figures. */
    zactor_t *actors[] = { self->monitor, self->receiver, self->sender, self->heartbeat, self->tcp, self->peer };
    for (size_t i = 0; i < sizeof actors / sizeof actors[0]; i++)
        collect_stats(actors[i], out);
    fclose(out);
    if (self->front)
        zr_http_front_set_metrics(self->front, text);
    else if (self->gateway)
        zstr_sendx(self->gateway, "METRICS", text, NULL);
    free(text);
}

/* Starts the actors in dependency order; -1 as soon as one cannot start. */
static int start_actors(process_t *self, bool gateway)
{
    self->udp_args = (zr_udp_actor_args_t) { self->config, self->id };
    self->monitor_args = (zr_monitor_args_t) { self->config, self->id };
    if (!(self->monitor = start_actor("monitor", zr_monitor_actor, &self->monitor_args)))
        return -1;
    self->tcp_args = (zr_tcp_server_args_t) { self->config, self->id };
    self->gateway_args = (zr_gateway_args_t) { self->config, self->id };
    if (!(self->receiver = start_actor("UDP receiver", zr_udp_receiver_actor, &self->udp_args))
        || !(self->sender = start_actor("UDP sender", zr_udp_sender_actor, &self->udp_args)))
        return -1;
    self->heartbeat_args = (zr_heartbeat_args_t) { self->config, self->id };
    if (!(self->heartbeat = start_actor("heartbeat", zr_heartbeat_actor, &self->heartbeat_args)))
        return -1;
    if (!gateway && !(self->tcp = start_actor("TCP server", zr_tcp_server_actor, &self->tcp_args)))
        return -1;
    self->peer_args = (zr_peer_server_args_t) { self->config, self->id, NULL };
    if (!(self->peer = start_actor("peer server", zr_peer_server_actor, &self->peer_args)))
        return -1;
    if (gateway)
        return (self->gateway = start_actor("gateway", zr_gateway_actor, &self->gateway_args)) ? 0 : -1;
    if (!(self->front = start_front(self)))
        return -1;
    /* The election runs while the JVMs warm up; role actors start once the pool is ready,
     * and the TCP server holds requests until then. /metrics has figures meanwhile. */
    refresh_metrics(self);
    if (!(self->pool = start_pool(self)))
        return -1;
    zr_peer_server_give_pool(self->peer, self->pool);
    return 0;
}

static void stop_actors(process_t *self)
{
    zr_actor_stop(&self->front);
    zr_actor_stop(&self->gateway);
    zr_actor_stop(&self->peer);
    zr_actor_stop(&self->tcp);
    zr_actor_stop(&self->pool);
    zr_actor_stop(&self->heartbeat);
    zr_actor_stop(&self->sender);
    zr_actor_stop(&self->receiver);
    zr_actor_stop(&self->monitor);
}

/* A node's HTTP front serves logs, metrics and health; work goes to the gateway. */
static void refuse_job(process_t *self)
{
    char *command = NULL;
    uint64_t id = 0;
    zframe_t *source = NULL;
    if (zsock_recv(self->front, "s8f", &command, &id, &source) == 0 && command && streq(command, "JOB"))
        zr_http_front_fail(self->front, id, 404, "this is a cluster node: POST /compileandrun to the gateway");
    zstr_free(&command);
    zframe_destroy(&source);
}

/* SIGINT/SIGTERM are blocked in every thread (actors inherit the mask) and read here from a
 * signalfd, so actors end only when told ($TERM), in order, never on their own. */
static int block_stop_signals(void)
{
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    return signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void serve_until_signal(process_t *self, int signal_fd)
{
    zmq_pollitem_t items[] = {
        { NULL, signal_fd, ZMQ_POLLIN, 0 },
        { zsock_resolve(self->peer), 0, ZMQ_POLLIN, 0 },
        { self->front ? zsock_resolve(self->front) : NULL, -1, ZMQ_POLLIN, 0 },
    };
    int count = self->front ? 3 : 2;
    int64_t next_metrics = 0;
    for (;;) {
        zmq_poll(items, count, 1000);
        if (items[0].revents & ZMQ_POLLIN)
            break;
        if (items[1].revents & ZMQ_POLLIN) {
            zmsg_t *unexpected = zmsg_recv(self->peer);
            zmsg_destroy(&unexpected);
        }
        if (count == 3 && (items[2].revents & ZMQ_POLLIN))
            refuse_job(self);
        if (zclock_mono() >= next_metrics) {
            refresh_metrics(self);
            next_metrics = zclock_mono() + 1000;
        }
    }
}

int zr_process_run(int argc, char **argv, bool gateway)
{
    process_options_t options = { .command = gateway ? "gateway" : "node", .id = -1 };
    int rc = parse_process_options(argc, argv, &options);
    if (rc)
        return rc > 0 ? 0 : 2;
    process_t self = { 0 };
    if (load_config(&self, &options, gateway) != 0)
        return 2;
    int signal_fd = block_stop_signals();
    zsys_handler_set(NULL);
    zsys_init();
    int status = 0;
    if (start_actors(&self, gateway) == 0)
        serve_until_signal(&self, signal_fd);
    else
        status = 1;
    stop_actors(&self);
    close(signal_fd);
    zr_config_destroy(&self.config);
    zsys_shutdown();
    return status;
}

int zr_cmd_node(int argc, char **argv)
{
    return zr_process_run(argc, argv, false);
}

int zr_cmd_gateway(int argc, char **argv)
{
    return zr_process_run(argc, argv, true);
}
