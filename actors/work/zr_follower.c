/* zr_follower: the follower's actor. Fences requests by leader id and epoch, runs accepted
 * ones on the runner pool and answers through the TCP relay, matched by job key. */
#include "actors/work/zr_roles.h"
#include "proto/zr_proto_frame.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_job_key.h"
#include "runtime/zr_log.h"
#include "runtime/zr_pool_watch.h"

typedef struct {
    zr_role_args_t role;
    zsock_t *link;
    zr_log_t *log;
    zhashx_t *running;       /* job key -> the leader's identity at our ROUTER (zframe_t) */
    uint64_t accepted, fenced, malformed, duplicates, answered, unknown_results;
    zr_pool_watch_t pool_watch;
} follower_t;

static void free_identity(void **item)
{
    zframe_destroy((zframe_t **) item);
}

static void accept_request(follower_t *self, zframe_t *identity, zframe_t **payload,
                           const zr_work_request_msg_t *request)
{
    if (request->leader_id != self->role.leader_id || request->leader_epoch < self->role.epoch) {
        self->fenced++;
        zr_warn(self->log, "ignored request %llu from leader %lld epoch %llu (we follow %lld epoch %llu)",
                (unsigned long long) request->request_id, (long long) request->leader_id,
                (unsigned long long) request->leader_epoch, (long long) self->role.leader_id,
                (unsigned long long) self->role.epoch);
        return;
    }
    zr_job_key_t key = { request->gateway_id, request->request_id };
    if (zhashx_insert(self->running, &key, zframe_dup(identity)) != 0) {
        self->duplicates++;   /* already running here: its one result answers both */
        return;
    }
    zr_debug(self->log, "request %llu: running (from leader %lld, epoch %llu)", (unsigned long long) request->request_id,
             (long long) request->leader_id, (unsigned long long) request->leader_epoch);
    zr_inproc_run_forward(self->role.pool, payload);
    self->accepted++;
}

static void from_leader(follower_t *self)
{
    zframe_t *identity = NULL, *payload = NULL;
    zr_proto_msg_t decoded;
    if (zr_inproc_work_recv(self->link, &identity, &payload)
        && zr_proto_frame_decode(payload, &decoded) == ZR_DECODE_OK && decoded.type == ZR_MSG_WORK_REQUEST)
        accept_request(self, identity, &payload, &decoded.work_request);
    else
        self->malformed++;
    zframe_destroy(&identity);
    zframe_destroy(&payload);
}

static void from_pool(follower_t *self)
{
    zr_reply_t reply;
    if (zr_inproc_reply_recv(self->role.pool, &reply) != ZR_REPLY_RESULT) {
        zr_pool_watch_take(&self->pool_watch, &reply);
        zr_inproc_reply_fini(&reply);
        return;
    }
    zr_job_key_t key = { reply.result.gateway_id, reply.result.request_id };
    zframe_t *identity = zhashx_lookup(self->running, &key);
    if (identity) {
        zr_debug(self->log, "request %llu: %s, answered to leader %lld", (unsigned long long) key.request_id,
                 zr_job_status_name((zr_job_status_t) reply.result.status), (long long) reply.result.leader_id);
        zr_inproc_work_send(self->link, identity, &reply.frame);
        zhashx_delete(self->running, &key);
        self->answered++;
    } else
        self->unknown_results++;   /* a job of a role actor that ran before this one */
    zr_inproc_reply_fini(&reply);
}

static bool handle_pipe(follower_t *self, zsock_t *pipe)
{
    zr_inproc_command_t command;
    bool go_on = zr_inproc_command_recv(pipe, &command) && !zr_inproc_is(&command, ZR_CMD_TERM);
    if (zr_inproc_is(&command, ZR_CMD_STATS)) {
        zr_metrics_t *set = zr_metrics_new();
        zr_metrics_add(set, ZR_M_WORKER_JOBS, "accepted", (double) self->accepted);
        zr_metrics_add(set, ZR_M_WORKER_JOBS, "answered", (double) self->answered);
        zr_metrics_add(set, ZR_M_WORKER_DROPPED, "fenced", (double) self->fenced);
        zr_metrics_add(set, ZR_M_WORKER_DROPPED, "malformed", (double) self->malformed);
        zr_metrics_add(set, ZR_M_WORKER_DROPPED, "duplicate", (double) self->duplicates);
        zr_metrics_add(set, ZR_M_WORKER_RUNNING, NULL, (double) zhashx_size(self->running));
        zr_pool_watch_report(&self->pool_watch, self->role.pool, set);
        zr_inproc_stats_reply(pipe, &set);
    }
    zr_inproc_command_fini(&command);
    return go_on;
}

void zr_follower_actor(zsock_t *pipe, void *args)
{
    follower_t self = { .role = *(zr_role_args_t *) args };
    const zr_env_t *env = self.role.env;
    self.log = zr_log_open(env->config->log_dir, env->node_id, "follower");
    self.running = zr_job_key_hashx_new();
    zhashx_set_destructor(self.running, free_identity);
    self.link = zr_inproc_work_link_open(env);
    zpoller_t *poller = zpoller_new(pipe, self.link, self.role.pool, NULL);
    zr_info(self.log, "following leader %lld in epoch %llu", (long long) self.role.leader_id,
            (unsigned long long) self.role.epoch);
    zr_actor_ready(pipe);
    for (bool running = true; running;) {
        void *which = zpoller_wait(poller, -1);
        if (which == self.link)
            from_leader(&self);
        else if (which == self.role.pool)
            from_pool(&self);
        else if (which == pipe)
            running = handle_pipe(&self, pipe);
        else
            running = !zpoller_terminated(poller);
    }
    zpoller_destroy(&poller);
    zr_inproc_work_link_close(&self.link);
    zhashx_destroy(&self.running);
    zr_log_close(&self.log);
}
