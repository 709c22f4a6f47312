/* zr_udp_receiver: the actor that owns a node's DISH. Every datagram is authenticated (unless
 * insecure), decoded, checked to come from a known, live peer (the one its envelope names),
 * counted, and republished by type; anything else is dropped. */
#include "actors/transport/zr_udp_actors.h"
#include "proto/zr_proto.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_log.h"

typedef struct {
    const zr_config_t *config;
    int node_id;
    zr_udp_bus_t *bus;
    zsock_t *publisher;
    zr_log_t *log;
    bool dropped_peer[ZR_CONFIG_MAX_NODES];   /* by index in config->nodes */
    zr_decode_stats_t decode;
    zr_proto_msg_t *scratch;                  /* decoded message, kept off the stack */
    zsock_t *members;                         /* membership changes (FAILED: drop the peer) */
    uint64_t from_unknown, from_dropped, wrong_transport, sender_mismatch, delivered;
} receiver_t;

static int node_index(const zr_config_t *config, int64_t id)
{
    for (size_t i = 0; i < config->node_count; i++)
        if (config->nodes[i].id == id)
            return (int) i;
    return -1;
}

/* The sender id every UDP message carries, after a full decode; it must be the one the
 * envelope authenticated (envelope_sender; -1 when the cluster runs insecure). */
static int validate(receiver_t *self, const uint8_t *data, size_t size, int64_t envelope_sender,
                    int *type)
{
    zr_proto_msg_t *msg = self->scratch;
    zr_decode_status_t status = zr_proto_decode(data, size, msg);
    zr_decode_stats_add(&self->decode, status);
    if (status != ZR_DECODE_OK) {
        zr_debug(self->log, "dropped %zu-byte datagram: %s", size, zr_decode_status_name(status));
        return -1;
    }
    *type = msg->type;
    if (msg->type != ZR_MSG_ELECTION && msg->type != ZR_MSG_GOSSIP) {
        self->wrong_transport++;
        return -1;
    }
    int64_t sender = msg->type == ZR_MSG_ELECTION ? msg->election.sender_id : msg->gossip.sender_id;
    if (envelope_sender >= 0 && envelope_sender != sender) {
        self->sender_mismatch++;
        return -1;
    }
    int index = sender == self->node_id ? -1 : node_index(self->config, sender);
    if (index < 0) {
        self->from_unknown++;
        zr_debug(self->log, "dropped %s from unknown sender %lld", zr_msg_type_name(msg->type),
                 (long long) sender);
        return -1;
    }
    if (self->dropped_peer[index]) {
        self->from_dropped++;
        return -1;
    }
    return 0;
}

static void drain_datagrams(receiver_t *self)
{
    uint8_t buffer[ZR_UDP_MAX_PAYLOAD];
    size_t size;
    zr_udp_group_t group;
    int64_t envelope_sender;
    while (zr_udp_bus_recv_from(self->bus, &group, buffer, &size, &envelope_sender)) {
        int type = 0;
        if (validate(self, buffer, size, envelope_sender, &type) != 0)
            continue;
        zr_inproc_udp_in_publish(self->publisher, (zr_msg_type_t) type, buffer, size);
        self->delivered++;
    }
}

static void answer_stats(receiver_t *self, zsock_t *pipe)
{
    zr_udp_bus_stats_t bus = zr_udp_bus_stats(self->bus);
    zstr_sendf(pipe,
               "zrun_udp_received_total %llu\nzrun_udp_delivered_total %llu\n"
               "zrun_udp_dropped_total{reason=\"malformed\"} %llu\n"
               "zrun_udp_dropped_total{reason=\"unknown_sender\"} %llu\n"
               "zrun_udp_dropped_total{reason=\"failed_sender\"} %llu\n"
               "zrun_udp_dropped_total{reason=\"wrong_transport\"} %llu\n"
               "zrun_udp_dropped_total{reason=\"oversize\"} %llu\n"
               "zrun_udp_dropped_total{reason=\"unauthenticated\"} %llu\n"
               "zrun_udp_dropped_total{reason=\"forged\"} %llu\n"
               "zrun_udp_dropped_total{reason=\"replayed\"} %llu\n"
               "zrun_udp_dropped_total{reason=\"old_incarnation\"} %llu\n"
               "zrun_udp_dropped_total{reason=\"sender_mismatch\"} %llu\n"
               "zrun_udp_dropped_total{reason=\"too_many_senders\"} %llu\n",
               (unsigned long long) bus.received, (unsigned long long) self->delivered,
               (unsigned long long) zr_decode_stats_dropped(&self->decode),
               (unsigned long long) self->from_unknown, (unsigned long long) self->from_dropped,
               (unsigned long long) self->wrong_transport, (unsigned long long) bus.recv_oversize,
               (unsigned long long) bus.recv_unsealed, (unsigned long long) bus.recv_forged,
               (unsigned long long) bus.recv_replayed, (unsigned long long) bus.recv_old_incarnation,
               (unsigned long long) self->sender_mismatch, (unsigned long long) bus.recv_senders_full);
}

/* Crash-stop: every later message from a failed peer is dropped (and counted). */
static void drop_peer(receiver_t *self, int64_t id)
{
    int index = node_index(self->config, id);
    if (index >= 0 && !self->dropped_peer[index]) {
        self->dropped_peer[index] = true;
        zr_info(self->log, "dropping every later message from node %lld", (long long) id);
    }
}

/* Returns false when the actor must end. */
static bool handle_pipe(receiver_t *self, zsock_t *pipe)
{
    zr_inproc_command_t command;
    bool go_on = zr_inproc_command_recv(pipe, &command) && !zr_inproc_is(&command, ZR_CMD_TERM);
    if (zr_inproc_is(&command, ZR_CMD_STATS))
        answer_stats(self, pipe);
    zr_inproc_command_fini(&command);
    return go_on;
}

static void from_members(receiver_t *self)
{
    zr_member_event_t event;
    if (zr_inproc_member_recv(self->members, &event) && event.state == ZR_MEMBER_FAILED)
        drop_peer(self, event.id);
}

static int receiver_start(receiver_t *self, const zr_env_t *env, char *err, size_t size)
{
    self->config = env->config;
    self->node_id = env->node_id;
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
    zr_log_close(&self->log);
}

void zr_udp_receiver_actor(zsock_t *pipe, void *args)
{
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
        if (which == pipe && !handle_pipe(&self, pipe))
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
