/* zr_peer_server: election shell. Feeds notifications from the UDP receiver into the election
 * core, posts its outputs to the UDP sender, and turns its decisions into role actors. */
#include "actors/election/zr_peer_server.h"
#include "actors/election/zr_election.h"
#include "actors/election/zr_election_events.h"
#include "actors/work/zr_roles.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_log.h"
#include "runtime/zr_udp_bus.h"

#define REPUBLISH_MS 1000

/* What the failure detector told us of one member. */
typedef struct {
    uint64_t incarnation;           /* the newest heard of (0: none yet) */
    bool alive;                     /* that incarnation is heard and not failed */
} member_t;

typedef struct {
    const zr_env_t *env;
    uint64_t incarnation;           /* ours: a newer one on the membership stream is a rejoin */
    bool worker_ready;              /* the node's worker runs (WORKER): role actors may start */
    zr_election_t *election;
    zsock_t *notifications, *udp_out, *leader_pub, *members_stream;
    zactor_t *role;                 /* leader or follower actor, while one runs */
    zr_role_args_t role_args;
    zr_log_t *log, *summary;
    int64_t voters[ZR_CONFIG_MAX_NODES];
    zr_leader_view_t published;     /* the last view published */
    int64_t republish_at;           /* when it goes out again unchanged */
    member_t members[ZR_CONFIG_MAX_NODES];   /* by index in the cluster file */
    uint64_t malformed, rejoins;
    zr_election_watch_t watch;      /* elections as an operator sees them (metrics, events) */
    zr_events_t *events;
} peer_server_t;

static zr_leader_view_t current_view(peer_server_t *self)
{
    zr_vote_t leader;
    bool known = zr_election_leader(self->election, &leader);
    return (zr_leader_view_t) { zr_election_state(self->election), known ? leader.leader_id : -1,
                                known ? leader.epoch : 0 };
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
    if (!self->worker_ready || !zr_election_leader(self->election, &leader))
        return;   /* the gateway has no role actor: it only learns the leader */
    memset(&self->role_args, 0, sizeof self->role_args);
    self->role_args.env = self->env;
    self->role_args.leader_id = leader.leader_id;
    self->role_args.epoch = leader.epoch;
    for (size_t i = 0; i < self->env->config->node_count; i++)
        if (self->members[i].alive)
            zr_id_set_add(&self->role_args.workers, self->env->config->nodes[i].id);
    char err[256] = "";
    self->role = zr_actor_start(state == ZR_PEER_LEADING ? zr_leader_actor : zr_follower_actor,
                                &self->role_args, err, sizeof err);
    if (!self->role)
        zr_error(self->log, "cannot start the %s actor: %s", zr_peer_state_name(state), err);
}

static bool same_view(const zr_leader_view_t *a, const zr_leader_view_t *b)
{
    return a->state == b->state && a->leader_id == b->leader_id && a->epoch == b->epoch;
}

/* Prints the contract's switch line, swaps the role actor, and publishes what changed: the
 * observer's state never changes, so a new leader alone must be published too. */
static void apply_changes(peer_server_t *self)
{
    zr_peer_state_t from, to;
    while (zr_election_take_change(self->election, &from, &to)) {
        zr_log_fact(self->summary, true, "%d: switching from %s to %s", self->env->node_id,
                    zr_peer_state_name(from), zr_peer_state_name(to));
        zr_leader_view_t after = current_view(self);
        zr_election_events_switch(&self->watch, self->events, from, to, &after, zr_env_now(self->env));
        stop_role(self);
        if (to == ZR_PEER_LEADING || to == ZR_PEER_FOLLOWING)
            start_role(self, to);
    }
    zr_leader_view_t view = current_view(self);
    int64_t now = zr_env_now(self->env);
    bool changed = !same_view(&view, &self->published);
    if (changed)
        zr_info(self->log, "state: %s, leader %lld, epoch %llu", zr_peer_state_name(view.state),
                (long long) view.leader_id, (unsigned long long) view.epoch);
    /* PUB drops what a subscriber that connects late would have seen: the view goes out again
     * every REPUBLISH_MS, so the gateway learns the leader even if it subscribed after it. */
    if (changed || now >= self->republish_at) {
        self->published = view;
        zr_inproc_leader_publish(self->leader_pub, &view);
        self->republish_at = now + REPUBLISH_MS;
    }
}

