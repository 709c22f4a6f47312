/* zr_process: starts a node's or the gateway's actors in dependency order, refreshes /metrics
 * each second, refuses jobs at a node's own HTTP port, and stops everything in reverse. */
#include "actors/process/zr_process.h"
#include "actors/process/zr_process_security.h"
#include "actors/election/zr_peer_server.h"
#include "actors/gateway/zr_gateway.h"
#include "actors/gossip/zr_heartbeat.h"
#include "actors/observe/zr_node_report.h"
#include "actors/observe/zr_status_collector.h"
#include "actors/transport/zr_monitor.h"
#include "actors/transport/zr_tcp_server.h"
#include "actors/transport/zr_udp_actors.h"
#include "actors/work/zr_worker.h"
#include "runtime/http/zr_http_front.h"
#include "runtime/runner/zr_runner_pool.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_inproc.h"
#include "runtime/zr_log.h"

#define METRICS_INTERVAL_MS 1000

typedef struct {
    zr_env_t env;
    bool gateway;
    zactor_t *monitor, *receiver, *sender, *heartbeat, *tcp, *peer, *gateway_actor, *front, *pool, *worker;
    zr_worker_args_t worker_args;
    zactor_t *collector;     /* the gateway's /status */
    zsock_t *pages;          /* to the process's HTTP front, whichever actor owns it */
    zr_keys_t *keys;         /* NULL: cluster/insecure = 1 */
    int64_t next_metrics;
} process_t;

static zactor_t *start_actor(const char *name, zactor_fn *fn, void *args, char *err, size_t size)
{
    char reason[400] = "";
    zactor_t *actor = zr_actor_start(fn, args, reason, sizeof reason);
    if (!actor)
        snprintf(err, size, "cannot start the %s: %s", name, reason);
    return actor;
}

/* GET /node: this process's own figures, as JSON, from the same samples as /metrics. */
static void publish_node(process_t *self, const zr_metrics_t *all)
{
    zr_node_report_t report;
    zr_node_report_from_metrics(&report, all, self->env.node_id);
    char *json = zr_node_report_json(&report, zr_clock_wall_ms());
    zr_inproc_typed_page_send(self->pages, "/node", 200, "application/json", json);
    free(json);
}

/* Every actor's samples, merged and rendered once (each family contiguous) for the process's
 * HTTP front. The pool's come through the worker, which owns the pool's pipe (a zmq socket
 * must never be used by two threads). */
static void refresh_metrics(process_t *self)
{
    zr_metrics_t *all = zr_metrics_new();
    zr_metrics_add(all, ZR_M_INSECURE, NULL, self->keys == NULL);
    zactor_t *actors[] = { self->monitor, self->receiver, self->sender, self->heartbeat, self->tcp,
                           self->peer, self->worker, self->gateway_actor, self->collector };
    for (size_t i = 0; i < sizeof actors / sizeof actors[0]; i++) {
        zr_metrics_t *set = actors[i] ? zr_inproc_stats(actors[i]) : NULL;
        zr_metrics_merge(all, set);
        zr_metrics_destroy(&set);
    }
    char *text = zr_metrics_render(all);
    zr_inproc_send_metrics(self->pages, text);
    free(text);
    publish_node(self, all);
    if (self->collector)
        zr_inproc_send_report(self->collector, all);
    zr_metrics_destroy(&all);
    self->next_metrics = zr_env_now(&self->env) + METRICS_INTERVAL_MS;
}

static zactor_t *start_pool(process_t *self, char *err, size_t size)
{
    zr_runner_config_t runner;
    zr_runner_config_from_cluster(&runner, self->env.config, self->env.node_id);
    runner.event_prefix = self->env.prefix;   /* JVM starts, recycles and kills go to the monitor */
    zactor_t *pool = zr_runner_pool_new(&runner);
    self->worker_args.slots = (unsigned) runner.jvms;   /* what the worker announces */
    if (!pool)
        snprintf(err, size, "cannot start the runner pool (see %s/node-%d-runner.log)",
                 self->env.config->log_dir, self->env.node_id);
    return pool;
}

/* The actors every process runs, in dependency order: the monitor first (sockets report to
 * it from the start), UDP before anything that sends or listens, gossip before the election. */
static int start_common(process_t *self, char *err, size_t size)
{
    zr_env_t *env = &self->env;
    return (self->monitor = start_actor("monitor", zr_monitor_actor, env, err, size))
        && (self->receiver = start_actor("UDP receiver", zr_udp_receiver_actor, env, err, size))
        && (self->sender = start_actor("UDP sender", zr_udp_sender_actor, env, err, size))
        && (self->heartbeat = start_actor("heartbeat", zr_heartbeat_actor, env, err, size)) ? 0 : -1;
}

