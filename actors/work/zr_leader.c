/* zr_leader: the leader's actor. Takes the gateway's requests from the TCP relay, lets the
 * dispatch core assign them round robin, sends them over one DEALER per worker, returns results. */
#include "actors/work/zr_leader_internal.h"
#include "actors/work/zr_work_events.h"
#include "actors/transport/zr_monitor.h"
#include "proto/zr_proto_frame.h"
#include "runtime/zr_actor.h"

static void free_frame(void *item)
{
    zframe_t *frame = item;
    zframe_destroy(&frame);
}

static worker_link_t *worker_by_id(leader_t *self, int64_t id)
{
    if (id == self->env->node_id)
        return &self->own;
    for (size_t i = 0; i < self->worker_count; i++)
        if (self->workers[i].id == id)
            return &self->workers[i];
    return NULL;
}

void leader_send_to_worker(leader_t *self, int64_t id, zframe_t **frame)
{
    worker_link_t *worker = worker_by_id(self, id);
    zsock_t *socket = !worker ? NULL : worker->dealer ? worker->dealer : self->jobs;
    if (socket && *frame)
        zframe_send(frame, socket, 0);
    zframe_destroy(frame);
}

/* Results forwarded to their gateways: the worker may forget them. */
static void flush_acks(leader_t *self, worker_link_t *worker)
{
    if (worker->ack->count == 0)
        return;
    zr_proto_msg_t *msg = self->decoded;
    msg->type = ZR_MSG_WORK_ACK;
    msg->work_ack = *worker->ack;
    msg->work_ack.leader_id = self->env->node_id;
    msg->work_ack.leader_epoch = self->role.epoch;
    worker->ack->count = 0;
    zframe_t *frame = zr_proto_frame_encode(msg);
    leader_send_to_worker(self, worker->id, &frame);
}

static void flush_all_acks(leader_t *self)
{
    flush_acks(self, &self->own);
    for (size_t i = 0; i < self->worker_count; i++)
        flush_acks(self, &self->workers[i]);
}

void leader_acknowledge(leader_t *self, int64_t worker_id, int64_t gateway_id, uint64_t request_id)
{
    worker_link_t *worker = worker_by_id(self, worker_id);
    if (!worker)
        return;
    worker->ack->jobs[worker->ack->count++] = (zr_work_ack_job_t) { gateway_id, request_id };
    if (worker->ack->count == ZR_WORK_ACK_MAX_JOBS)
        flush_acks(self, worker);
}

/* A failed worker is never used again (crash-stop): stop reconnecting to it. */
static void close_worker(leader_t *self, int64_t id)
{
    worker_link_t *worker = worker_by_id(self, id);
    if (!worker || worker == &self->own)
        return;
    zpoller_remove(self->poller, worker->dealer);
    zsock_destroy(&worker->dealer);
    free(worker->ack);
    *worker = self->workers[--self->worker_count];
}

/* A DEALER to one worker's TCP port, in the rotation from now on. */
static void connect_worker(leader_t *self, const zr_node_config_t *node)
{
    zsock_t *dealer = zsock_new(ZMQ_DEALER);
    zsock_set_linger(dealer, 0);
    zsock_set_sndhwm(dealer, 0);
    zsock_set_rcvhwm(dealer, 0);
    zsock_set_maxmsgsize(dealer, (int64_t) ZR_PROTO_MAX_TCP_MESSAGE);
    char name[32];
    snprintf(name, sizeof name, "leader-to-%d", node->id);
    zr_monitor_attach(dealer, self->env, name);
    zr_keys_curve_client(self->env->keys, dealer, node->id);
    zsock_connect(dealer, "tcp://%s:%d", node->ipv4, node->tcp_port);
    self->workers[self->worker_count++] = (worker_link_t) { node->id, dealer, zmalloc(sizeof(zr_work_ack_msg_t)) };
    zr_dispatch_add_worker(self->dispatch, node->id);
    zpoller_add(self->poller, dealer);
}

/* A peer may work once it has been heard (it runs) and while it has not failed. */
static bool add_worker(leader_t *self, int64_t id)
{
    const zr_node_config_t *node = zr_config_node(self->env->config, (int) id);
    if (!node || node->role != ZR_ROLE_PEER || id == self->env->node_id || worker_by_id(self, id))
        return false;
    connect_worker(self, node);
    zr_info(self->log, "worker %lld joins the rotation (%zu workers)", (long long) id, self->worker_count);
    return true;
}

static void connect_workers(leader_t *self)
{
    for (size_t i = 0; i < self->role.workers.count; i++)
        add_worker(self, self->role.workers.ids[i]);
}

