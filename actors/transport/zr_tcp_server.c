/* zr_tcp_server: ROUTER (tcp) <-> DEALER (the work link) relay with validation, a bounded
 * backlog while no role actor is attached, and counters for /metrics. */
#include "actors/transport/zr_tcp_server.h"
#include "actors/transport/zr_monitor.h"
#include "proto/zr_wire.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_addr.h"
#include "runtime/zr_event.h"
#include "runtime/zr_log.h"

typedef struct {
    zsock_t *router, *inside;
    zr_log_t *log;
    bool attached;
    zlist_t *backlog;            /* zmsg_t* waiting for a role actor */
    uint64_t relayed_in, relayed_out, malformed, backlog_dropped;
    const zr_env_t *env;
    zr_events_t *events;         /* drop events, at most one a second */
    zr_event_throttle_t drops;
} tcp_server_t;

static bool accepted_type(int type)
{
    return type == ZR_MSG_WORK_REQUEST || type == ZR_MSG_RECOVERY_REQUEST
        || type == ZR_MSG_WORKER_HELLO || type == ZR_MSG_WORK_ACK;
}

static void deliver_inside(tcp_server_t *self, zmsg_t *msg)
{
    if (self->attached) {
        zmsg_send(&msg, self->inside);
        self->relayed_in++;
        return;
    }
    if (zlist_size(self->backlog) >= ZR_TCP_BACKLOG_MAX) {
        zmsg_t *oldest = zlist_pop(self->backlog);
        zmsg_destroy(&oldest);
        self->backlog_dropped++;
        zr_event_drop(self->events, &self->drops, zr_env_now(self->env), "tcp", "backlog_full");
    }
    zlist_append(self->backlog, msg);
}

static void from_network(tcp_server_t *self)
{
    zmsg_t *msg = zmsg_recv(self->router);
    zframe_t *payload = msg && zmsg_size(msg) == 2 ? zmsg_last(msg) : NULL;
    int type = -1;
    if (!payload || zr_wire_peek_type(zframe_data(payload), zframe_size(payload), &type) != ZR_DECODE_OK
        || !accepted_type(type)) {
        self->malformed++;
        zr_debug(self->log, "dropped a malformed or unexpected tcp message (type %d)", type);
        zr_event_drop(self->events, &self->drops, zr_env_now(self->env), "tcp", "malformed");
        zmsg_destroy(&msg);
        return;
    }
    deliver_inside(self, msg);
}

static void flush_backlog(tcp_server_t *self)
{
    zmsg_t *msg;
    while (self->attached && (msg = zlist_pop(self->backlog))) {
        zmsg_send(&msg, self->inside);
        self->relayed_in++;
    }
}

static void from_role_actor(tcp_server_t *self)
{
    zmsg_t *msg = zmsg_recv(self->inside);
    int control = msg ? zr_inproc_work_control(msg) : -1;
    if (control >= 0) {
        self->attached = control == 1;
        zr_info(self->log, "role actor %s", self->attached ? "attached" : "detached");
        zmsg_destroy(&msg);
        flush_backlog(self);
        return;
    }
    if (msg && zmsg_size(msg) == 2) {
        zmsg_send(&msg, self->router);
        self->relayed_out++;
    }
    zmsg_destroy(&msg);
}

static int server_start(tcp_server_t *self, const zr_env_t *env, char *err, size_t size)
{
    self->log = zr_log_open(env->config->log_dir, env->node_id, "tcp-server");
    self->env = env;
    self->events = zr_events_open(env);
    self->backlog = zlist_new();
    const zr_node_config_t *me = zr_env_me(env);
    if (!me) {
        snprintf(err, size, "node %d is not in the cluster file", env->node_id);
        return -1;
    }
    if (!zr_addr_is_local_ipv4(me->ipv4)) {
        snprintf(err, size, "cannot bind tcp to %s: no interface of this host has that address", me->ipv4);
        return -1;
    }
    self->router = zsock_new(ZMQ_ROUTER);
    zsock_set_linger(self->router, 0);
    zr_monitor_attach(self->router, env, "tcp-server");
    zsock_set_maxmsgsize(self->router, ZR_TCP_MAX_MESSAGE);
    zsock_set_router_handover(self->router, 1);
    zr_keys_curve_server(env->keys, self->router);   /* only members: zauth checks each client */
    if (zsock_bind(self->router, "tcp://%s:%d", me->ipv4, me->tcp_port) < 0) {
        snprintf(err, size, "cannot bind tcp://%s:%d: %s", me->ipv4, me->tcp_port, zmq_strerror(zmq_errno()));
        return -1;
    }
    if (!(self->inside = zr_inproc_bind(env, ZMQ_DEALER, ZR_INPROC_WORK, err, size)))
        return -1;
    zr_info(self->log, "listening on tcp://%s:%d", me->ipv4, me->tcp_port);
    return 0;
}

static void server_stop(tcp_server_t *self)
{
    zmsg_t *msg;
    while (self->backlog && (msg = zlist_pop(self->backlog)))
        zmsg_destroy(&msg);
    zlist_destroy(&self->backlog);
    zsock_destroy(&self->inside);
    zsock_destroy(&self->router);
    zr_events_close(&self->events);
    zr_log_close(&self->log);
}

static bool handle_pipe(tcp_server_t *self, zsock_t *pipe)
{
    zr_inproc_command_t command;
    bool go_on = zr_inproc_command_recv(pipe, &command) && !zr_inproc_is(&command, ZR_CMD_TERM);
    if (zr_inproc_is(&command, ZR_CMD_STATS)) {
        zr_metrics_t *set = zr_metrics_new();
        zr_metrics_add(set, ZR_M_TCP_RELAYED, "in", (double) self->relayed_in);
        zr_metrics_add(set, ZR_M_TCP_RELAYED, "out", (double) self->relayed_out);
        zr_metrics_add(set, ZR_M_TCP_DROPPED, "malformed", (double) self->malformed);
        zr_metrics_add(set, ZR_M_TCP_DROPPED, "backlog_full", (double) self->backlog_dropped);
        zr_metrics_add(set, ZR_M_TCP_BACKLOG, NULL, (double) zlist_size(self->backlog));
        zr_inproc_stats_reply(pipe, &set);
    }
    zr_inproc_command_fini(&command);
    return go_on;
}

void zr_tcp_server_actor(zsock_t *pipe, void *args)
{
    zr_actor_name("tcp-server");
    tcp_server_t self = { 0 };
    char err[256] = "";
    if (server_start(&self, args, err, sizeof err) != 0) {
        server_stop(&self);
        zr_actor_failed(pipe, err);
        return;
    }
    zpoller_t *poller = zpoller_new(pipe, self.router, self.inside, NULL);
    zr_actor_ready(pipe);
    for (bool running = true; running;) {
        void *which = zpoller_wait(poller, -1);
        if (which == self.router)
            from_network(&self);
        else if (which == self.inside)
            from_role_actor(&self);
        else if (which == pipe)
            running = handle_pipe(&self, pipe);
        else
            running = !zpoller_terminated(poller);
    }
    zpoller_destroy(&poller);
    server_stop(&self);
}
