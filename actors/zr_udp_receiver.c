/* zr_udp_receiver: the actor that owns a node's DISH. Every datagram is decoded, checked to
 * come from a known, live peer, counted, and republished by type; anything else is dropped. */
#include "actors/zr_udp_actors.h"
#include "actors/zr_heartbeat.h"
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
    zsock_t *failures;                        /* the heartbeat actor's "FAILED <id>" */
    uint64_t from_unknown, from_dropped, wrong_transport, delivered;
} receiver_t;

static int node_index(const zr_config_t *config, int64_t id)
{
    for (size_t i = 0; i < config->node_count; i++)
        if (config->nodes[i].id == id)
            return (int) i;
    return -1;
}

/* The sender id every UDP message carries, after a full decode. */
static int validate(receiver_t *self, const uint8_t *data, size_t size, int *type)
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
    while (zr_udp_bus_recv(self->bus, &group, buffer, &size)) {
        int type = 0;
        if (validate(self, buffer, size, &type) != 0)
            continue;
        uint8_t topic = (uint8_t) type;
        zmsg_t *msg = zmsg_new();
        zmsg_addmem(msg, &topic, 1);
        zmsg_addmem(msg, buffer, size);
        zmsg_send(&msg, self->publisher);
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
               "zrun_udp_dropped_total{reason=\"oversize\"} %llu\n",
               (unsigned long long) bus.received, (unsigned long long) self->delivered,
               (unsigned long long) zr_decode_stats_dropped(&self->decode),
               (unsigned long long) self->from_unknown, (unsigned long long) self->from_dropped,
               (unsigned long long) self->wrong_transport, (unsigned long long) bus.recv_oversize);
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
    char *command = NULL, *argument = NULL;
    if (zstr_recvx(pipe, &command, &argument, NULL) < 1)
        return false;
    bool go_on = !zr_actor_is_term(command);
    if (streq(command, "DROP") && argument)
        drop_peer(self, atoll(argument));
    else if (streq(command, "STATS"))
        answer_stats(self, pipe);
    zstr_free(&command);
    zstr_free(&argument);
    return go_on;
}

static int receiver_start(receiver_t *self, const zr_udp_actor_args_t *args, char *err, size_t size)
{
    self->config = args->config;
    self->node_id = args->node_id;
    self->log = zr_log_open(args->config->log_dir, args->node_id, "udp-receiver");
    const zr_node_config_t *me = zr_config_node(args->config, args->node_id);
    if (!me) {
        snprintf(err, size, "node %d is not in the cluster file", args->node_id);
        return -1;
    }
    self->bus = zr_udp_bus_new(me->ipv4, me->udp_port, err, size);
    if (!self->bus)
        return -1;
    self->publisher = zsock_new_pub(NULL);
    zsock_set_linger(self->publisher, 0);
    if (zsock_bind(self->publisher, "inproc://zrun-%d-udp-in", args->node_id) != 0) {
        snprintf(err, size, "cannot bind inproc://zrun-%d-udp-in", args->node_id);
        return -1;
    }
    self->scratch = calloc(1, sizeof *self->scratch);
    self->failures = zr_heartbeat_subscribe_failures(args->node_id);
    zr_info(self->log, "listening on udp://%s:%d", me->ipv4, me->udp_port);
    return 0;
}

static void receiver_stop(receiver_t *self)
{
    zsock_destroy(&self->failures);
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
    zpoller_t *poller = zpoller_new(pipe, zr_udp_bus_socket(self.bus), self.failures, NULL);
    zr_actor_ready(pipe);
    for (;;) {
        void *which = zpoller_wait(poller, -1);
        if (which == pipe && !handle_pipe(&self, pipe))
            break;
        if (which == zr_udp_bus_socket(self.bus))
            drain_datagrams(&self);
        if (which == self.failures) {
            int64_t failed = zr_heartbeat_failed_id(self.failures);
            if (failed >= 0)
                drop_peer(&self, failed);
        }
        if (!which && zpoller_terminated(poller))
            break;
    }
    zpoller_destroy(&poller);
    receiver_stop(&self);
}

zsock_t *zr_udp_receiver_subscribe(int node_id, zr_msg_type_t type)
{
    uint8_t topic = (uint8_t) type;
    return zr_actor_subscribe(&topic, 1, "inproc://zrun-%d-udp-in", node_id);
}
