/* zr_heartbeat: gossip shell. Feeds gossip from the UDP receiver into the core, posts its messages
 * to the UDP sender, logs its facts in the contract's words, publishes membership, rejoins. */
#include "actors/gossip/zr_heartbeat.h"
#include "actors/gossip/zr_gossip.h"
#include "actors/gossip/zr_gossip_events.h"
#include "actors/gossip/zr_gossip_metrics.h"
#include "actors/gossip/zr_gossip_text.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_inproc.h"
#include "runtime/zr_log.h"
#include "runtime/zr_udp_bus.h"

#define REPUBLISH_MS 1000   /* the whole membership again: PUB drops what late subscribers missed */

typedef struct {
    const zr_env_t *env;
    zr_gossip_t *gossip;
    zsock_t *incoming, *udp_out, *members, *leader_views;
    zr_gossip_view_t view;          /* what we tell of ourselves: the leader we know, our load */
    zr_log_t *log, *summary, *verbose;
    zr_gossip_msg_t *scratch;       /* decoded message: 1.3 KB, kept off the stack */
    int64_t republish_at;
    uint64_t malformed;
    zr_events_t *events;            /* suspicions, failures, joins, rejoins for the monitor port */
} heartbeat_t;

/* Each fact goes where the contract says: RECEIVED to the verbose log; FAILED to the summary
 * log and stdout; UPDATED and the membership facts to the summary log; CLEANED to debug. */
static void write_facts(heartbeat_t *self)
{
    zr_gossip_fact_t fact;
    char line[2048];
    while (zr_gossip_next_fact(self->gossip, &fact)) {
        zr_gossip_fact_text(&fact, line, sizeof line);
        zr_gossip_events_fact(self->events, &fact);
        if (fact.kind == ZR_GOSSIP_FACT_RECEIVED)
            zr_log_fact(self->verbose, false, "%s", line);
        else if (fact.kind == ZR_GOSSIP_FACT_FAILED)
            zr_log_fact(self->summary, true, "%s", line);
        else if (fact.kind == ZR_GOSSIP_FACT_CLEANED)
            zr_debug(self->log, "%s", line);
        else
            zr_log_fact(self->summary, false, "%s", line);
    }
}

static void publish(heartbeat_t *self, int64_t id, uint64_t incarnation, zr_gossip_state_t state)
{
    static const zr_member_state_t states[] = { ZR_MEMBER_ALIVE, ZR_MEMBER_SUSPECT, ZR_MEMBER_FAILED,
                                                ZR_MEMBER_FAILED };
    zr_member_event_t event = { id, incarnation, states[state] };
    zr_inproc_member_publish(self->members, &event);
}

static void publish_changes(heartbeat_t *self)
{
    zr_gossip_change_t change;
    while (zr_gossip_next_change(self->gossip, &change))
        publish(self, change.id, change.incarnation, change.state);
}

/* Every member heard of, and ourselves, once a second: subscribers are idempotent, and one that
 * connected late (or missed a message) catches up. */
static void republish_all(heartbeat_t *self, int64_t now_ms)
{
    if (now_ms < self->republish_at)
        return;
    zr_gossip_server_t server;
    for (size_t i = 0; zr_gossip_server_at(self->gossip, i, &server); i++)
        if (server.incarnation)
            publish(self, server.id, server.incarnation, server.state);
    zr_gossip_stats_t stats;
    zr_gossip_stats(self->gossip, &stats);
    publish(self, self->env->node_id, stats.incarnation, ZR_GOSSIP_ALIVE);
    self->republish_at = now_ms + REPUBLISH_MS;
}

/* The cluster gave up on this incarnation (or we were paused past it): come back as a new one,
 * with a fresh table; the rest of the process hears it as our own id joining again. */
static void rejoin_if_due(heartbeat_t *self)
{
    int64_t source = -1;
    zr_gossip_rejoin_t reason = zr_gossip_take_rejoin(self->gossip, &source);
    if (reason == ZR_GOSSIP_REJOIN_NONE)
        return;
    zr_gossip_stats_t stats;
    zr_gossip_stats(self->gossip, &stats);
    uint64_t wall = (uint64_t) zr_clock_wall_ms();
    uint64_t incarnation = wall > stats.incarnation ? wall : stats.incarnation + 1;
    zr_gossip_rejoin(self->gossip, incarnation, reason, source, zr_env_now(self->env));
    zr_member_event_t me = { self->env->node_id, incarnation, ZR_MEMBER_ALIVE };
    zr_inproc_member_publish(self->members, &me);
}

static void flush(heartbeat_t *self)
{
    rejoin_if_due(self);
    zr_gossip_output_t out;
    while (zr_gossip_next_output(self->gossip, &out)) {
        uint8_t buffer[ZR_UDP_MAX_PAYLOAD];
        size_t length = 0;
        if (zr_gossip_msg_encode(&out.msg, buffer, sizeof buffer, &length) == ZR_ENCODE_OK)
            zr_inproc_udp_post(self->udp_out, (int) out.to_id, ZR_GROUP_GOSSIP, buffer, length);
    }
    write_facts(self);
    publish_changes(self);
    republish_all(self, zr_env_now(self->env));
}