/* A node: the TCP server, the election, its own HTTP front (logs, metrics, health), then the
 * runner pool and the worker that owns it: the election runs while the JVMs warm up, and role
 * actors start once the worker is ready (the TCP server holds requests until then). */
static int start_node(process_t *self, char *err, size_t size)
{
    zr_env_t *env = &self->env;
    if (!(self->tcp = start_actor("TCP server", zr_tcp_server_actor, env, err, size))
        || !(self->peer = start_actor("peer server", zr_peer_server_actor, env, err, size))
        || !(self->front = zr_http_front_for_env(env, err, size)))
        return -1;
    refresh_metrics(self);   /* /metrics has figures while the JVMs warm up */
    if (!(self->pool = start_pool(self, err, size)))
        return -1;
    self->worker_args.env = env;
    self->worker_args.pool = self->pool;
    if (!(self->worker = start_actor("worker", zr_worker_actor, &self->worker_args, err, size)))
        return -1;
    zr_inproc_send_worker(self->peer, self->worker);
    return 0;
}

static int start_gateway(process_t *self, char *err, size_t size)
{
    zr_env_t *env = &self->env;
    return (self->peer = start_actor("peer server", zr_peer_server_actor, env, err, size))
        && (self->gateway_actor = start_actor("gateway", zr_gateway_actor, env, err, size))
        && (self->collector = start_actor("status collector", zr_status_collector_actor, env, err, size)) ? 0 : -1;
}

static void stop_all(process_t *self)
{
    zr_actor_stop(&self->collector);
    zr_actor_stop(&self->front);
    zr_actor_stop(&self->gateway_actor);
    zr_actor_stop(&self->peer);
    zr_actor_stop(&self->tcp);
    zr_actor_stop(&self->worker);
    zr_actor_stop(&self->pool);
    zr_actor_stop(&self->heartbeat);
    zr_actor_stop(&self->sender);
    zr_actor_stop(&self->receiver);
    zr_actor_stop(&self->monitor);
    zsock_destroy(&self->pages);
}

/* A node's HTTP front serves logs, metrics and health; work goes to the gateway. */
static void refuse_job(process_t *self)
{
    zr_reply_t reply;
    if (zr_inproc_reply_recv(self->front, &reply) == ZR_REPLY_JOB)
        zr_inproc_fail_send(self->front, reply.job_id, 404, "this is a cluster node: POST /compileandrun to the gateway");
    zr_inproc_reply_fini(&reply);
}

static void serve(process_t *self, zsock_t *pipe)
{
    zpoller_t *poller = zpoller_new(pipe, self->peer, NULL);
    if (self->front)
        zpoller_add(poller, self->front);
    for (bool running = true; running;) {
        void *which = zpoller_wait(poller, zr_clock_poll_timeout(&self->env.clock, self->next_metrics));
        if (which == pipe) {
            zr_inproc_command_t command;
            running = zr_inproc_command_recv(pipe, &command) && !zr_inproc_is(&command, ZR_CMD_TERM);
            zr_inproc_command_fini(&command);
        } else if (which == self->peer) {
            zmsg_t *unexpected = zmsg_recv(self->peer);
            zmsg_destroy(&unexpected);
        } else if (which && which == self->front)
            refuse_job(self);
        else if (!which && zpoller_terminated(poller))
            running = false;
        if (zr_env_now(&self->env) >= self->next_metrics)
            refresh_metrics(self);
    }
    zpoller_destroy(&poller);
}

void zr_process_actor(zsock_t *pipe, void *args)
{
    zr_actor_name("process");
    const zr_process_args_t *given = args;
    zr_actor_accept(pipe);   /* the runner pool takes seconds: let several processes start at once */
    process_t self = { 0 };
    zr_env_init(&self.env, given->config, given->node_id, given->prefix);
    self.env.monitored = true;   /* the monitor actor starts first and stops last */
    const zr_node_config_t *me = zr_env_me(&self.env);
    self.gateway = me && me->role == ZR_ROLE_GATEWAY;
    self.pages = zr_inproc_pages_connect(&self.env);
    char err[600] = "";
    int rc = me ? zr_process_security_start(&self.env, &self.keys, err, sizeof err) : -1;
    if (rc == 0)
        rc = start_common(&self, err, sizeof err);
    if (!me)
        snprintf(err, sizeof err, "node %d is not in the cluster file", given->node_id);
    if (rc == 0)
        rc = self.gateway ? start_gateway(&self, err, sizeof err) : start_node(&self, err, sizeof err);
    if (rc != 0) {
        stop_all(&self);
        zr_process_security_stop(&self.env, &self.keys);
        zr_actor_verdict(pipe, err);
        return;
    }
    refresh_metrics(&self);
    zr_actor_verdict(pipe, NULL);
    serve(&self, pipe);
    stop_all(&self);
    zr_process_security_stop(&self.env, &self.keys);
}