static void send_frame_to_gateway(leader_t *self, int64_t gateway_id, zframe_t **payload)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long) gateway_id);
    zframe_t *route = zhash_lookup(self->gateway_routes, key);
    if (!route) {
        zr_warn(self->log, "no route to gateway %lld: result dropped", (long long) gateway_id);
        zframe_destroy(payload);
        return;
    }
    zr_inproc_work_send(self->link, route, payload);
}

/* Each decision of the dispatch core goes to its worker; the leader's own id means no worker
 * is left: the node's own worker runs it. */
static void send_assignments(leader_t *self)
{
    zr_dispatch_assignment_t out;
    while (zr_dispatch_next_assignment(self->dispatch, &out)) {
        zr_proto_msg_t msg = { .type = ZR_MSG_WORK_REQUEST };
        msg.work_request = (zr_work_request_msg_t) { 0, out.request_id, out.gateway_id, out.leader_id,
                                                     out.epoch, { (const char *) out.source, out.source_len } };
        zr_work_events_assigned(self->events, self->log, &out);
        zframe_t *frame = zr_proto_frame_encode(&msg);
        leader_send_to_worker(self, out.worker_id, &frame);
    }
}

/* A completed request's answer, stamped with our id and epoch (it may have been completed
 * under an earlier leader), so the gateway accepts it. */
void leader_answer_from_cache(leader_t *self, int64_t gateway_id, uint64_t request_id)
{
    size_t length = 0;
    const uint8_t *cached = zr_dispatch_cached_result(self->dispatch, gateway_id, request_id, &length);
    zr_proto_msg_t msg;
    if (!cached || zr_proto_decode(cached, length, &msg) != ZR_DECODE_OK || msg.type != ZR_MSG_WORK_RESULT)
        return;
    msg.work_result.leader_id = self->env->node_id;
    msg.work_result.leader_epoch = self->role.epoch;
    zframe_t *answer = zr_proto_frame_encode(&msg);
    if (answer)
        send_frame_to_gateway(self, gateway_id, &answer);
}

/* A fenced request: its gateway's route is remembered, the dispatch core decides the rest. */
static void submit(leader_t *self, zframe_t *identity, const zr_work_request_msg_t *request)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long) request->gateway_id);
    zhash_update(self->gateway_routes, key, zframe_dup(identity));
    zhash_freefn(self->gateway_routes, key, free_frame);
    zr_dispatch_verdict_t verdict = zr_dispatch_submit(self->dispatch, request->gateway_id,
        request->request_id, request->source.data, request->source.size, zr_env_now(self->env));
    zr_debug(self->log, "request %llu: from gateway %lld: %s", (unsigned long long) request->request_id,
             (long long) request->gateway_id, zr_dispatch_verdict_name(verdict));
    if (verdict == ZR_DISPATCH_DONE)
        leader_answer_from_cache(self, request->gateway_id, request->request_id);
}

/* A request from a gateway: fenced, then submitted, answered from the cache, or ignored. */
static void from_gateway(leader_t *self)
{
    zframe_t *identity = NULL, *payload = NULL;
    zr_proto_msg_t *decoded = self->decoded;
    if (!zr_inproc_work_recv(self->link, &identity, &payload)
        || zr_proto_frame_decode(payload, decoded) != ZR_DECODE_OK || decoded->type != ZR_MSG_WORK_REQUEST)
        self->malformed++;
    else if (decoded->work_request.leader_id != self->env->node_id
             || decoded->work_request.leader_epoch > self->role.epoch)
        self->fenced++;   /* meant for another leader, or we are a stale one */
    else
        submit(self, identity, &decoded->work_request);
    zframe_destroy(&identity);
    zframe_destroy(&payload);
}

/* A result from worker_id: forwarded to its gateway if the core accepts it, and acknowledged
 * once the gateway has it (or had it before) so the worker can forget it. */
static void complete(leader_t *self, int64_t worker_id, zframe_t **payload, const zr_work_result_msg_t *result)
{
    zr_dispatch_verdict_t verdict = zr_dispatch_complete(self->dispatch, result->gateway_id,
        result->request_id, worker_id, result->leader_epoch, zframe_data(*payload), zframe_size(*payload));
    if (verdict == ZR_DISPATCH_ACCEPTED || verdict == ZR_DISPATCH_DUPLICATE)
        leader_acknowledge(self, worker_id, result->gateway_id, result->request_id);
    if (verdict == ZR_DISPATCH_ACCEPTED) {
        zr_work_events_completed(self->events, self->log, result);
        send_frame_to_gateway(self, result->gateway_id, payload);
    } else
        zr_debug(self->log, "result of request %llu from %lld: %s", (unsigned long long) result->request_id,
                 (long long) worker_id, zr_dispatch_verdict_name(verdict));
}

