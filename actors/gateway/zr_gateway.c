/* zr_gateway: HTTP JOB -> pending table -> WORK_REQUEST to the leader; WORK_RESULT -> RESULT.
 * Learns the leader from the peer server (observer) and re-sends what is unanswered on a change. */
#include "actors/gateway/zr_gateway.h"
#include "actors/gateway/zr_cluster_view.h"
#include "actors/gateway/zr_pending.h"
#include "actors/gateway/zr_status_page.h"
#include "actors/transport/zr_monitor.h"
#include "proto/zr_proto_frame.h"
#include "runtime/http/zr_http_front.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_event.h"
#include "runtime/zr_latency.h"
#include "runtime/zr_log.h"

#define LATENCY_OPEN_MAX 100000   /* requests timed at once (more wait untimed) */

typedef struct {
    const zr_env_t *env;
    zactor_t *front;
    zsock_t *leader, *leader_views, *members_stream;
    zr_view_member_t members[ZR_CONFIG_MAX_NODES];   /* by index in the cluster file */
    uint64_t incarnation;                            /* ours: a newer one is a rejoin */
    char leader_endpoint[64];
    zr_pending_t *pending;
    zr_log_t *log;
    uint64_t malformed, accepted;
    zr_latency_t *latency;          /* accepted -> answered, for the end-to-end histogram */
    zr_events_t *events;
} gateway_t;