static void from_network(heartbeat_t *self)
{
    zr_gossip_msg_t *msg = self->scratch;
    zframe_t *payload = zr_inproc_udp_in_recv(self->incoming);
    if (payload && zr_gossip_msg_decode(zframe_data(payload), zframe_size(payload), msg) == ZR_DECODE_OK)
        zr_gossip_receive(self->gossip, msg, zr_env_now(self->env));
    else
        self->malformed++;
    zframe_destroy(&payload);
}

/* The peer server's view of the election: told to everyone in our heartbeats. */
static void from_peer_server(heartbeat_t *self)
{
    zr_leader_view_t view;
    if (!zr_inproc_leader_recv(self->leader_views, &view))
        return;
    bool known = view.leader_id >= 0;
    self->view.flags = (uint8_t) ((self->view.flags & ~ZR_GOSSIP_VIEW_LEADER) | (known ? ZR_GOSSIP_VIEW_LEADER : 0));
    self->view.leader_id = known ? view.leader_id : 0;
    self->view.epoch = view.epoch;
    zr_gossip_set_view(self->gossip, &self->view);
}

static zr_metrics_t *collect_stats(void *arg)
{
    heartbeat_t *self = arg;
    zr_metrics_t *set = zr_metrics_new();
    zr_gossip_metrics(self->gossip, zr_env_now(self->env), set);
    zr_metrics_add(set, ZR_M_GOSSIP_DROPPED, "malformed", (double) self->malformed);
    return set;
}


static int heartbeat_start(heartbeat_t *self, char *err, size_t size)
{
    const zr_config_t *config = self->env->config;
    int node_id = self->env->node_id;
    int64_t ids[ZR_CONFIG_MAX_NODES];
    for (size_t i = 0; i < config->node_count; i++)
        ids[i] = config->nodes[i].id;
    zr_gossip_config_t gossip = { .self_id = node_id, .self_incarnation = self->env->incarnation,
                                  .server_ids = ids, .server_count = config->node_count };
    zr_gossip_config_timings(&gossip, &config->timings);
    gossip.first_seq = (uint64_t) zr_clock_wall_ms();
    gossip.random_seed = (uint64_t) zr_clock_wall_ms() * 31 + (uint64_t) node_id;
    self->gossip = zr_gossip_new(&gossip, zr_env_now(self->env));
    if (!self->gossip) {
        snprintf(err, size, "invalid gossip timings (base %d ms, suspect %d ms, fail %d ms, cleanup %d ms)",
                 config->timings.base_interval_ms, config->timings.suspect_after_ms,
                 config->timings.fail_after_ms, config->timings.cleanup_after_ms);
        return -1;
    }
    self->scratch = calloc(1, sizeof *self->scratch);
    self->log = zr_log_open(config->log_dir, node_id, "heartbeat");
    self->summary = zr_log_open(config->log_dir, node_id, "summary");
    self->verbose = zr_log_open(config->log_dir, node_id, "verbose");
    self->events = zr_events_open(self->env);
    self->incoming = zr_inproc_udp_in_subscribe(self->env, ZR_MSG_GOSSIP);
    self->leader_views = zr_inproc_leader_subscribe(self->env);
    self->udp_out = zr_inproc_udp_out_connect(self->env);
    self->members = zr_inproc_bind(self->env, ZMQ_PUB, ZR_INPROC_MEMBERS, err, size);
    return self->members ? 0 : -1;
}

static void heartbeat_stop(heartbeat_t *self)
{
    zsock_destroy(&self->members);
    zsock_destroy(&self->udp_out);
    zsock_destroy(&self->incoming);
    zsock_destroy(&self->leader_views);
    zr_log_close(&self->verbose);
    zr_log_close(&self->summary);
    zr_events_close(&self->events);
    zr_log_close(&self->log);
    free(self->scratch);
    zr_gossip_destroy(&self->gossip);
}

static int poll_timeout(heartbeat_t *self)
{
    int64_t deadline = zr_gossip_next_deadline(self->gossip);
    return zr_clock_poll_timeout(&self->env->clock, deadline < self->republish_at ? deadline : self->republish_at);
}

void zr_heartbeat_actor(zsock_t *pipe, void *args)
{
    zr_actor_name("heartbeat");
    heartbeat_t self = { .env = args };
    char err[256] = "";
    if (heartbeat_start(&self, err, sizeof err) != 0) {
        heartbeat_stop(&self);
        zr_actor_failed(pipe, err);
        return;
    }
    zpoller_t *poller = zpoller_new(pipe, self.incoming, self.leader_views, NULL);
    zr_actor_ready(pipe);
    for (bool running = true; running;) {
        void *which = zpoller_wait(poller, poll_timeout(&self));
        if (which == self.incoming)
            from_network(&self);
        else if (which == self.leader_views)
            from_peer_server(&self);
        else if (which == pipe)
            running = zr_inproc_serve_stats(pipe, collect_stats, &self);
        else if (zpoller_terminated(poller))
            running = false;
        zr_gossip_tick(self.gossip, zr_env_now(self.env));
        flush(&self);
    }
    zpoller_destroy(&poller);
    heartbeat_stop(&self);
}