/* A worker says how many jobs it runs at once: the dispatch core fills that many slots. */
static void worker_hello(leader_t *self, const zr_worker_hello_msg_t *hello)
{
    if (hello->leader_id != self->env->node_id || hello->leader_epoch != self->role.epoch)
        return;
    zr_dispatch_set_slots(self->dispatch, hello->worker_id, hello->slots);
    zr_debug(self->log, "worker %lld runs %u jobs at once", (long long) hello->worker_id, (unsigned) hello->slots);
}

/* A message from a worker (its DEALER, or the jobs link for our own): a result, a recovery
 * answer or a hello, each naming the worker it came from. */
static void from_worker(leader_t *self, int64_t worker_id, zsock_t *socket)
{
    zframe_t *payload = zframe_recv(socket);
    zr_proto_msg_t *decoded = self->decoded;
    if (!payload || zr_proto_frame_decode(payload, decoded) != ZR_DECODE_OK)
        self->malformed++;
    else if (decoded->type == ZR_MSG_WORK_RESULT && decoded->work_result.worker_id == worker_id)
        complete(self, worker_id, &payload, &decoded->work_result);
    else if (decoded->type == ZR_MSG_RECOVERY_ANSWER)
        leader_recovery_answer(self, worker_id, &decoded->recovery_answer);
    else if (decoded->type == ZR_MSG_WORKER_HELLO && decoded->worker_hello.worker_id == worker_id)
        worker_hello(self, &decoded->worker_hello);
    else
        self->malformed++;
    zframe_destroy(&payload);
}

static void answer_stats(leader_t *self, zsock_t *pipe)
{
    zr_metrics_t *set = zr_metrics_new();
    zr_dispatch_worker_stats_t worker;
    for (size_t i = 0; zr_dispatch_worker_stats_at(self->dispatch, i, &worker); i++) {
        zr_metrics_add_id(set, ZR_M_LEADER_ASSIGNED, worker.id, (double) worker.assigned);
        zr_metrics_add_id(set, ZR_M_LEADER_COMPLETED, worker.id, (double) worker.completed);
    }
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(self->dispatch, &stats);
    zr_metrics_add(set, ZR_M_LEADER_IN_FLIGHT, NULL, (double) stats.in_flight);
    zr_metrics_add(set, ZR_M_LEADER_REASSIGNED, "failover", (double) stats.reassigned_failover);
    zr_metrics_add(set, ZR_M_LEADER_REASSIGNED, "timeout", (double) stats.reassigned_timeout);
    zr_metrics_add(set, ZR_M_LEADER_RECOVERED, NULL, (double) stats.recovered_results);
    zr_metrics_add(set, ZR_M_LEADER_ADOPTED, NULL, (double) stats.adopted);
    zr_metrics_add(set, ZR_M_LEADER_RECOVERY_LATE, NULL, (double) stats.recovery_late);
    if (stats.recovery_ms >= 0)
        zr_metrics_add(set, ZR_M_LEADER_RECOVERY_SECONDS, NULL, (double) stats.recovery_ms / 1000.0);
    zr_metrics_add(set, ZR_M_LEADER_DROPPED, "fenced", (double) self->fenced);
    zr_metrics_add(set, ZR_M_LEADER_DROPPED, "malformed", (double) self->malformed);
    zr_inproc_stats_reply(pipe, &set);
}

static void worker_down(leader_t *self, int64_t id)
{
    int requeued = zr_dispatch_remove_worker(self->dispatch, id, zr_env_now(self->env));
    zr_info(self->log, "worker %lld is down: %d of its requests go to others", (long long) id, requeued);
    close_worker(self, id);
}

/* A live worker back as a new incarnation (no verdict came first): the same process may still
 * run its jobs, or a restarted one lost them; they wait until it says which (its recovery answer,
 * asked for now with its hello), and only the rest go to others. */
static void worker_back(leader_t *self, int64_t id)
{
    int waiting = zr_dispatch_rejoin_worker(self->dispatch, id, zr_env_now(self->env),
                                            self->env->config->timings.recovery_wait_ms);
    close_worker(self, id);   /* a new link: nothing meant for the old incarnation reaches the new */
    if (add_worker(self, id))
        leader_recovery_ask_one(self, id);
    if (waiting >= 0)
        zr_info(self->log, "worker %lld is back as a new incarnation: %d of its requests wait for it to say "
                "what it still runs", (long long) id, waiting);
}

