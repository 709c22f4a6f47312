/* zr_gateway: HTTP JOB -> pending table -> WORK_REQUEST to the leader; WORK_RESULT -> RESULT.
 * Learns the leader from the peer server (observer) and re-sends what is unanswered on a change. */
#include "actors/zr_gateway.h"
#include "actors/zr_cluster_view.h"
#include "actors/zr_heartbeat.h"
#include "actors/zr_monitor.h"
#include "actors/zr_peer_server.h"
#include "actors/zr_pending.h"
#include "actors/zr_proto_frame.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_clock.h"
#include "runtime/zr_http_front.h"
#include "runtime/zr_log.h"

typedef struct {
    zr_gateway_args_t args;
    zr_clock_t clock;
    zactor_t *front;
    zsock_t *leader, *states, *failures;
    bool alive[ZR_CONFIG_MAX_NODES];   /* by index in the cluster file; false once failed */
    char leader_endpoint[64];
    zr_pending_t *pending;
    zr_log_t *log;
    uint64_t malformed;
} gateway_t;

static void send_pending(gateway_t *self)
{
    zr_pending_send_t out;
    while (zr_pending_next_send(self->pending, &out)) {
        zr_proto_msg_t msg = { .type = ZR_MSG_WORK_REQUEST };
        msg.work_request = (zr_work_request_msg_t) { 0, out.request_id, self->args.node_id, out.leader_id,
                                                     out.epoch, { (const char *) out.source, out.source_len } };
        zframe_t *frame = zr_proto_frame_encode(&msg);
        if (frame)
            zframe_send(&frame, self->leader, 0);
        if (out.attempt > 1)
            zr_info(self->log, "request %llu re-sent to leader %lld (attempt %u)",
                    (unsigned long long) out.request_id, (long long) out.leader_id, out.attempt);
    }
}

static void from_front(gateway_t *self)
{
    char *command = NULL;
    uint64_t id = 0;
    zframe_t *source = NULL;
    if (zsock_recv(self->front, "s8f", &command, &id, &source) == 0 && command && streq(command, "JOB") && source) {
        zr_pending_accept_id(self->pending, id, zframe_data(source), zframe_size(source),
                             zr_clock_now_ms(&self->clock));
        send_pending(self);
    }
    zstr_free(&command);
    zframe_destroy(&source);
}

static void from_leader(gateway_t *self)
{
    zframe_t *payload = zframe_recv(self->leader);
    zr_proto_msg_t msg;
    if (zr_proto_frame_decode(payload, &msg) != ZR_DECODE_OK || msg.type != ZR_MSG_WORK_RESULT) {
        self->malformed++;
        zframe_destroy(&payload);
        return;
    }
    zr_work_result_msg_t *result = &msg.work_result;
    zr_pending_verdict_t verdict = zr_pending_answer(self->pending, result->request_id,
                                                     result->leader_id, result->leader_epoch);
    if (verdict == ZR_PENDING_ANSWERED) {
        zr_job_result_t *job = zr_work_result_msg_to_job(result);
        if (job)
            zr_job_result_send(self->front, job);
        zr_job_result_destroy(&job);
    } else
        zr_debug(self->log, "answer for request %llu from leader %lld: %s", (unsigned long long) result->request_id,
                 (long long) result->leader_id, zr_pending_verdict_name(verdict));
    zframe_destroy(&payload);
}

/* "<STATE> <leader> <epoch>" from the peer server: point the DEALER at a new leader. */
static void from_peer_server(gateway_t *self)
{
    char *text = zstr_recv(self->states);
    long long leader_id = -1;
    unsigned long long epoch = 0;
    char state[16] = "";
    if (!text || sscanf(text, "%15s %lld %llu", state, &leader_id, &epoch) != 3 || leader_id < 0) {
        zstr_free(&text);
        return;
    }
    zstr_free(&text);
    const zr_node_config_t *node = zr_config_node(self->args.config, (int) leader_id);
    for (size_t i = 0; node && i < self->args.config->node_count; i++)
        if (&self->args.config->nodes[i] == node && !self->alive[i])
            node = NULL;   /* a leader we know failed is no leader */
    int64_t now = zr_clock_now_ms(&self->clock);
    if (!node || !zr_pending_leader_changed(self->pending, leader_id, epoch, now))
        return;
    if (*self->leader_endpoint)
        zsock_disconnect(self->leader, "%s", self->leader_endpoint);
    snprintf(self->leader_endpoint, sizeof self->leader_endpoint, "tcp://%s:%d", node->ipv4, node->tcp_port);
    zsock_connect(self->leader, "%s", self->leader_endpoint);
    zr_info(self->log, "leader is now %lld (epoch %llu) at %s", leader_id, epoch, self->leader_endpoint);
    send_pending(self);
}

static void expire_waiting(gateway_t *self)
{
    zr_pending_tick(self->pending, zr_clock_now_ms(&self->clock));
    zr_pending_expired_t expired;
    while (zr_pending_next_expired(self->pending, &expired)) {
        char reason[96];
        snprintf(reason, sizeof reason, "no leader for %lld ms: the cluster cannot take work now",
                 (long long) expired.waited_ms);
        zr_http_front_fail(self->front, expired.request_id, 503, reason);
    }
}


/* GET /cluster: 200 with the table while a leader is known, 503 "no leader" otherwise. */
static void publish_cluster(gateway_t *self)
{
    int64_t leader_id = -1;
    uint64_t epoch = 0;
    bool known = zr_pending_leader(self->pending, &leader_id, &epoch);
    char *plain = NULL, *json = NULL;
    zr_cluster_view_render(self->args.config, self->alive, known ? leader_id : -1, epoch, &plain, &json);
    if (known)
        zr_http_front_set_page(self->front, "/cluster", 200, plain, json);
    else
        zr_http_front_set_page(self->front, "/cluster", 503, "no leader\n", "");
    free(plain);
    free(json);
}

