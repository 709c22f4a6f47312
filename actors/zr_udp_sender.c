/* zr_udp_sender: the actor that owns a node's RADIOs, one per peer in the cluster file.
 * Producers PUSH [peer id][group][payload] into inproc://zrun-<id>-udp-out; it sends them. */
#include "actors/zr_udp_actors.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_log.h"

typedef struct {
    zr_udp_bus_t *bus;
    zsock_t *inbox;
    zr_log_t *log;
    uint64_t malformed;
} sender_t;

static int sender_start(sender_t *self, const zr_udp_actor_args_t *args, char *err, size_t size)
{
    self->log = zr_log_open(args->config->log_dir, args->node_id, "udp-sender");
    self->bus = zr_udp_bus_new_sender();
    for (size_t i = 0; i < args->config->node_count; i++) {
        const zr_node_config_t *peer = &args->config->nodes[i];
        if (peer->id != args->node_id
            && zr_udp_bus_add_peer(self->bus, peer->id, peer->ipv4, peer->udp_port, err, size) != 0)
            return -1;
    }
    self->inbox = zsock_new(ZMQ_PULL);
    zsock_set_linger(self->inbox, 0);
    if (zsock_bind(self->inbox, "inproc://zrun-%d-udp-out", args->node_id) != 0) {
        snprintf(err, size, "cannot bind inproc://zrun-%d-udp-out", args->node_id);
        return -1;
    }
    zr_info(self->log, "sending to %zu peers", zr_udp_bus_peer_count(self->bus));
    return 0;
}

static void sender_stop(sender_t *self)
{
    zsock_destroy(&self->inbox);
    zr_udp_bus_destroy(&self->bus);
    zr_log_close(&self->log);
}

static void send_one(sender_t *self)
{
    zmsg_t *msg = zmsg_recv(self->inbox);
    zframe_t *peer = msg ? zmsg_first(msg) : NULL, *group = msg ? zmsg_next(msg) : NULL;
    zframe_t *payload = msg ? zmsg_next(msg) : NULL;
    int32_t peer_id;
    uint8_t group_id;
    if (!payload || zframe_size(peer) != sizeof peer_id || zframe_size(group) != 1) {
        self->malformed++;
        zmsg_destroy(&msg);
        return;
    }
    memcpy(&peer_id, zframe_data(peer), sizeof peer_id);
    group_id = *zframe_data(group);
    if (peer_id == ZR_UDP_BROADCAST)
        zr_udp_bus_broadcast(self->bus, group_id, zframe_data(payload), zframe_size(payload));
    else
        zr_udp_bus_send(self->bus, peer_id, group_id, zframe_data(payload), zframe_size(payload));
    zmsg_destroy(&msg);
}

static void answer_stats(sender_t *self, zsock_t *pipe)
{
    zr_udp_bus_stats_t bus = zr_udp_bus_stats(self->bus);
    zstr_sendf(pipe,
               "zrun_udp_sent_total %llu\nzrun_udp_send_refused_total{reason=\"oversize\"} %llu\n"
               "zrun_udp_send_refused_total{reason=\"unknown_peer\"} %llu\n"
               "zrun_udp_send_refused_total{reason=\"failed\"} %llu\n",
               (unsigned long long) bus.sent, (unsigned long long) bus.send_oversize,
               (unsigned long long) bus.send_unknown_peer,
               (unsigned long long) (bus.send_failed + self->malformed));
}

void zr_udp_sender_actor(zsock_t *pipe, void *args)
{
    sender_t self = { 0 };
    char err[256] = "";
    if (sender_start(&self, args, err, sizeof err) != 0) {
        sender_stop(&self);
        zr_actor_failed(pipe, err);
        return;
    }
    zpoller_t *poller = zpoller_new(pipe, self.inbox, NULL);
    zr_actor_ready(pipe);
    for (bool running = true; running;) {
        void *which = zpoller_wait(poller, -1);
        if (which == self.inbox)
            send_one(&self);
        else if (which == pipe) {
            char *command = zstr_recv(pipe);
            running = command && !zr_actor_is_term(command);
            if (command && streq(command, "STATS"))
                answer_stats(&self, pipe);
            zstr_free(&command);
        } else
            running = !zpoller_terminated(poller);
    }
    zpoller_destroy(&poller);
    sender_stop(&self);
}

zsock_t *zr_udp_sender_connect(int node_id)
{
    zsock_t *push = zsock_new(ZMQ_PUSH);
    zsock_set_linger(push, 0);
    zsock_set_sndhwm(push, 10000);
    zsock_connect(push, "inproc://zrun-%d-udp-out", node_id);
    return push;
}

int zr_udp_sender_post(zsock_t *push, int peer_id, zr_udp_group_t group,
                       const uint8_t *data, size_t size)
{
    int32_t peer = peer_id;
    uint8_t group_id = (uint8_t) group;
    zmsg_t *msg = zmsg_new();
    zmsg_addmem(msg, &peer, sizeof peer);
    zmsg_addmem(msg, &group_id, 1);
    zmsg_addmem(msg, data, size);
    return zmsg_send(&msg, push);
}
