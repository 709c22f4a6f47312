/* zr_peer_server: election shell. Feeds notifications from the UDP receiver into the election
 * core, posts its outputs to the UDP sender, and turns its decisions into role actors. */
#include "actors/zr_peer_server.h"
#include "actors/zr_election.h"
#include "actors/zr_heartbeat.h"
#include "actors/zr_roles.h"
#include "actors/zr_udp_actors.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_clock.h"
#include "runtime/zr_log.h"

#define REPUBLISH_MS 1000

typedef struct {
    zr_peer_server_args_t args;
    zr_clock_t clock;
    zr_election_t *election;
    zsock_t *notifications, *udp_out, *state_pub, *failures;
    zactor_t *role;                 /* leader or follower actor, while one runs */
    zr_role_args_t role_args;
    zr_log_t *log, *summary;
    int64_t voters[ZR_CONFIG_MAX_NODES];
    char published[96];             /* the last "<STATE> <leader> <epoch>" published */
    int64_t republish_at;           /* when it goes out again unchanged */
    int64_t failed_ids[ZR_CONFIG_MAX_NODES];   /* peers the heartbeat actor declared failed */
    size_t failed_count;
    int64_t heard_ids[ZR_CONFIG_MAX_NODES];    /* peers whose notifications arrived: they run */
    size_t heard_count;
    uint64_t malformed;
} peer_server_t;

static void state_text(peer_server_t *self, char *text, size_t size)
{
    zr_vote_t leader;
    bool known = zr_election_leader(self->election, &leader);
    snprintf(text, size, "%s %lld %llu", zr_peer_state_name(zr_election_state(self->election)),
             known ? (long long) leader.leader_id : -1LL, known ? (unsigned long long) leader.epoch : 0ULL);
}

static void stop_role(peer_server_t *self)
{
    if (self->role)
        zr_info(self->log, "stopping the role actor");
    zr_actor_stop(&self->role);
}

static void start_role(peer_server_t *self, zr_peer_state_t state)
{
    zr_vote_t leader;
    if (!self->args.pool || !zr_election_leader(self->election, &leader))
        return;   /* the gateway has no role actor: it only learns the leader */
    self->role_args = (zr_role_args_t) { self->args.config, self->args.node_id, self->args.pool,
                                         leader.leader_id, leader.epoch, { 0 }, 0, { 0 }, 0 };
    memcpy(self->role_args.failed_ids, self->failed_ids, sizeof self->failed_ids);
    self->role_args.failed_count = self->failed_count;
    memcpy(self->role_args.heard_ids, self->heard_ids, sizeof self->heard_ids);
    self->role_args.heard_count = self->heard_count;
    char err[256] = "";
    self->role = zr_actor_start(state == ZR_PEER_LEADING ? zr_leader_actor : zr_follower_actor,
                                &self->role_args, err, sizeof err);
    if (!self->role)
        zr_error(self->log, "cannot start the %s actor: %s", zr_peer_state_name(state), err);
}

/* Prints the contract's switch line, swaps the role actor, and publishes what changed: the
 * observer's state never changes, so a new leader alone must be published too. */
static void apply_changes(peer_server_t *self)
{
    zr_peer_state_t from, to;
    while (zr_election_take_change(self->election, &from, &to)) {
        zr_log_fact(self->summary, true, "%d: switching from %s to %s", self->args.node_id,
                    zr_peer_state_name(from), zr_peer_state_name(to));
        stop_role(self);
        if (to == ZR_PEER_LEADING || to == ZR_PEER_FOLLOWING)
            start_role(self, to);
    }
    char text[96];
    state_text(self, text, sizeof text);
    int64_t now = zr_clock_now_ms(&self->clock);
    bool changed = !streq(text, self->published);
    if (changed)
        zr_info(self->log, "state: %s", text);
    /* PUB drops what a subscriber that connects late would have seen: the state goes out again
     * every REPUBLISH_MS, so the gateway learns the leader even if it subscribed after it. */
    if (changed || now >= self->republish_at) {
        snprintf(self->published, sizeof self->published, "%s", text);
        zstr_send(self->state_pub, text);
        self->republish_at = now + REPUBLISH_MS;
    }
}

static void flush_outputs(peer_server_t *self)
{
    zr_election_output_t out;
    while (zr_election_next_output(self->election, &out)) {
        zr_election_msg_t msg = { out.notification.sender_state, out.notification.sender_id,
                                  out.notification.round, out.notification.vote.leader_id,
                                  out.notification.vote.epoch };
        uint8_t buffer[ZR_ELECTION_MSG_SIZE];
        size_t length = 0;
        if (zr_election_msg_encode(&msg, buffer, sizeof buffer, &length) != ZR_ENCODE_OK)
            continue;
        int to = out.kind == ZR_ELECTION_BROADCAST ? ZR_UDP_BROADCAST : (int) out.to_id;
        zr_udp_sender_post(self->udp_out, to, ZR_GROUP_ELECTION, buffer, length);
    }
    apply_changes(self);
}