/* A node failed (gossip): it leaves /cluster; if it led, requests wait for the next leader. */
static void node_failed(gateway_t *self, int64_t id)
{
    const zr_config_t *config = self->args.config;
    for (size_t i = 0; i < config->node_count; i++)
        if (config->nodes[i].id == id)
            self->alive[i] = false;
    int64_t leader_id = -1;
    uint64_t epoch = 0;
    if (zr_pending_leader(self->pending, &leader_id, &epoch) && leader_id == id) {
        zr_pending_leader_lost(self->pending, zr_clock_now_ms(&self->clock));
        zr_info(self->log, "leader %lld failed: requests wait for the next leader", (long long) id);
    }
    publish_cluster(self);
}

static int gateway_start(gateway_t *self, char *err, size_t size)
{
    for (size_t i = 0; i < ZR_CONFIG_MAX_NODES; i++)
        self->alive[i] = true;
    const zr_config_t *config = self->args.config;
    const zr_node_config_t *me = zr_config_node(config, self->args.node_id);
    self->clock = zr_clock_monotonic();
    self->log = zr_log_open(config->log_dir, self->args.node_id, "gateway");
    /* Request ids start from the wall clock in microseconds, so a restarted gateway never
     * reuses an id that a leader may still hold an answer for. */
    self->pending = zr_pending_new(config->queue_deadline_ms, (uint64_t) zclock_time() * 1000);
    self->leader = zsock_new(ZMQ_DEALER);
    zsock_set_linger(self->leader, 0);
    zsock_set_sndhwm(self->leader, 0);
    zsock_set_rcvhwm(self->leader, 0);
    zsock_set_maxmsgsize(self->leader, (int64_t) ZR_PROTO_MAX_TCP_MESSAGE);
    zr_monitor_attach(self->leader, self->args.node_id, "gateway-to-leader");
    self->states = zr_peer_server_subscribe(self->args.node_id);
    self->failures = zr_heartbeat_subscribe_failures(self->args.node_id);
    zr_http_front_config_t front;
    zr_http_front_config_defaults(&front);
    front.port = me->http_port;
    front.bind_address = me->ipv4;
    front.body_limit = (size_t) config->body_limit;
    front.node_id = self->args.node_id;
    front.log_dir = config->log_dir;
    char summary[600], verbose[600];
    snprintf(summary, sizeof summary, "%s/node-%d-summary.log", config->log_dir, self->args.node_id);
    snprintf(verbose, sizeof verbose, "%s/node-%d-verbose.log", config->log_dir, self->args.node_id);
    front.summary_log = summary;
    front.verbose_log = verbose;
    char *error = NULL;
    self->front = zr_http_front_new(&front, NULL, &error);
    if (!self->front) {
        snprintf(err, size, "cannot serve HTTP on %s:%d: %s", me->ipv4, me->http_port, error ? error : "unknown error");
        free(error);
        return -1;
    }
    publish_cluster(self);
    return 0;
}

static void gateway_stop(gateway_t *self)
{
    zr_actor_stop(&self->front);
    zsock_destroy(&self->states);
    zsock_destroy(&self->failures);
    zsock_destroy(&self->leader);
    zr_pending_destroy(&self->pending);
    zr_log_close(&self->log);
}

static bool handle_pipe(gateway_t *self, zsock_t *pipe)
{
    char *command = NULL, *lines = NULL;
    zstr_recvx(pipe, &command, &lines, NULL);
    bool go_on = command && !zr_actor_is_term(command);
    if (command && streq(command, "METRICS") && lines) {
        zr_pending_stats_t stats;
        zr_pending_stats(self->pending, &stats);
        char *all = zsys_sprintf("%szrun_gateway_pending %zu\nzrun_gateway_waiting_for_leader %zu\n"
                                 "zrun_gateway_resent_total %llu\nzrun_gateway_expired_total %llu\n"
                                 "zrun_gateway_dropped_total{reason=\"malformed\"} %llu\n",
                                 lines, stats.pending, stats.waiting, (unsigned long long) stats.resends,
                                 (unsigned long long) stats.expired, (unsigned long long) self->malformed);
        zr_http_front_set_metrics(self->front, all);
        zstr_free(&all);
    }
    zstr_free(&command);
    zstr_free(&lines);
    return go_on;
}

static int poll_timeout(gateway_t *self)
{
    return zr_clock_poll_timeout(&self->clock, zr_pending_next_deadline(self->pending));
}

void zr_gateway_actor(zsock_t *pipe, void *args)
{
    gateway_t self = { .args = *(zr_gateway_args_t *) args };
    char err[400] = "";
    if (gateway_start(&self, err, sizeof err) != 0) {
        gateway_stop(&self);
        zr_actor_failed(pipe, err);
        return;
    }
    zpoller_t *poller = zpoller_new(pipe, self.front, self.leader, self.states, self.failures, NULL);
    zr_actor_ready(pipe);
    for (bool running = true; running;) {
        void *which = zpoller_wait(poller, poll_timeout(&self));
        if (which == self.front)
            from_front(&self);
        else if (which == self.leader)
            from_leader(&self);
        else if (which == self.states) {
            from_peer_server(&self);
            publish_cluster(&self);
        } else if (which == self.failures) {
            int64_t failed = zr_heartbeat_failed_id(self.failures);
            if (failed >= 0)
                node_failed(&self, failed);
        } else if (which == pipe)
            running = handle_pipe(&self, pipe);
        else if (zpoller_terminated(poller))
            running = false;
        expire_waiting(&self);
    }
    zpoller_destroy(&poller);
    gateway_stop(&self);
}
