/* zr_worker: the node's worker actor: the jobs link to the role actor of the moment, the runner
 * pool's pipe, and the worker book that makes every job run once and every result last. */
#include "actors/work/zr_worker.h"
#include "actors/work/zr_worker_book.h"
#include "proto/zr_proto_frame.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_log.h"
#include "runtime/zr_pool_watch.h"

typedef struct {
    const zr_env_t *env;
    zactor_t *pool;
    unsigned slots;
    zsock_t *link;            /* bound ROUTER: the role actor of the moment connects */
    zframe_t *attached;       /* the routing id of the role actor attached now, or NULL */
    zr_worker_book_t *book;
    zr_log_t *log;
    zr_pool_watch_t pool_watch;
    zr_proto_msg_t *decoded;  /* scratch: a WORK_ACK is 8 kB, kept off the stack */
    int64_t last_wake;        /* when the loop last ran: a gap past fail_after was our own pause */
    int64_t refuse_until;     /* after such a pause: until a leader asks what we hold, or this */
    uint64_t malformed, stray_results, refused_after_pause;
} worker_t;

/* Only to the role actor attached now: a detached one may still be closing, and whatever
 * reached it would be lost (a result stays held, so a new leader gets it in recovery). */
static void send_to_role(worker_t *self, zframe_t **frame)
{
    if (self->attached && *frame) {
        zframe_t *route = zframe_dup(self->attached);
        zframe_send(&route, self->link, ZFRAME_MORE);
        zframe_send(frame, self->link, 0);
    }
    zframe_destroy(frame);
}

/* ATTACH names the role actor that answers go to from now on; DETACH from it ends that. */
static void control(worker_t *self, zframe_t *route, bool attach)
{
    if (attach) {
        zframe_destroy(&self->attached);
        self->attached = zframe_dup(route);
    } else if (self->attached && zframe_eq(self->attached, route))
        zframe_destroy(&self->attached);
}

/* A copy of an encoded WORK_RESULT stamped for the leader it answers now (a new frame). */
static zframe_t *stamped(const uint8_t *result, size_t len, zr_worker_stamp_t stamp)
{
    zr_proto_msg_t msg;
    if (zr_proto_decode(result, len, &msg) != ZR_DECODE_OK || msg.type != ZR_MSG_WORK_RESULT)
        return NULL;
    if (msg.work_result.leader_id == stamp.leader_id && msg.work_result.leader_epoch == stamp.epoch)
        return zframe_new(result, len);
    msg.work_result.leader_id = stamp.leader_id;
    msg.work_result.leader_epoch = stamp.epoch;
    return zr_proto_frame_encode(&msg);
}

static void run(worker_t *self, zframe_t **frame, const zr_work_request_msg_t *request)
{
    zr_job_key_t key = { request->gateway_id, request->request_id };
    zr_worker_stamp_t stamp = { request->leader_id, request->leader_epoch };
    if (zr_env_now(self->env) < self->refuse_until) {   /* sent to an incarnation declared failed */
        self->refused_after_pause++;
        zr_debug(self->log, "request %llu (gateway %lld): refused, sent before this node's pause ended",
                 (unsigned long long) key.request_id, (long long) key.gateway_id);
        return;
    }
    switch (zr_worker_book_start(self->book, key, stamp)) {
    case ZR_WORKER_START_RUN:
        zr_debug(self->log, "request %llu (gateway %lld): started on the runner pool for leader %lld epoch %llu",
                 (unsigned long long) key.request_id, (long long) key.gateway_id,
                 (long long) stamp.leader_id, (unsigned long long) stamp.epoch);
        zr_inproc_run_forward(self->pool, frame);
        break;
    case ZR_WORKER_START_RUNNING:
        zr_debug(self->log, "request %llu (gateway %lld): already running; its result will answer leader %lld",
                 (unsigned long long) key.request_id, (long long) key.gateway_id, (long long) stamp.leader_id);
        break;
    case ZR_WORKER_START_HELD: {
        size_t len = 0;
        const uint8_t *held = zr_worker_book_held(self->book, key, &len);
        zframe_t *answer = stamped(held, len, stamp);
        zr_debug(self->log, "request %llu (gateway %lld): finished before; answered from the held result",
                 (unsigned long long) key.request_id, (long long) key.gateway_id);
        send_to_role(self, &answer);
        break;
    }
    }
}

typedef struct {
    worker_t *worker;
    uint64_t epoch;
    size_t results;
} recovery_t;