/* The first notification from a peer proves it runs: a leader may now give it work. */
static void peer_heard(peer_server_t *self, int64_t id)
{
    for (size_t i = 0; i < self->heard_count; i++)
        if (self->heard_ids[i] == id)
            return;
    if (self->heard_count == ZR_CONFIG_MAX_NODES)
        return;
    self->heard_ids[self->heard_count++] = id;
    if (self->role && zr_election_state(self->election) == ZR_PEER_LEADING) {
        char text[24];
        snprintf(text, sizeof text, "%lld", (long long) id);
        zstr_sendx(self->role, "WORKER_UP", text, NULL);
    }
}

static void from_network(peer_server_t *self)
{
    zmsg_t *msg = zmsg_recv(self->notifications);
    zframe_t *payload = msg ? zmsg_last(msg) : NULL;
    zr_election_msg_t decoded;
    if (!payload || zr_election_msg_decode(zframe_data(payload), zframe_size(payload), &decoded) != ZR_DECODE_OK) {
        self->malformed++;
        zmsg_destroy(&msg);
        return;
    }
    zmsg_destroy(&msg);
    peer_heard(self, decoded.sender_id);
    zr_notification_t notification = { decoded.sender_id, decoded.state,
                                       { decoded.leader_id, decoded.leader_epoch }, decoded.round };
    zr_debug(self->log, "notification from %lld (%s): leader %lld epoch %llu round %llu",
             (long long) decoded.sender_id, zr_peer_state_name(decoded.state), (long long) decoded.leader_id,
             (unsigned long long) decoded.leader_epoch, (unsigned long long) decoded.round);
    zr_election_receive(self->election, &notification, zr_clock_now_ms(&self->clock));
}

/* Workers are the peer nodes; the gateway (also monitored by gossip) never takes work. */
static bool is_worker(const peer_server_t *self, int64_t id)
{
    const zr_node_config_t *node = zr_config_node(self->args.config, (int) id);
    return node && node->role == ZR_ROLE_PEER;
}

/* A peer has failed (heartbeat actor): it no longer votes; if it led, a new election starts;
 * if we lead, its requests go to the other workers. */
static void peer_failed(peer_server_t *self, int64_t peer_id)
{
    zr_vote_t leader;
    bool was_leader = zr_election_leader(self->election, &leader) && leader.leader_id == peer_id;
    if (self->failed_count < ZR_CONFIG_MAX_NODES)
        self->failed_ids[self->failed_count++] = peer_id;
    zr_election_remove_voter(self->election, peer_id);
    if (was_leader)
        zr_election_restart(self->election, zr_clock_now_ms(&self->clock));
    else if (self->role && zr_election_state(self->election) == ZR_PEER_LEADING && is_worker(self, peer_id)) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long) peer_id);
        zstr_sendx(self->role, "WORKER_DOWN", id, NULL);
    }
}

static void answer_stats(peer_server_t *self, zsock_t *pipe)
{
    char *role_stats = NULL;
    if (self->role) {
        zstr_send(self->role, "STATS");
        role_stats = zstr_recv(self->role);
    }
    zstr_sendf(pipe, "zrun_election_dropped_total{reason=\"malformed\"} %llu\n%s",
               (unsigned long long) self->malformed, role_stats ? role_stats : "");
    zstr_free(&role_stats);
}

/* The node's runner pool is ready: a role actor decided before it can start now. */
static void pool_ready(peer_server_t *self, zactor_t *pool)
{
    self->args.pool = pool;
    zr_peer_state_t state = zr_election_state(self->election);
    if (!self->role && (state == ZR_PEER_LEADING || state == ZR_PEER_FOLLOWING))
        start_role(self, state);
}

static bool handle_pipe(peer_server_t *self, zsock_t *pipe)
{
    zmsg_t *msg = zmsg_recv(pipe);
    char *command = msg ? zmsg_popstr(msg) : NULL;
    char *argument = msg && zmsg_size(msg) ? zmsg_popstr(msg) : NULL;
    zmsg_destroy(&msg);
    bool go_on = command && !zr_actor_is_term(command);
    if (command && streq(command, "POOL") && argument)
        pool_ready(self, (zactor_t *) (uintptr_t) strtoull(argument, NULL, 16));
    else if (command && streq(command, "STATE")) {
        char text[96];
        state_text(self, text, sizeof text);
        zstr_send(pipe, text);
    } else if (command && streq(command, "STATS"))
        answer_stats(self, pipe);
    else if (command && streq(command, "PEER_FAILED") && argument)
        peer_failed(self, atoll(argument));
    zstr_free(&command);
    zstr_free(&argument);
    return go_on;
}

