/* zr_follower: the follower's actor, a relay between its leader (through the node's TCP server)
 * and the node's worker: fences what comes in, routes results and recovery answers back. */
#include "actors/work/zr_follower_fence.h"
#include "actors/work/zr_roles.h"
#include "proto/zr_proto_frame.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_job_key.h"
#include "runtime/zr_log.h"

typedef struct {
    zr_role_args_t role;
    zsock_t *link;           /* the TCP server: leaders talk here */
    zsock_t *jobs;           /* the node's worker */
    zr_log_t *log;
    zhashx_t *routes;        /* job key -> identity of the leader that sent it (zframe_t) */
    zframe_t *leader_route;  /* identity of the leader we follow, once it has spoken */
    zr_proto_msg_t *decoded; /* scratch: a WORK_ACK is 8 kB, kept off the stack */
    uint64_t accepted, fenced, early_recovery, malformed, answered, unrouted;
} follower_t;

static void free_identity(void **item)
{
    zframe_destroy((zframe_t **) item);
}

static zr_follower_fence_t fence(const follower_t *self)
{
    return (zr_follower_fence_t) { self->role.leader_id, self->role.epoch };
}

static void remember_leader(follower_t *self, zframe_t *identity)
{
    zframe_destroy(&self->leader_route);
    self->leader_route = zframe_dup(identity);
}

/* A request from our leader, or from a newer one we have not heard of yet (it was elected
 * while we were away: refusing its work would only delay it). */
static void accept_request(follower_t *self, zframe_t *identity, zframe_t **payload,
                           const zr_work_request_msg_t *request)
{
    if (!zr_follower_fence_takes_work(fence(self), request->leader_id, request->leader_epoch)) {
        self->fenced++;
        zr_warn(self->log, "ignored request %llu from leader %lld epoch %llu (we follow %lld epoch %llu)",
                (unsigned long long) request->request_id, (long long) request->leader_id,
                (unsigned long long) request->leader_epoch, (long long) self->role.leader_id,
                (unsigned long long) self->role.epoch);
        return;
    }
    if (request->leader_id == self->role.leader_id)
        remember_leader(self, identity);
    zr_job_key_t key = { request->gateway_id, request->request_id };
    zhashx_update(self->routes, &key, zframe_dup(identity));
    zr_debug(self->log, "request %llu: accepted from leader %lld, epoch %llu", (unsigned long long) request->request_id,
             (long long) request->leader_id, (unsigned long long) request->leader_epoch);
    zframe_send(payload, self->jobs, 0);
    self->accepted++;
}

/* Our leader collects what the worker holds: its answers go back to it. A newer leader we do
 * not follow yet is ignored: it asks again until we do. */
static void accept_recovery(follower_t *self, zframe_t *identity, zframe_t **payload,
                            const zr_recovery_request_msg_t *request)
{
    if (!zr_follower_fence_takes_recovery(fence(self), request->leader_id, request->leader_epoch)) {
        self->early_recovery++;
        return;
    }
    remember_leader(self, identity);
    zr_info(self->log, "leader %lld collects what this node holds (epoch %llu)", (long long) request->leader_id,
            (unsigned long long) request->leader_epoch);
    zframe_send(payload, self->jobs, 0);
}

/* "These results reached the gateway": believed from the leader we follow (or a newer one)
 * only. A deposed leader woken from a pause forwards results the gateway no longer takes from
 * it; its ack would release them, and the new leader, finding them gone, would run them again. */
static void accept_ack(follower_t *self, zframe_t **payload, const zr_work_ack_msg_t *ack)
{
    if (!zr_follower_fence_takes_work(fence(self), ack->leader_id, ack->leader_epoch)) {
        self->fenced++;
        zr_info(self->log, "ignored an ack of %u results from leader %lld epoch %llu (we follow %lld epoch %llu)",
                (unsigned) ack->count, (long long) ack->leader_id, (unsigned long long) ack->leader_epoch,
                (long long) self->role.leader_id, (unsigned long long) self->role.epoch);
        return;
    }
    zframe_send(payload, self->jobs, 0);
}