/* One RECOVERY_ANSWER per entry, as the book hands them over. */
static void answer_entry(void *arg, zr_job_key_t key, const uint8_t *result, size_t len, size_t index,
                         size_t total)
{
    recovery_t *recovery = arg;
    zr_proto_msg_t msg = { .type = ZR_MSG_RECOVERY_ANSWER };
    zr_recovery_answer_msg_t *answer = &msg.recovery_answer;
    *answer = (zr_recovery_answer_msg_t) { .follower_id = recovery->worker->env->node_id,
                                           .leader_epoch = recovery->epoch, .index = (uint32_t) index,
                                           .total = (uint32_t) total, .entry = ZR_RECOVERY_RUNNING,
                                           .gateway_id = key.gateway_id, .request_id = key.request_id };
    zr_proto_msg_t held;
    if (result && zr_proto_decode(result, len, &held) == ZR_DECODE_OK && held.type == ZR_MSG_WORK_RESULT) {
        answer->entry = ZR_RECOVERY_RESULT;
        answer->result = held.work_result;
        recovery->results++;
    }
    zframe_t *frame = zr_proto_frame_encode(&msg);
    send_to_role(recovery->worker, &frame);
}

/* Tells the leader how many jobs this node runs at once. */
static void hello(worker_t *self, const zr_recovery_request_msg_t *request)
{
    zr_proto_msg_t msg = { .type = ZR_MSG_WORKER_HELLO };
    msg.worker_hello = (zr_worker_hello_msg_t) { self->env->node_id, request->leader_id, request->leader_epoch,
                                                 (uint16_t) (self->slots ? self->slots : 1) };
    zframe_t *frame = zr_proto_frame_encode(&msg);
    send_to_role(self, &frame);
}

/* A new leader collects: everything held goes to it, and the running jobs answer it from now. */
static void hand_over(worker_t *self, const zr_recovery_request_msg_t *request)
{
    self->refuse_until = 0;   /* a leader that asks has our new incarnation in view */
    hello(self, request);
    recovery_t recovery = { self, request->leader_epoch, 0 };
    zr_worker_stamp_t stamp = { request->leader_id, request->leader_epoch };
    size_t total = zr_worker_book_collect(self->book, stamp, answer_entry, &recovery);
    if (total == 0) {
        zr_proto_msg_t msg = { .type = ZR_MSG_RECOVERY_ANSWER };
        msg.recovery_answer = (zr_recovery_answer_msg_t) { .follower_id = self->env->node_id,
                                                           .leader_epoch = request->leader_epoch };
        zframe_t *frame = zr_proto_frame_encode(&msg);
        send_to_role(self, &frame);
    }
    zr_info(self->log, "recovery by leader %lld epoch %llu: handed over %zu results and %zu running jobs",
            (long long) request->leader_id, (unsigned long long) request->leader_epoch, recovery.results,
            total - recovery.results);
}

static void acknowledge(worker_t *self, const zr_work_ack_msg_t *ack)
{
    for (uint16_t i = 0; i < ack->count; i++)
        zr_worker_book_acknowledge(self->book, (zr_job_key_t) { ack->jobs[i].gateway_id, ack->jobs[i].request_id });
}

static void from_role(worker_t *self)
{
    zmsg_t *msg = zmsg_recv(self->link);
    zframe_t *route = msg ? zmsg_pop(msg) : NULL;
    int command = msg ? zr_inproc_work_control(msg) : -1;
    zframe_t *frame = command < 0 && msg && zmsg_size(msg) == 1 ? zmsg_pop(msg) : NULL;
    zmsg_destroy(&msg);
    if (command >= 0) {
        control(self, route, command == 1);
        zframe_destroy(&route);
        return;
    }
    zframe_destroy(&route);
    zr_proto_msg_t *decoded = self->decoded;
    if (!frame || zr_proto_frame_decode(frame, decoded) != ZR_DECODE_OK)
        self->malformed++;
    else if (decoded->type == ZR_MSG_WORK_REQUEST)
        run(self, &frame, &decoded->work_request);
    else if (decoded->type == ZR_MSG_WORK_ACK)
        acknowledge(self, &decoded->work_ack);
    else if (decoded->type == ZR_MSG_RECOVERY_REQUEST)
        hand_over(self, &decoded->recovery_request);
    else
        self->malformed++;
    zframe_destroy(&frame);
}

/* A finished job: held, and sent to the role actor stamped for the leader it answers now. */
static void finished(worker_t *self, zr_reply_t *reply)
{
    zr_job_key_t key = { reply->result.gateway_id, reply->result.request_id };
    zr_worker_stamp_t stamp;
    if (!zr_worker_book_running_stamp(self->book, key, &stamp)) {
        self->stray_results++;
        return;
    }
    bool as_is = reply->result.leader_id == stamp.leader_id && reply->result.leader_epoch == stamp.epoch;
    zframe_t *answer = as_is ? reply->frame : stamped(zframe_data(reply->frame), zframe_size(reply->frame), stamp);
    if (as_is)
        reply->frame = NULL;   /* taken: reply->result points into it, so use nothing of it below */
    if (!answer) {
        self->malformed++;
        return;
    }
    zr_worker_book_finish(self->book, key, zframe_data(answer), zframe_size(answer));
    zr_debug(self->log, "request %llu (gateway %lld): finished, for leader %lld", (unsigned long long) key.request_id,
             (long long) key.gateway_id, (long long) stamp.leader_id);
    send_to_role(self, &answer);
}