static void flush_outputs(peer_server_t *self)
{
    zr_election_output_t out;
    while (zr_election_next_output(self->election, &out)) {
        zr_election_msg_t msg = { out.notification.sender_state, out.notification.sender_id,
                                  self->incarnation, out.notification.round,
                                  out.notification.vote.leader_id, out.notification.vote.epoch };
        uint8_t buffer[ZR_ELECTION_MSG_SIZE];
        size_t length = 0;
        if (zr_election_msg_encode(&msg, buffer, sizeof buffer, &length) != ZR_ENCODE_OK)
            continue;
        int to = out.kind == ZR_ELECTION_BROADCAST ? ZR_INPROC_BROADCAST : (int) out.to_id;
        zr_inproc_udp_post(self->udp_out, to, ZR_GROUP_ELECTION, buffer, length);
    }
    apply_changes(self);
}

static void from_network(peer_server_t *self)
{
    zframe_t *payload = zr_inproc_udp_in_recv(self->notifications);
    zr_election_msg_t decoded;
    if (!payload || zr_election_msg_decode(zframe_data(payload), zframe_size(payload), &decoded) != ZR_DECODE_OK) {
        self->malformed++;
        zframe_destroy(&payload);
        return;
    }
    zframe_destroy(&payload);
    zr_notification_t notification = { decoded.sender_id, decoded.state,
                                       { decoded.leader_id, decoded.leader_epoch }, decoded.round };
    zr_debug(self->log, "notification from %lld (%s): leader %lld epoch %llu round %llu",
             (long long) decoded.sender_id, zr_peer_state_name(decoded.state), (long long) decoded.leader_id,
             (unsigned long long) decoded.leader_epoch, (unsigned long long) decoded.round);
    zr_election_receive(self->election, &notification, zr_env_now(self->env));
}

/* Workers are the peer nodes; the gateway (also monitored by gossip) never takes work. */
static bool is_worker(const peer_server_t *self, int64_t id)
{
    const zr_node_config_t *node = zr_config_node(self->env->config, (int) id);
    return node && node->role == ZR_ROLE_PEER;
}

static bool leading(const peer_server_t *self)
{
    return self->role && zr_election_state(self->election) == ZR_PEER_LEADING;
}

/* A peer's incarnation has failed (failure detector), or was replaced by a newer one while we
 * thought it alive (back): it no longer votes; if it led, a new election starts; if we lead and
 * it failed, its requests go to the other workers (if it is back, peer_alive tells the leader). */
static void peer_failed(peer_server_t *self, int64_t peer_id, bool back)
{
    zr_vote_t leader;
    bool was_leader = zr_election_leader(self->election, &leader) && leader.leader_id == peer_id;
    zr_election_remove_voter(self->election, peer_id);
    if (was_leader)
        zr_election_restart(self->election, zr_env_now(self->env));
    else if (leading(self) && is_worker(self, peer_id) && !back)
        zr_inproc_send_id(self->role, ZR_CMD_WORKER_DOWN, peer_id);
}

/* A peer is heard (for the first time, or as a new incarnation): it votes, and may work. One
 * that is back without a verdict may still run what it was given: the leader asks it first. */
static void peer_alive(peer_server_t *self, int64_t peer_id, bool back)
{
    zr_election_add_voter(self->election, peer_id);
    if (leading(self) && is_worker(self, peer_id))
        zr_inproc_send_id(self->role, back ? ZR_CMD_WORKER_BACK : ZR_CMD_WORKER_UP, peer_id);
}

