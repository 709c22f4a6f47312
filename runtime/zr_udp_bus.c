/* zr_udp_bus: DISH/RADIO sockets over udp:// with draft-API group calls through raw libzmq.
 * Owns the group table, the per-peer RADIOs and the drop counters. */
#include "runtime/zr_udp_bus.h"
#include "runtime/zr_addr.h"
#include <string.h>

#define ZR_MAX_PEERS 256

typedef struct {
    int id;
    zsock_t *radio;
} udp_peer_t;

struct zr_udp_bus {
    zsock_t *dish;
    udp_peer_t peers[ZR_MAX_PEERS];
    size_t peer_count;
    zr_udp_bus_stats_t stats;
};

static const char *group_names[ZR_GROUP_COUNT] = { "election", "gossip" };

const char *zr_udp_group_name(zr_udp_group_t group)
{
    return (unsigned) group < ZR_GROUP_COUNT ? group_names[group] : NULL;
}

static int group_from_name(const char *name)
{
    for (int group = 0; group < ZR_GROUP_COUNT; group++)
        if (strcmp(name, group_names[group]) == 0)
            return group;
    return -1;
}

/* Validates host:port for binding and formats the endpoint. */
static int bind_endpoint(const char *host, int port, char *endpoint, size_t endpoint_size,
                         char *err, size_t err_size)
{
    char ipv4[16];
    if (!zr_addr_port_ok(port)) {
        snprintf(err, err_size, "udp port %d is out of range 1..65535", port);
        return -1;
    }
    if (zr_addr_resolve_ipv4(host, ipv4, err, err_size) != 0)
        return -1;
    if (!zr_addr_is_local_ipv4(ipv4)) {
        snprintf(err, err_size, "cannot bind udp to %s: no interface of this host has that address", ipv4);
        return -1;
    }
    snprintf(endpoint, endpoint_size, "udp://%s:%d", ipv4, port);
    return 0;
}

zr_udp_bus_t *zr_udp_bus_new(const char *host, int port, char *err, size_t err_size)
{
    char endpoint[64];
    if (bind_endpoint(host, port, endpoint, sizeof endpoint, err, err_size) != 0)
        return NULL;
    zr_udp_bus_t *self = calloc(1, sizeof *self);
    self->dish = zsock_new(ZMQ_DISH);
    if (!self->dish) {
        snprintf(err, err_size, "cannot create a DISH socket: libzmq was built without the draft API");
        free(self);
        return NULL;
    }
    zsock_set_linger(self->dish, 0);
    if (zmq_bind(zsock_resolve(self->dish), endpoint) != 0) {
        snprintf(err, err_size, "cannot bind %s: %s", endpoint, zmq_strerror(zmq_errno()));
        zr_udp_bus_destroy(&self);
        return NULL;
    }
    for (int group = 0; group < ZR_GROUP_COUNT; group++)
        if (zmq_join(zsock_resolve(self->dish), group_names[group]) != 0) {
            snprintf(err, err_size, "cannot join group %s: %s", group_names[group],
                     zmq_strerror(zmq_errno()));
            zr_udp_bus_destroy(&self);
            return NULL;
        }
    return self;
}

zr_udp_bus_t *zr_udp_bus_new_sender(void)
{
    return calloc(1, sizeof(zr_udp_bus_t));
}

void zr_udp_bus_destroy(zr_udp_bus_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zr_udp_bus_t *self = *self_p;
    for (size_t i = 0; i < self->peer_count; i++)
        zsock_destroy(&self->peers[i].radio);
    zsock_destroy(&self->dish);
    free(self);
    *self_p = NULL;
}

static udp_peer_t *find_peer(zr_udp_bus_t *self, int peer_id)
{
    for (size_t i = 0; i < self->peer_count; i++)
        if (self->peers[i].id == peer_id)
            return &self->peers[i];
    return NULL;
}