static bool handle_pipe(leader_t *self, zsock_t *pipe)
{
    zr_inproc_command_t command;
    bool go_on = zr_inproc_command_recv(pipe, &command) && !zr_inproc_is(&command, ZR_CMD_TERM);
    if (zr_inproc_is(&command, ZR_CMD_STATS))
        answer_stats(self, pipe);
    else if (zr_inproc_is(&command, ZR_CMD_WORKER_UP) && add_worker(self, command.id))
        leader_recovery_ask_one(self, command.id);   /* its slots, and what it may hold */
    else if (zr_inproc_is(&command, ZR_CMD_WORKER_DOWN))
        worker_down(self, command.id);
    else if (zr_inproc_is(&command, ZR_CMD_WORKER_BACK))
        worker_back(self, command.id);
    zr_inproc_command_fini(&command);
    return go_on;
}

/* Workers first, then the recovery: it waits for every worker live at the start. */
static void leader_start(leader_t *self, zsock_t *pipe)
{
    self->env = self->role.env;
    self->log = zr_log_open(self->env->config->log_dir, self->env->node_id, "leader");
    self->events = zr_events_open(self->env);
    self->decoded = zmalloc(sizeof *self->decoded);
    self->dispatch = zr_dispatch_new(self->env->node_id, self->role.epoch);
    /* A job whose worker neither answers nor is declared dead goes to the next one once. */
    zr_dispatch_set_timeout(self->dispatch, self->env->config->runner_wall_ms + 5000);
    self->gateway_routes = zhash_new();
    self->link = zr_inproc_work_link_open(self->env);
    self->jobs = zr_inproc_jobs_link_open(self->env);
    self->own = (worker_link_t) { self->env->node_id, NULL, zmalloc(sizeof(zr_work_ack_msg_t)) };
    self->poller = zpoller_new(pipe, self->link, self->jobs, NULL);
    connect_workers(self);
    const zr_timings_t *timings = &self->env->config->timings;
    zr_dispatch_recovery_begin(self->dispatch, zr_env_now(self->env), timings->recovery_wait_ms,
                               timings->recovery_reask_ms);
    zr_info(self->log, "leading in epoch %llu with %zu workers; gathering what they hold first",
            (unsigned long long) self->role.epoch, self->worker_count);
}

static void leader_stop(leader_t *self)
{
    flush_all_acks(self);
    zpoller_destroy(&self->poller);
    for (size_t i = 0; i < self->worker_count; i++) {
        zsock_destroy(&self->workers[i].dealer);
        free(self->workers[i].ack);
    }
    free(self->own.ack);
    zr_inproc_jobs_link_close(&self->jobs);
    zr_inproc_work_link_close(&self->link);
    zhash_destroy(&self->gateway_routes);
    zr_dispatch_destroy(&self->dispatch);
    free(self->decoded);
    zr_events_close(&self->events);
    zr_log_close(&self->log);
}

static int poll_timeout(leader_t *self, int64_t hello_ask)
{
    int64_t deadline = zr_dispatch_next_deadline(self->dispatch);
    if (hello_ask >= 0 && (deadline < 0 || hello_ask < deadline))
        deadline = hello_ask;
    return zr_clock_poll_timeout(&self->env->clock, deadline);
}

static bool handle_ready(leader_t *self, zsock_t *pipe, void *which)
{
    if (which == self->link)
        from_gateway(self);
    else if (which == self->jobs)
        from_worker(self, self->env->node_id, self->jobs);
    else if (which == pipe)
        return handle_pipe(self, pipe);
    else if (which) {
        for (size_t i = 0; i < self->worker_count; i++)
            if (which == self->workers[i].dealer)
                from_worker(self, self->workers[i].id, self->workers[i].dealer);
    } else if (zpoller_terminated(self->poller))
        return false;
    return true;
}

/* After every wake-up: timeouts, recovery requests due, new assignments, acks. Returns when
 * the untold workers are to be asked again (-1: none). */
static int64_t after_wake_up(leader_t *self)
{
    zr_dispatch_tick(self->dispatch, zr_env_now(self->env));
    leader_recovery_ask(self);
    leader_recovery_report(self);
    int64_t hello_ask = leader_ask_untold(self);
    send_assignments(self);
    flush_all_acks(self);
    return hello_ask;
}

void zr_leader_actor(zsock_t *pipe, void *args)
{
    zr_actor_name("leader");
    leader_t self = { .role = *(zr_role_args_t *) args };
    leader_start(&self, pipe);
    zr_actor_ready(pipe);
    int64_t hello_ask = -1;
    while (handle_ready(&self, pipe, zpoller_wait(self.poller, poll_timeout(&self, hello_ask))))
        hello_ask = after_wake_up(&self);
    leader_stop(&self);
}