static zr_election_t *new_election(peer_server_t *self, uint64_t epoch)
{
    const zr_config_t *config = self->env->config;
    size_t voter_count = 0;
    for (size_t i = 0; i < config->node_count; i++)
        if (config->nodes[i].role == ZR_ROLE_PEER)
            self->voters[voter_count++] = config->nodes[i].id;
    const zr_node_config_t *me = zr_env_me(self->env);
    zr_election_config_t election = {
        .self_id = self->env->node_id, .observer = me->role == ZR_ROLE_GATEWAY, .epoch = epoch,
        .voter_ids = self->voters, .voter_count = voter_count,
    };
    zr_election_config_timings(&election, &config->timings);
    return zr_election_new(&election, zr_env_now(self->env));
}

/* The epoch a rejoining node starts from: past every epoch it knew. A cluster whose members
 * all rejoin at once (a stalled machine) thus elects a leader the gateway takes (it refuses
 * older epochs), while a lone rejoiner still joins the current leader (late joiners accept a
 * quorum's leader of any epoch). */
static uint64_t epoch_after(const zr_election_t *election)
{
    uint64_t epoch = zr_election_epoch(election);
    zr_vote_t leader;
    if (zr_election_leader(election, &leader) && leader.epoch > epoch)
        epoch = leader.epoch;
    return epoch + 1;
}

/* This node came back as a new incarnation (it was declared failed, or paused past it): what it
 * held is dropped, and it looks for the current leader afresh, like a process that restarted. */
static void rejoin(peer_server_t *self, uint64_t incarnation)
{
    zr_info(self->log, "rejoining as incarnation %llu", (unsigned long long) incarnation);
    self->incarnation = incarnation;
    self->rejoins++;
    stop_role(self);
    uint64_t epoch = epoch_after(self->election);
    zr_election_destroy(&self->election);
    self->election = new_election(self, epoch);
    memset(self->members, 0, sizeof self->members);
    zr_leader_view_t fresh = current_view(self);
    zr_election_events_begin(&self->watch, self->events, &fresh, zr_env_now(self->env));
}

/* The membership stream, one incarnation at a time: a newer incarnation replaces an older one
 * (which leaves the election as if failed if nobody said so, but keeps its work until it says
 * what it still runs), a failed one stays failed. */
static void member_changed(peer_server_t *self, const zr_member_event_t *event)
{
    int index = zr_config_index(self->env->config, (int) event->id);
    member_t *member = index >= 0 ? &self->members[index] : NULL;
    if (!member || event->state == ZR_MEMBER_SUSPECT || event->incarnation < member->incarnation)
        return;
    bool newer = event->incarnation > member->incarnation;
    bool back = member->alive && newer && event->state == ZR_MEMBER_ALIVE;   /* no verdict came first */
    if (member->alive && (newer || event->state == ZR_MEMBER_FAILED)) {
        member->alive = false;
        peer_failed(self, event->id, back);
    }
    if (newer && event->state == ZR_MEMBER_ALIVE) {
        member->alive = true;
        peer_alive(self, event->id, back);
    }
    if (newer)
        member->incarnation = event->incarnation;
}

static void from_members(peer_server_t *self)
{
    zr_member_event_t event;
    if (!zr_inproc_member_recv(self->members_stream, &event))
        return;
    if (event.id != self->env->node_id)
        member_changed(self, &event);
    else if (event.incarnation > self->incarnation)
        rejoin(self, event.incarnation);
}

static void answer_stats(peer_server_t *self, zsock_t *pipe)
{
    zr_metrics_t *set = self->role ? zr_inproc_stats(self->role) : NULL;
    set = set ? set : zr_metrics_new();
    zr_metrics_add(set, ZR_M_ELECTION_DROPPED, "malformed", (double) self->malformed);
    zr_metrics_add(set, ZR_M_ELECTION_REJOINS, NULL, (double) self->rejoins);
    zr_leader_view_t view = current_view(self);
    zr_election_watch_metrics(&self->watch, &view, set);
    zr_inproc_stats_reply(pipe, &set);
}