static void from_leader(follower_t *self)
{
    zframe_t *identity = NULL, *payload = NULL;
    zr_proto_msg_t *decoded = self->decoded;
    if (!zr_inproc_work_recv(self->link, &identity, &payload) || zr_proto_frame_decode(payload, decoded) != ZR_DECODE_OK)
        self->malformed++;
    else if (decoded->type == ZR_MSG_WORK_REQUEST)
        accept_request(self, identity, &payload, &decoded->work_request);
    else if (decoded->type == ZR_MSG_RECOVERY_REQUEST)
        accept_recovery(self, identity, &payload, &decoded->recovery_request);
    else if (decoded->type == ZR_MSG_WORK_ACK)
        accept_ack(self, &payload, &decoded->work_ack);
    else
        self->malformed++;
    zframe_destroy(&identity);
    zframe_destroy(&payload);
}

/* A result goes to the leader that asked for the job; one this actor never saw (asked before
 * it started, or adopted by a new leader) to the leader we follow. Without a route it stays
 * held at the worker for the next recovery. */
static void from_worker(follower_t *self)
{
    zframe_t *payload = zframe_recv(self->jobs);
    int type = -1;
    if (!payload || zr_wire_peek_type(zframe_data(payload), zframe_size(payload), &type) != ZR_DECODE_OK) {
        zframe_destroy(&payload);
        return;
    }
    zframe_t *route = self->leader_route;
    zr_job_key_t key = { -1, 0 };
    if (type == ZR_MSG_WORK_RESULT && zr_proto_frame_decode(payload, self->decoded) == ZR_DECODE_OK) {
        key = (zr_job_key_t) { self->decoded->work_result.gateway_id, self->decoded->work_result.request_id };
        zframe_t *asked_by = zhashx_lookup(self->routes, &key);
        route = asked_by ? asked_by : route;
    }
    if (route) {
        zr_inproc_work_send(self->link, route, &payload);
        self->answered += type == ZR_MSG_WORK_RESULT;
    } else
        self->unrouted++;
    zhashx_delete(self->routes, &key);   /* after the send: route may be its entry */
    zframe_destroy(&payload);
}

static zr_metrics_t *collect_stats(void *arg)
{
    follower_t *self = arg;
    zr_metrics_t *set = zr_metrics_new();
    zr_metrics_add(set, ZR_M_WORKER_JOBS, "accepted", (double) self->accepted);
    zr_metrics_add(set, ZR_M_WORKER_JOBS, "answered", (double) self->answered);
    zr_metrics_add(set, ZR_M_WORKER_DROPPED, "fenced", (double) self->fenced);
    zr_metrics_add(set, ZR_M_WORKER_DROPPED, "early_recovery", (double) self->early_recovery);
    zr_metrics_add(set, ZR_M_WORKER_DROPPED, "malformed", (double) self->malformed);
    zr_metrics_add(set, ZR_M_WORKER_DROPPED, "unrouted", (double) self->unrouted);
    return set;
}

void zr_follower_actor(zsock_t *pipe, void *args)
{
    zr_actor_name("follower");
    follower_t self = { .role = *(zr_role_args_t *) args };
    const zr_env_t *env = self.role.env;
    self.log = zr_log_open(env->config->log_dir, env->node_id, "follower");
    self.routes = zr_job_key_hashx_new();
    zhashx_set_destructor(self.routes, free_identity);
    self.decoded = zmalloc(sizeof *self.decoded);
    self.link = zr_inproc_work_link_open(env);
    self.jobs = zr_inproc_jobs_link_open(env);
    zpoller_t *poller = zpoller_new(pipe, self.link, self.jobs, NULL);
    zr_info(self.log, "following leader %lld in epoch %llu", (long long) self.role.leader_id,
            (unsigned long long) self.role.epoch);
    zr_actor_ready(pipe);
    for (bool running = true; running;) {
        void *which = zpoller_wait(poller, -1);
        if (which == self.link)
            from_leader(&self);
        else if (which == self.jobs)
            from_worker(&self);
        else if (which == pipe)
            running = zr_inproc_serve_stats(pipe, collect_stats, &self);
        else
            running = !zpoller_terminated(poller);
    }
    zpoller_destroy(&poller);
    zr_inproc_jobs_link_close(&self.jobs);
    zr_inproc_work_link_close(&self.link);
    zhashx_destroy(&self.routes);
    zframe_destroy(&self.leader_route);
    free(self.decoded);
    zr_log_close(&self.log);
}
