/* zr_follower: the follower's actor. Fences requests by leader id and epoch, runs accepted
 * ones on the runner pool and answers through the TCP relay, matched by pool job id. */
#include "actors/zr_roles.h"
#include "actors/zr_proto_frame.h"
#include "actors/zr_tcp_server.h"
#include "actors/zr_pool_jobs.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_job.h"
#include "runtime/zr_log.h"

typedef struct {
    zr_role_args_t role;
    zsock_t *link;
    zr_log_t *log;
    zr_pool_jobs_t *jobs;    /* on the pool now; reply_to is the leader's identity at our ROUTER */
    uint64_t accepted, fenced, malformed, answered, unknown_results;
} follower_t;

static void accept_request(follower_t *self, zframe_t *identity, const zr_work_request_msg_t *request)
{
    if (request->leader_id != self->role.leader_id || request->leader_epoch < self->role.epoch) {
        self->fenced++;
        zr_warn(self->log, "ignored request %llu from leader %lld epoch %llu (we follow %lld epoch %llu)",
                (unsigned long long) request->request_id, (long long) request->leader_id,
                (unsigned long long) request->leader_epoch, (long long) self->role.leader_id,
                (unsigned long long) self->role.epoch);
        return;
    }
    zr_pool_jobs_start(self->jobs, self->role.pool, request->gateway_id, request->request_id,
                       identity, request->source.data, request->source.size);
    self->accepted++;
    zr_debug(self->log, "running request %llu", (unsigned long long) request->request_id);
}

static void from_leader(follower_t *self)
{
    zmsg_t *msg = zmsg_recv(self->link);
    zframe_t *identity = msg ? zmsg_first(msg) : NULL, *payload = msg ? zmsg_next(msg) : NULL;
    zr_proto_msg_t decoded;
    if (payload && zr_proto_frame_decode(payload, &decoded) == ZR_DECODE_OK
        && decoded.type == ZR_MSG_WORK_REQUEST)
        accept_request(self, identity, &decoded.work_request);
    else
        self->malformed++;
    zmsg_destroy(&msg);
}

static void from_pool(follower_t *self)
{
    zr_pool_job_t job;
    zr_job_result_t *result = zr_pool_jobs_finish(self->jobs, self->role.pool, &job);
    if (!result) {
        self->unknown_results++;   /* a job of a role actor that ran before this one */
        return;
    }
    zr_proto_msg_t answer = { .type = ZR_MSG_WORK_RESULT };
    result->worker_id = self->role.node_id;
    zr_work_result_msg_from_job(&answer.work_result, result, job.gateway_id,
                                self->role.leader_id, self->role.epoch);
    zframe_t *payload = zr_proto_frame_encode(&answer);
    if (payload) {
        zframe_send(&job.reply_to, self->link, ZFRAME_MORE);
        zframe_send(&payload, self->link, 0);
        self->answered++;
    } else
        zr_error(self->log, "cannot encode the result of request %llu", (unsigned long long) job.request_id);
    zframe_destroy(&job.reply_to);
    zr_job_result_destroy(&result);
}

static bool handle_pipe(follower_t *self, zsock_t *pipe)
{
    char *command = zstr_recv(pipe);
    bool go_on = command && !zr_actor_is_term(command);
    if (command && streq(command, "STATS"))
        zstr_sendf(pipe, "zrun_worker_jobs_total{outcome=\"accepted\"} %llu\n"
                   "zrun_worker_jobs_total{outcome=\"answered\"} %llu\n"
                   "zrun_worker_dropped_total{reason=\"fenced\"} %llu\n"
                   "zrun_worker_dropped_total{reason=\"malformed\"} %llu\nzrun_worker_running %zu\n",
                   (unsigned long long) self->accepted, (unsigned long long) self->answered,
                   (unsigned long long) self->fenced, (unsigned long long) self->malformed,
                   zr_pool_jobs_running(self->jobs));
    zstr_free(&command);
    return go_on;
}

void zr_follower_actor(zsock_t *pipe, void *args)
{
    follower_t self = { .role = *(zr_role_args_t *) args };
    self.log = zr_log_open(self.role.config->log_dir, self.role.node_id, "follower");
    self.jobs = zr_pool_jobs_new();
    self.link = zr_tcp_link_open(self.role.node_id);
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
    zr_tcp_link_close(&self.link);
    zr_pool_jobs_destroy(&self.jobs);
    zr_log_close(&self.log);
}
