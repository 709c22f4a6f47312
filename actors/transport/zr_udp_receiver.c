/* zr_udp_receiver: the actor that owns a node's DISH. Every datagram is authenticated (unless
 * insecure), decoded, checked to come from a known peer (the one its envelope names; an election
 * one from a live incarnation), counted, and republished by type; anything else is dropped. */
#include "actors/transport/zr_udp_actors.h"
#include "proto/zr_proto.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_event.h"
#include "runtime/zr_log.h"

typedef struct {
    const zr_config_t *config;
    int node_id;
    zr_udp_bus_t *bus;
    zsock_t *publisher;
    zr_log_t *log;
    uint64_t failed_incarnation[ZR_CONFIG_MAX_NODES];   /* by index in config->nodes; 0: none */
    uint64_t incarnation;                     /* our own: a newer one is a rejoin, a fresh view */
    zr_decode_stats_t decode;
    zr_proto_msg_t *scratch;                  /* decoded message, kept off the stack */
    zsock_t *members;                         /* membership changes (FAILED: drop the peer) */
    uint64_t from_unknown, from_dropped, wrong_transport, sender_mismatch, delivered;
    const zr_env_t *env;
    zr_events_t *events;                      /* drop events, at most one a second */
    zr_event_throttle_t drops;
} receiver_t;

/* NULL if the datagram may go on, else why it is dropped. The sender id every UDP message
 * carries must be the one the envelope authenticated (envelope_sender; -1 when insecure). */
static const char *validate(receiver_t *self, const uint8_t *data, size_t size, int64_t envelope_sender,
                            int *type)
{
    zr_proto_msg_t *msg = self->scratch;
    zr_decode_status_t status = zr_proto_decode(data, size, msg);
    zr_decode_stats_add(&self->decode, status);
    if (status != ZR_DECODE_OK) {
        zr_debug(self->log, "dropped %zu-byte datagram: %s", size, zr_decode_status_name(status));
        return "malformed";
    }
    *type = msg->type;
    if (msg->type != ZR_MSG_ELECTION && msg->type != ZR_MSG_GOSSIP) {
        self->wrong_transport++;
        return "wrong_transport";
    }
    bool election = msg->type == ZR_MSG_ELECTION;
    int64_t sender = election ? msg->election.sender_id : msg->gossip.sender_id;
    if (envelope_sender >= 0 && envelope_sender != sender) {
        self->sender_mismatch++;
        return "sender_mismatch";
    }
    int index = sender == self->node_id ? -1 : zr_config_index(self->config, sender);
    if (index < 0) {
        self->from_unknown++;
        zr_debug(self->log, "dropped %s from unknown sender %lld", zr_msg_type_name(msg->type),
                 (long long) sender);
        return "unknown_sender";
    }
    /* Crash-stop per incarnation: a failed incarnation's (or an older one's) votes are dropped.
     * Gossip goes on to the detector, which reads what a failed sender says of us. */
    if (election && msg->election.incarnation <= self->failed_incarnation[index]) {
        self->from_dropped++;
        return "failed_sender";
    }
    return NULL;
}

static void drain_datagrams(receiver_t *self)
{
    uint8_t buffer[ZR_UDP_MAX_PAYLOAD];
    size_t size;
    zr_udp_group_t group;
    int64_t envelope_sender;
    while (zr_udp_bus_recv_from(self->bus, &group, buffer, &size, &envelope_sender)) {
        int type = 0;
        const char *dropped = validate(self, buffer, size, envelope_sender, &type);
        if (dropped) {
            zr_event_drop(self->events, &self->drops, zr_env_now(self->env), "udp", dropped);
            continue;
        }
        zr_inproc_udp_in_publish(self->publisher, (zr_msg_type_t) type, buffer, size);
        self->delivered++;
    }
}