static void send_pending(gateway_t *self)
{
    zr_pending_send_t out;
    while (zr_pending_next_send(self->pending, &out)) {
        zr_proto_msg_t msg = { .type = ZR_MSG_WORK_REQUEST };
        msg.work_request = (zr_work_request_msg_t) { 0, out.request_id, self->env->node_id, out.leader_id,
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
    zr_reply_t reply;
    zr_reply_kind_t kind = zr_inproc_reply_recv(self->front, &reply);
    if (kind == ZR_REPLY_JOB
        && zr_pending_accept_id(self->pending, reply.job_id, zframe_data(reply.frame), zframe_size(reply.frame),
                                zr_env_now(self->env))) {
        self->accepted++;
        zr_latency_start(self->latency, reply.job_id, zr_env_now(self->env));
        zr_event_emit(self->events, ZR_EVENT_REQUEST_RECEIVED, "request=%llu bytes=%zu",
                      (unsigned long long) reply.job_id, zframe_size(reply.frame));
        zr_debug(self->log, "request %llu: accepted (%zu bytes)", (unsigned long long) reply.job_id,
                 zframe_size(reply.frame));
        send_pending(self);
    } else if (kind == ZR_REPLY_GONE && zr_pending_cancel(self->pending, reply.job_id)) {
        zr_latency_forget(self->latency, reply.job_id);
        zr_debug(self->log, "request %llu: its client hung up; dropped", (unsigned long long) reply.job_id);
    }
    zr_inproc_reply_fini(&reply);
}

/* A request's answer goes to its client: timed, announced, logged. */
static void answered(gateway_t *self, const zr_work_result_msg_t *result)
{
    int64_t elapsed = -1;
    zr_latency_stop(self->latency, result->request_id, zr_env_now(self->env), &elapsed);
    zr_event_emit(self->events, ZR_EVENT_REQUEST_COMPLETED, "request=%llu worker=%lld status=%s latency_ms=%lld",
                  (unsigned long long) result->request_id, (long long) result->worker_id,
                  zr_job_status_name(result->status), (long long) elapsed);
    zr_debug(self->log, "request %llu: answered %s by leader %lld (worker %lld) after %lld ms",
             (unsigned long long) result->request_id, zr_job_status_name(result->status),
             (long long) result->leader_id, (long long) result->worker_id, (long long) elapsed);
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
        answered(self, result);
        zr_inproc_result_forward(self->front, &payload);
    } else
        zr_debug(self->log, "answer for request %llu from leader %lld: %s", (unsigned long long) result->request_id,
                 (long long) result->leader_id, zr_pending_verdict_name(verdict));
    zframe_destroy(&payload);
}

static zr_view_member_t *member_of(gateway_t *self, int64_t id)
{
    int index = zr_config_index(self->env->config, id);
    return index >= 0 ? &self->members[index] : NULL;
}

/* A leader we know failed is no leader. */
static bool may_lead(gateway_t *self, int64_t id)
{
    const zr_view_member_t *member = member_of(self, id);
    return member && member->state != ZR_VIEW_FAILED;
}

/* The peer server's view: point the DEALER at a new leader (a leader we know failed is none). */
static void from_peer_server(gateway_t *self)
{
    zr_leader_view_t view;
    if (!zr_inproc_leader_recv(self->leader_views, &view) || view.leader_id < 0 || !may_lead(self, view.leader_id))
        return;
    const zr_node_config_t *node = zr_config_node(self->env->config, (int) view.leader_id);
    if (!zr_pending_leader_changed(self->pending, view.leader_id, view.epoch, zr_env_now(self->env)))
        return;
    if (*self->leader_endpoint)
        zsock_disconnect(self->leader, "%s", self->leader_endpoint);
    snprintf(self->leader_endpoint, sizeof self->leader_endpoint, "tcp://%s:%d", node->ipv4, node->tcp_port);
    zr_keys_curve_client(self->env->keys, self->leader, node->id);   /* for the connection below */
    zsock_connect(self->leader, "%s", self->leader_endpoint);
    zr_info(self->log, "leader is now %lld (epoch %llu) at %s", (long long) view.leader_id,
            (unsigned long long) view.epoch, self->leader_endpoint);
    send_pending(self);
}

static void expire_waiting(gateway_t *self)
{
    zr_pending_tick(self->pending, zr_env_now(self->env));
    zr_pending_expired_t expired;
    while (zr_pending_next_expired(self->pending, &expired)) {
        char reason[96];
        snprintf(reason, sizeof reason, "no leader for %lld ms: the cluster cannot take work now",
                 (long long) expired.waited_ms);
        zr_inproc_fail_send(self->front, expired.request_id, 503, reason);
        zr_latency_forget(self->latency, expired.request_id);
        zr_event_emit(self->events, ZR_EVENT_REQUEST_EXPIRED, "request=%llu waited_ms=%lld",
                      (unsigned long long) expired.request_id, (long long) expired.waited_ms);
        zr_info(self->log, "request %llu: 503 after %lld ms without a leader",
                (unsigned long long) expired.request_id, (long long) expired.waited_ms);
    }
}

/* GET /cluster: 200 with the table while a leader is known, 503 "no leader" otherwise. */
static void publish_cluster(gateway_t *self)
{
    int64_t leader_id = -1;
    uint64_t epoch = 0;
    bool known = zr_pending_leader(self->pending, &leader_id, &epoch);
    char *plain = NULL, *json = NULL;
    zr_cluster_view_render(self->env->config, self->members, known ? leader_id : -1, epoch, &plain, &json);
    if (known)
        zr_inproc_page_send(self->front, "/cluster", 200, plain, json);
    else
        zr_inproc_page_send(self->front, "/cluster", 503, "no leader\n", "");
    free(plain);
    free(json);
}

/* A member's incarnation failed: it leaves /cluster; if it led, requests wait for the next leader. */
static void leader_failed(gateway_t *self, int64_t id)
{
    int64_t leader_id = -1;
    if (zr_pending_leader(self->pending, &leader_id, NULL) && leader_id == id) {
        zr_pending_leader_lost(self->pending, zr_env_now(self->env));
        zr_info(self->log, "leader %lld failed: requests wait for the next leader", (long long) id);
    }
}

/* The membership stream, one incarnation at a time: a newer one replaces the entry, a failed one
 * stays failed. Listed are the members heard and not failed (suspects shown as such). */
static void member_changed(gateway_t *self, const zr_member_event_t *event)
{
    static const zr_view_state_t states[] = { ZR_VIEW_ALIVE, ZR_VIEW_SUSPECT, ZR_VIEW_FAILED };
    zr_view_member_t *member = member_of(self, event->id);
    if (!member || event->incarnation < member->incarnation
        || (event->incarnation == member->incarnation && member->state == ZR_VIEW_FAILED))
        return;
    *member = (zr_view_member_t) { states[event->state], event->incarnation };
    if (member->state == ZR_VIEW_FAILED)
        leader_failed(self, event->id);
}

/* Our own rejoin: a fresh view, nobody heard yet but us. */
static void forget_members(gateway_t *self, uint64_t incarnation)
{
    self->incarnation = incarnation;
    memset(self->members, 0, sizeof self->members);
    *member_of(self, self->env->node_id) = (zr_view_member_t) { ZR_VIEW_ALIVE, incarnation };
}

static void from_members(gateway_t *self)
{
    zr_member_event_t event;
    if (!zr_inproc_member_recv(self->members_stream, &event))
        return;
    if (event.id != self->env->node_id)
        member_changed(self, &event);
    else if (event.incarnation > self->incarnation)
        forget_members(self, event.incarnation);
}

static int gateway_start(gateway_t *self, char *err, size_t size)
{
    const zr_config_t *config = self->env->config;
    forget_members(self, self->env->incarnation);
    self->log = zr_log_open(config->log_dir, self->env->node_id, "gateway");
    /* Request ids come from the HTTP front, which continues them from the wall clock. */
    self->pending = zr_pending_new(config->queue_deadline_ms);
    self->leader = zsock_new(ZMQ_DEALER);
    zsock_set_linger(self->leader, 0);
    zsock_set_sndhwm(self->leader, 0);
    zsock_set_rcvhwm(self->leader, 0);
    zsock_set_maxmsgsize(self->leader, (int64_t) ZR_PROTO_MAX_TCP_MESSAGE);
    zr_monitor_attach(self->leader, self->env, "gateway-to-leader");
    self->leader_views = zr_inproc_leader_subscribe(self->env);
    self->members_stream = zr_inproc_members_subscribe(self->env);
    self->latency = zr_latency_new(LATENCY_OPEN_MAX);
    self->events = zr_events_open(self->env);
    if (!(self->front = zr_http_front_for_env(self->env, err, size)))
        return -1;
    zr_inproc_typed_page_send(self->front, "/", 200, ZR_STATUS_PAGE_CONTENT_TYPE, zr_status_page_html);
    publish_cluster(self);
    return 0;
}

static void gateway_stop(gateway_t *self)
{
    zr_actor_stop(&self->front);
    zsock_destroy(&self->leader_views);
    zsock_destroy(&self->members_stream);
    zsock_destroy(&self->leader);
    zr_pending_destroy(&self->pending);
    zr_latency_destroy(&self->latency);
    zr_events_close(&self->events);
    zr_log_close(&self->log);
}

/* The gateway's figures; the process renders /metrics from every actor's. */
static zr_metrics_t *collect_stats(void *arg)
{
    gateway_t *self = arg;
    zr_pending_stats_t stats;
    zr_pending_stats(self->pending, &stats);
    zr_metrics_t *set = zr_metrics_new();
    zr_metrics_add(set, ZR_M_GATEWAY_REQUESTS, NULL, (double) self->accepted);
    zr_metrics_histogram(set, ZR_M_GATEWAY_DURATION, NULL, zr_latency_histogram(self->latency));
    zr_metrics_add(set, ZR_M_GATEWAY_PENDING, NULL, (double) stats.pending);
    zr_metrics_add(set, ZR_M_GATEWAY_QUEUE, NULL, (double) stats.waiting);
    zr_metrics_add(set, ZR_M_GATEWAY_RESENT, NULL, (double) stats.resends);
    zr_metrics_add(set, ZR_M_GATEWAY_EXPIRED, NULL, (double) stats.expired);
    zr_metrics_add(set, ZR_M_GATEWAY_CANCELLED, NULL, (double) stats.cancelled);
    zr_metrics_add(set, ZR_M_GATEWAY_DROPPED, "malformed", (double) self->malformed);
    return set;
}


static int poll_timeout(gateway_t *self)
{
    return zr_clock_poll_timeout(&self->env->clock, zr_pending_next_deadline(self->pending));
}

void zr_gateway_actor(zsock_t *pipe, void *args)
{
    zr_actor_name("gateway");
    gateway_t self = { .env = args };
    char err[400] = "";
    if (gateway_start(&self, err, sizeof err) != 0) {
        gateway_stop(&self);
        zr_actor_failed(pipe, err);
        return;
    }
    zpoller_t *poller = zpoller_new(pipe, self.front, self.leader, self.leader_views, self.members_stream, NULL);
    zr_actor_ready(pipe);
    for (bool running = true; running;) {
        void *which = zpoller_wait(poller, poll_timeout(&self));
        if (which == self.front)
            from_front(&self);
        else if (which == self.leader)
            from_leader(&self);
        else if (which == self.leader_views || which == self.members_stream) {
            if (which == self.leader_views)
                from_peer_server(&self);
            else
                from_members(&self);
            publish_cluster(&self);
        } else if (which == pipe)
            running = zr_inproc_serve_stats(pipe, collect_stats, &self);
        else if (zpoller_terminated(poller))
            running = false;
        expire_waiting(&self);
    }
    zpoller_destroy(&poller);
    gateway_stop(&self);
}