int zr_udp_bus_add_peer(zr_udp_bus_t *self, int peer_id, const char *host, int port,
                        char *err, size_t err_size)
{
    char ipv4[16], endpoint[64];
    if (!zr_addr_port_ok(port)) {
        snprintf(err, err_size, "peer %d: udp port %d is out of range 1..65535", peer_id, port);
        return -1;
    }
    if (zr_addr_resolve_ipv4(host, ipv4, err, err_size) != 0)
        return -1;
    zr_udp_bus_remove_peer(self, peer_id);
    if (self->peer_count == ZR_MAX_PEERS) {
        snprintf(err, err_size, "too many peers (at most %d)", ZR_MAX_PEERS);
        return -1;
    }
    snprintf(endpoint, sizeof endpoint, "udp://%s:%d", ipv4, port);
    zsock_t *radio = zsock_new(ZMQ_RADIO);
    if (!radio) {
        snprintf(err, err_size, "cannot create a RADIO socket");
        return -1;
    }
    zsock_set_linger(radio, 0);
    if (zmq_connect(zsock_resolve(radio), endpoint) != 0) {
        snprintf(err, err_size, "cannot connect %s: %s", endpoint, zmq_strerror(zmq_errno()));
        zsock_destroy(&radio);
        return -1;
    }
    self->peers[self->peer_count++] = (udp_peer_t) { peer_id, radio };
    return 0;
}

void zr_udp_bus_remove_peer(zr_udp_bus_t *self, int peer_id)
{
    udp_peer_t *peer = find_peer(self, peer_id);
    if (!peer)
        return;
    zsock_destroy(&peer->radio);
    *peer = self->peers[--self->peer_count];
}

size_t zr_udp_bus_peer_count(const zr_udp_bus_t *self)
{
    return self->peer_count;
}

static int send_on(zr_udp_bus_t *self, zsock_t *radio, zr_udp_group_t group,
                   const void *data, size_t size)
{
    zmq_msg_t msg;
    zmq_msg_init_size(&msg, size);
    if (size)
        memcpy(zmq_msg_data(&msg), data, size);
    if (zmq_msg_set_group(&msg, group_names[group]) != 0
        || zmq_msg_send(&msg, zsock_resolve(radio), ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&msg);
        self->stats.send_failed++;
        return -1;
    }
    self->stats.sent++;
    return 0;
}

static bool send_allowed(zr_udp_bus_t *self, zr_udp_group_t group, size_t size)
{
    if ((unsigned) group >= ZR_GROUP_COUNT) {
        self->stats.send_failed++;
        return false;
    }
    if (size > ZR_UDP_MAX_PAYLOAD) {
        self->stats.send_oversize++;
        return false;
    }
    return true;
}

int zr_udp_bus_send(zr_udp_bus_t *self, int peer_id, zr_udp_group_t group,
                    const void *data, size_t size)
{
    if (!send_allowed(self, group, size))
        return -1;
    udp_peer_t *peer = find_peer(self, peer_id);
    if (!peer) {
        self->stats.send_unknown_peer++;
        return -1;
    }
    return send_on(self, peer->radio, group, data, size);
}

int zr_udp_bus_broadcast(zr_udp_bus_t *self, zr_udp_group_t group, const void *data, size_t size)
{
    if (!send_allowed(self, group, size))
        return 0;
    int sent = 0;
    for (size_t i = 0; i < self->peer_count; i++)
        sent += send_on(self, self->peers[i].radio, group, data, size) == 0;
    return sent;
}

int zr_udp_bus_recv(zr_udp_bus_t *self, zr_udp_group_t *group, uint8_t *buffer, size_t *size)
{
    while (self->dish) {
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, zsock_resolve(self->dish), ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            return 0;
        }
        int found = group_from_name(zmq_msg_group(&msg));
        size_t length = zmq_msg_size(&msg);
        if (found < 0)
            self->stats.recv_unknown_group++;
        else if (length > ZR_UDP_MAX_PAYLOAD)
            self->stats.recv_oversize++;
        else {
            memcpy(buffer, zmq_msg_data(&msg), length);
            *size = length;
            *group = (zr_udp_group_t) found;
            self->stats.received++;
            zmq_msg_close(&msg);
            return 1;
        }
        zmq_msg_close(&msg);
    }
    return 0;
}

zsock_t *zr_udp_bus_socket(zr_udp_bus_t *self)
{
    return self->dish;
}

zr_udp_bus_stats_t zr_udp_bus_stats(const zr_udp_bus_t *self)
{
    return self->stats;
}
