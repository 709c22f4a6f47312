/* zr_udp_sender: the actor that owns a node's RADIOs, one per peer in the cluster file.
 * Producers post datagrams to its inproc PULL (zr_inproc_udp_post); it sends them. */
#include "actors/transport/zr_udp_actors.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_log.h"

typedef struct {
    zr_udp_bus_t *bus;
    zsock_t *inbox;
    zr_log_t *log;
    uint64_t malformed;
} sender_t;

static int sender_start(sender_t *self, const zr_env_t *env, char *err, size_t size)
{
    self->log = zr_log_open(env->config->log_dir, env->node_id, "udp-sender");
    self->bus = zr_udp_bus_new_sender();
    if (env->keys)   /* every datagram sealed: our id, incarnation, a sequence, the HMAC */
        zr_udp_bus_authenticate(self->bus, zr_keys_datagram_key(env->keys), env->node_id, env->incarnation);
    for (size_t i = 0; i < env->config->node_count; i++) {
        const zr_node_config_t *peer = &env->config->nodes[i];
        if (peer->id != env->node_id
            && zr_udp_bus_add_peer(self->bus, peer->id, peer->ipv4, peer->udp_port, err, size) != 0)
            return -1;
    }
    if (!(self->inbox = zr_inproc_bind(env, ZMQ_PULL, ZR_INPROC_UDP_OUT, err, size)))
        return -1;
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
    int peer_id, group;
    zframe_t *payload = NULL;
    if (!zr_inproc_udp_take(self->inbox, &peer_id, &group, &payload) || group < 0 || group >= ZR_GROUP_COUNT) {
        self->malformed++;
        zframe_destroy(&payload);
        return;
    }
    if (peer_id == ZR_INPROC_BROADCAST)
        zr_udp_bus_broadcast(self->bus, (zr_udp_group_t) group, zframe_data(payload), zframe_size(payload));
    else
        zr_udp_bus_send(self->bus, peer_id, (zr_udp_group_t) group, zframe_data(payload), zframe_size(payload));
    zframe_destroy(&payload);
}

static void answer_stats(sender_t *self, zsock_t *pipe)
{
    zr_udp_bus_stats_t bus = zr_udp_bus_stats(self->bus);
    zr_metrics_t *set = zr_metrics_new();
    zr_metrics_add(set, ZR_M_UDP_SENT, NULL, (double) bus.sent);
    zr_metrics_add(set, ZR_M_UDP_REFUSED, "oversize", (double) bus.send_oversize);
    zr_metrics_add(set, ZR_M_UDP_REFUSED, "unknown_peer", (double) bus.send_unknown_peer);
    zr_metrics_add(set, ZR_M_UDP_REFUSED, "failed", (double) (bus.send_failed + self->malformed));
    zr_inproc_stats_reply(pipe, &set);
}

void zr_udp_sender_actor(zsock_t *pipe, void *args)
{
    zr_actor_name("udp-sender");
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
            zr_inproc_command_t command;
            running = zr_inproc_command_recv(pipe, &command) && !zr_inproc_is(&command, ZR_CMD_TERM);
            if (zr_inproc_is(&command, ZR_CMD_STATS))
                answer_stats(&self, pipe);
            zr_inproc_command_fini(&command);
        } else
            running = !zpoller_terminated(poller);
    }
    zpoller_destroy(&poller);
    sender_stop(&self);
}