static void from_pool(worker_t *self)
{
    zr_reply_t reply;
    if (zr_inproc_reply_recv(self->pool, &reply) == ZR_REPLY_RESULT)
        finished(self, &reply);
    else
        zr_pool_watch_take(&self->pool_watch, &reply);
    zr_inproc_reply_fini(&reply);
}

static zr_metrics_t *collect_stats(void *arg)
{
    worker_t *self = arg;
    zr_metrics_t *set = zr_metrics_new();
    zr_worker_book_stats_t book;
    zr_worker_book_stats(self->book, &book);
    zr_metrics_add(set, ZR_M_WORKER_JOBS, "started", (double) book.started);
    zr_metrics_add(set, ZR_M_WORKER_JOBS, "joined", (double) book.joined);
    zr_metrics_add(set, ZR_M_WORKER_JOBS, "from_held", (double) book.answered_held);
    zr_metrics_add(set, ZR_M_WORKER_JOBS, "handed_over", (double) book.collected);
    zr_metrics_add(set, ZR_M_WORKER_RUNNING, NULL, (double) book.running);
    zr_metrics_add(set, ZR_M_WORKER_HELD, NULL, (double) book.held);
    zr_metrics_add(set, ZR_M_WORKER_HELD_BYTES, NULL, (double) book.held_bytes);
    zr_metrics_add(set, ZR_M_WORKER_RELEASED, "acknowledged", (double) book.acknowledged);
    zr_metrics_add(set, ZR_M_WORKER_RELEASED, "dropped", (double) book.dropped);
    zr_metrics_add(set, ZR_M_WORKER_DROPPED, "malformed_link", (double) self->malformed);
    zr_metrics_add(set, ZR_M_WORKER_DROPPED, "stray_result", (double) self->stray_results);
    zr_metrics_add(set, ZR_M_WORKER_DROPPED, "after_pause", (double) self->refused_after_pause);
    zr_pool_watch_report(&self->pool_watch, self->pool, set);
    return set;
}


/* A process stopped (SIGSTOP, or starved) past the failure timeout was declared failed: the
 * work its leader sent meanwhile went to others, so what arrives now is refused until a leader
 * asks what this node holds (the first thing a leader does with a new incarnation; work on one
 * TCP connection arrives in order), or for one more failure timeout at most (a starved worker
 * whose heartbeats went on was not declared failed, and must not refuse work for long). */
static void notice_pause(worker_t *self)
{
    int64_t now = zr_env_now(self->env), fail_after = self->env->config->timings.fail_after_ms;
    if (self->last_wake && now - self->last_wake > fail_after) {
        self->refuse_until = now + fail_after;
        zr_warn(self->log, "this process stood still for %lld ms (past the %lld ms failure timeout): work sent "
                "meanwhile is refused until a leader asks what this node holds",
                (long long) (now - self->last_wake), (long long) fail_after);
    }
    self->last_wake = now;
}

void zr_worker_actor(zsock_t *pipe, void *args)
{
    zr_actor_name("worker");
    const zr_worker_args_t *given = args;
    worker_t self = { .env = given->env, .pool = given->pool, .slots = given->slots };
    char err[256] = "";
    self.link = zr_inproc_bind(self.env, ZMQ_ROUTER, ZR_INPROC_JOBS, err, sizeof err);
    if (!self.link) {
        zr_actor_failed(pipe, err);
        return;
    }
    zsock_set_sndhwm(self.link, 0);
    zsock_set_rcvhwm(self.link, 0);
    self.log = zr_log_open(self.env->config->log_dir, self.env->node_id, "worker");
    self.book = zr_worker_book_new(ZR_WORKER_BOOK_DEFAULT_HELD, ZR_WORKER_BOOK_DEFAULT_HELD_BYTES);
    self.decoded = zmalloc(sizeof *self.decoded);
    zpoller_t *poller = zpoller_new(pipe, self.link, self.pool, NULL);
    zr_actor_ready(pipe);
    for (bool running = true; running;) {
        void *which = zpoller_wait(poller, self.env->config->timings.base_interval_ms);
        notice_pause(&self);
        if (which == self.link)
            from_role(&self);
        else if (which == self.pool)
            from_pool(&self);
        else if (which == pipe)
            running = zr_inproc_serve_stats(pipe, collect_stats, &self);
        else
            running = !zpoller_terminated(poller);
    }
    zpoller_destroy(&poller);
    zsock_destroy(&self.link);
    zframe_destroy(&self.attached);
    zr_worker_book_destroy(&self.book);
    free(self.decoded);
    zr_log_close(&self.log);
}