static zr_metrics_t *collect_stats(void *arg)
{
    receiver_t *self = arg;
    zr_udp_bus_stats_t bus = zr_udp_bus_stats(self->bus);
    zr_metrics_t *set = zr_metrics_new();
    zr_metrics_add(set, ZR_M_UDP_RECEIVED, NULL, (double) bus.received);
    zr_metrics_add(set, ZR_M_UDP_DELIVERED, NULL, (double) self->delivered);
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "malformed", (double) zr_decode_stats_dropped(&self->decode));
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "unknown_sender", (double) self->from_unknown);
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "failed_sender", (double) self->from_dropped);
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "wrong_transport", (double) self->wrong_transport);
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "oversize", (double) bus.recv_oversize);
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "unauthenticated", (double) bus.recv_unsealed);
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "forged", (double) bus.recv_forged);
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "replayed", (double) bus.recv_replayed);
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "old_incarnation", (double) bus.recv_old_incarnation);
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "sender_mismatch", (double) self->sender_mismatch);
    zr_metrics_add(set, ZR_M_UDP_DROPPED, "too_many_senders", (double) bus.recv_senders_full);
    return set;
}

/* Crash-stop: every later election message from that incarnation of the peer (or an older one)
 * is dropped (and counted). */
static void drop_incarnation(receiver_t *self, int64_t id, uint64_t incarnation)
{
    int index = zr_config_index(self->config, id);
    if (index >= 0 && incarnation > self->failed_incarnation[index]) {
        self->failed_incarnation[index] = incarnation;
        zr_info(self->log, "dropping election messages from node %lld up to incarnation %llu",
                (long long) id, (unsigned long long) incarnation);
    }
}


/* A failure filters its incarnation; our own rejoin starts a fresh view (no verdicts kept). */
static void from_members(receiver_t *self)
{
    zr_member_event_t event;
    if (!zr_inproc_member_recv(self->members, &event))
        return;
    if (event.state == ZR_MEMBER_FAILED)
        drop_incarnation(self, event.id, event.incarnation);
    else if (event.id == self->node_id && event.incarnation > self->incarnation) {
        self->incarnation = event.incarnation;
        memset(self->failed_incarnation, 0, sizeof self->failed_incarnation);
    }
}

static int receiver_start(receiver_t *self, const zr_env_t *env, char *err, size_t size)
{
    self->config = env->config;
    self->node_id = env->node_id;
    self->incarnation = env->incarnation;
    self->env = env;
    self->events = zr_events_open(env);
    self->log = zr_log_open(env->config->log_dir, env->node_id, "udp-receiver");
    const zr_node_config_t *me = zr_env_me(env);
    if (!me) {
        snprintf(err, size, "node %d is not in the cluster file", env->node_id);
        return -1;
    }
    self->bus = zr_udp_bus_new(me->ipv4, me->udp_port, err, size);
    if (self->bus && env->keys)
        zr_udp_bus_authenticate(self->bus, zr_keys_datagram_key(env->keys), env->node_id, env->incarnation);
    if (!self->bus || !(self->publisher = zr_inproc_bind(env, ZMQ_PUB, ZR_INPROC_UDP_IN, err, size)))
        return -1;
    self->scratch = calloc(1, sizeof *self->scratch);
    self->members = zr_inproc_members_subscribe(env);
    zr_info(self->log, "listening on udp://%s:%d", me->ipv4, me->udp_port);
    return 0;
}

static void receiver_stop(receiver_t *self)
{
    zsock_destroy(&self->members);
    free(self->scratch);
    zsock_destroy(&self->publisher);
    zr_udp_bus_destroy(&self->bus);
    zr_events_close(&self->events);
    zr_log_close(&self->log);
}

void zr_udp_receiver_actor(zsock_t *pipe, void *args)
{
    zr_actor_name("udp-receiver");
    receiver_t self = { 0 };
    char err[256] = "";
    if (receiver_start(&self, args, err, sizeof err) != 0) {
        receiver_stop(&self);
        zr_actor_failed(pipe, err);
        return;
    }
    zpoller_t *poller = zpoller_new(pipe, zr_udp_bus_socket(self.bus), self.members, NULL);
    zr_actor_ready(pipe);
    for (;;) {
        void *which = zpoller_wait(poller, -1);
        if (which == pipe && !zr_inproc_serve_stats(pipe, collect_stats, &self))
            break;
        if (which == zr_udp_bus_socket(self.bus))
            drain_datagrams(&self);
        if (which == self.members)
            from_members(&self);
        if (!which && zpoller_terminated(poller))
            break;
    }
    zpoller_destroy(&poller);
    receiver_stop(&self);
}