/* The node's worker (and its runner pool) is ready: a role actor decided before can start. */
static void worker_ready(peer_server_t *self)
{
    self->worker_ready = true;
    zr_peer_state_t state = zr_election_state(self->election);
    if (!self->role && (state == ZR_PEER_LEADING || state == ZR_PEER_FOLLOWING))
        start_role(self, state);
}

static bool handle_pipe(peer_server_t *self, zsock_t *pipe)
{
    zr_inproc_command_t command;
    bool go_on = zr_inproc_command_recv(pipe, &command) && !zr_inproc_is(&command, ZR_CMD_TERM);
    if (zr_inproc_is(&command, ZR_CMD_WORKER))
        worker_ready(self);
    else if (zr_inproc_is(&command, ZR_CMD_STATS))
        answer_stats(self, pipe);
    zr_inproc_command_fini(&command);
    return go_on;
}

static int peer_server_start(peer_server_t *self, char *err, size_t size)
{
    const zr_config_t *config = self->env->config;
    int node_id = self->env->node_id;
    if (!zr_env_me(self->env)) {
        snprintf(err, size, "node %d is not in the cluster file", node_id);
        return -1;
    }
    self->log = zr_log_open(config->log_dir, node_id, "peer-server");
    self->summary = zr_log_open(config->log_dir, node_id, "summary");
    self->notifications = zr_inproc_udp_in_subscribe(self->env, ZR_MSG_ELECTION);
    self->members_stream = zr_inproc_members_subscribe(self->env);
    self->udp_out = zr_inproc_udp_out_connect(self->env);
    self->published.leader_id = -2;   /* never a real view: the first one goes out */
    if (!(self->leader_pub = zr_inproc_bind(self->env, ZMQ_PUB, ZR_INPROC_LEADER, err, size)))
        return -1;
    self->election = new_election(self, 0);
    self->events = zr_events_open(self->env);
    zr_leader_view_t first = current_view(self);
    zr_election_events_begin(&self->watch, self->events, &first, zr_env_now(self->env));
    return 0;
}

static void peer_server_stop(peer_server_t *self)
{
    zr_actor_stop(&self->role);
    zr_election_destroy(&self->election);
    zr_events_close(&self->events);
    zsock_destroy(&self->leader_pub);
    zsock_destroy(&self->udp_out);
    zsock_destroy(&self->notifications);
    zsock_destroy(&self->members_stream);
    zr_log_close(&self->summary);
    zr_log_close(&self->log);
}

static int poll_timeout(peer_server_t *self)
{
    int64_t deadline = zr_election_next_deadline(self->election);
    return zr_clock_poll_timeout(&self->env->clock, deadline < self->republish_at ? deadline : self->republish_at);
}

void zr_peer_server_actor(zsock_t *pipe, void *args)
{
    zr_actor_name("peer-server");
    peer_server_t self = { .env = args, .incarnation = ((const zr_env_t *) args)->incarnation };
    char err[256] = "";
    if (peer_server_start(&self, err, sizeof err) != 0) {
        peer_server_stop(&self);
        zr_actor_failed(pipe, err);
        return;
    }
    zpoller_t *poller = zpoller_new(pipe, self.notifications, self.members_stream, NULL);
    zr_actor_ready(pipe);
    zr_info(self.log, "election started");
    flush_outputs(&self);
    for (bool running = true; running;) {
        void *which = zpoller_wait(poller, poll_timeout(&self));
        if (which == self.notifications)
            from_network(&self);
        else if (which == self.members_stream)
            from_members(&self);
        else if (which == pipe)
            running = handle_pipe(&self, pipe);
        else if (zpoller_terminated(poller))
            running = false;
        zr_election_tick(self.election, zr_env_now(self.env));
        flush_outputs(&self);
    }
    zpoller_destroy(&poller);
    peer_server_stop(&self);
}