static zr_election_t *new_election(peer_server_t *self)
{
    const zr_config_t *config = self->args.config;
    size_t voter_count = 0;
    for (size_t i = 0; i < config->node_count; i++)
        if (config->nodes[i].role == ZR_ROLE_PEER)
            self->voters[voter_count++] = config->nodes[i].id;
    const zr_node_config_t *me = zr_config_node(config, self->args.node_id);
    zr_election_config_t election = {
        .self_id = self->args.node_id, .observer = me->role == ZR_ROLE_GATEWAY, .epoch = 0,
        .voter_ids = self->voters, .voter_count = voter_count,
        .final_wait_ms = config->election_final_wait_ms,
        .initial_backoff_ms = config->base_interval_ms,
        .max_backoff_ms = config->election_max_backoff_ms,
        .startup_wait_ms = config->election_startup_wait_ms,
    };
    return zr_election_new(&election, zr_clock_now_ms(&self->clock));
}

static int peer_server_start(peer_server_t *self, char *err, size_t size)
{
    const zr_config_t *config = self->args.config;
    if (!zr_config_node(config, self->args.node_id)) {
        snprintf(err, size, "node %d is not in the cluster file", self->args.node_id);
        return -1;
    }
    self->clock = zr_clock_monotonic();
    self->log = zr_log_open(config->log_dir, self->args.node_id, "peer-server");
    self->summary = zr_log_open(config->log_dir, self->args.node_id, "summary");
    self->notifications = zr_udp_receiver_subscribe(self->args.node_id, ZR_MSG_ELECTION);
    self->failures = zr_heartbeat_subscribe_failures(self->args.node_id);
    self->udp_out = zr_udp_sender_connect(self->args.node_id);
    self->state_pub = zsock_new(ZMQ_PUB);
    zsock_set_linger(self->state_pub, 0);
    if (zsock_bind(self->state_pub, "inproc://zrun-%d-state", self->args.node_id) != 0) {
        snprintf(err, size, "cannot bind inproc://zrun-%d-state", self->args.node_id);
        return -1;
    }
    self->election = new_election(self);
    return 0;
}

static void peer_server_stop(peer_server_t *self)
{
    zr_actor_stop(&self->role);
    zr_election_destroy(&self->election);
    zsock_destroy(&self->state_pub);
    zsock_destroy(&self->udp_out);
    zsock_destroy(&self->notifications);
    zsock_destroy(&self->failures);
    zr_log_close(&self->summary);
    zr_log_close(&self->log);
}

static int poll_timeout(peer_server_t *self)
{
    int64_t deadline = zr_election_next_deadline(self->election);
    return zr_clock_poll_timeout(&self->clock, deadline < self->republish_at ? deadline : self->republish_at);
}

void zr_peer_server_actor(zsock_t *pipe, void *args)
{
    peer_server_t self = { .args = *(zr_peer_server_args_t *) args };
    char err[256] = "";
    if (peer_server_start(&self, err, sizeof err) != 0) {
        peer_server_stop(&self);
        zr_actor_failed(pipe, err);
        return;
    }
    zpoller_t *poller = zpoller_new(pipe, self.notifications, self.failures, NULL);
    zr_actor_ready(pipe);
    zr_info(self.log, "election started");
    flush_outputs(&self);
    for (bool running = true; running;) {
        void *which = zpoller_wait(poller, poll_timeout(&self));
        if (which == self.notifications)
            from_network(&self);
        else if (which == self.failures) {
            int64_t failed = zr_heartbeat_failed_id(self.failures);
            if (failed >= 0)
                peer_failed(&self, failed);
        }
        else if (which == pipe)
            running = handle_pipe(&self, pipe);
        else if (zpoller_terminated(poller))
            running = false;
        zr_election_tick(self.election, zr_clock_now_ms(&self.clock));
        flush_outputs(&self);
    }
    zpoller_destroy(&poller);
    peer_server_stop(&self);
}

zsock_t *zr_peer_server_subscribe(int node_id)
{
    return zr_actor_subscribe("", 0, "inproc://zrun-%d-state", node_id);
}

void zr_peer_server_give_pool(zactor_t *peer_server, zactor_t *pool)
{
    char address[32];
    snprintf(address, sizeof address, "%llx", (unsigned long long) (uintptr_t) pool);
    zstr_sendx(peer_server, "POOL", address, NULL);
}
