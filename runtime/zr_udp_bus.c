/* zr_udp_bus: DISH/RADIO sockets over udp:// with draft-API group calls through raw libzmq.
 * Owns the group table, the per-peer RADIOs, the drop counters, and the sealing and the replay
 * windows of an authenticated bus. */
#include "runtime/zr_udp_bus.h"
#include "runtime/zr_addr.h"
#include "runtime/zr_replay_window.h"
#include <sodium.h>
#include <string.h>

#define ZR_MAX_PEERS 256

typedef struct {
    int id;
    zsock_t *radio;
} udp_peer_t;

typedef struct {
    uint8_t key[ZR_DATAGRAM_KEY_SIZE];
    zr_datagram_stamp_t stamp;            /* ours; the sequence of the last datagram sealed */
    zr_replay_table_t *replay;            /* theirs */
    uint8_t sealed[ZR_UDP_MAX_PAYLOAD];
} udp_auth_t;

struct zr_udp_bus {
    zsock_t *dish;
    udp_peer_t peers[ZR_MAX_PEERS];
    size_t peer_count;
    zr_udp_bus_stats_t stats;
    udp_auth_t *auth;                     /* NULL: datagrams travel bare */
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
    if (self->auth) {
        zr_replay_table_destroy(&self->auth->replay);
        sodium_memzero(self->auth, sizeof *self->auth);
        free(self->auth);
    }
    free(self);
    *self_p = NULL;
}

void zr_udp_bus_authenticate(zr_udp_bus_t *self, const uint8_t key[ZR_DATAGRAM_KEY_SIZE],
                             int64_t sender_id, uint64_t incarnation)
{
    if (!self->auth && !(self->auth = calloc(1, sizeof *self->auth)))
        abort();
    memcpy(self->auth->key, key, ZR_DATAGRAM_KEY_SIZE);
    self->auth->stamp = (zr_datagram_stamp_t) { sender_id, incarnation, 0 };
    if (!self->auth->replay)
        self->auth->replay = zr_replay_table_new(ZR_MAX_PEERS);
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
    if (size > ZR_UDP_MAX_PAYLOAD - (self->auth ? ZR_DATAGRAM_OVERHEAD : 0)) {
        self->stats.send_oversize++;
        return false;
    }
    return true;
}

/* What goes on the wire for a message: itself, or (authenticated) sealed with the next sequence. */
static const void *wire_bytes(zr_udp_bus_t *self, zr_udp_group_t group, const void *data,
                              size_t *size)
{
    udp_auth_t *auth = self->auth;
    if (!auth)
        return data;
    auth->stamp.sequence++;
    if (zr_datagram_seal(auth->key, group_names[group], &auth->stamp, data, *size, auth->sealed,
                         sizeof auth->sealed, size) != 0) {
        self->stats.send_failed++;
        return NULL;
    }
    return auth->sealed;
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
    const void *bytes = wire_bytes(self, group, data, &size);
    return bytes ? send_on(self, peer->radio, group, bytes, size) : -1;
}

/* One seal for every peer: each receiver keeps its own window per sender. */
int zr_udp_bus_broadcast(zr_udp_bus_t *self, zr_udp_group_t group, const void *data, size_t size)
{
    const void *bytes = send_allowed(self, group, size) ? wire_bytes(self, group, data, &size) : NULL;
    int sent = 0;
    for (size_t i = 0; bytes && i < self->peer_count; i++)
        sent += send_on(self, self->peers[i].radio, group, bytes, size) == 0;
    return sent;
}

/* An authenticated bus: true if data is sealed, authentic and fresh (drops counted). */
static bool open_sealed(zr_udp_bus_t *self, zr_udp_group_t group, const uint8_t *data, size_t length,
                        zr_datagram_stamp_t *stamp, const uint8_t **message, size_t *size)
{
    zr_datagram_status_t status = zr_datagram_open(self->auth->key, group_names[group], data, length,
                                                   stamp, message, size);
    if (status != ZR_DATAGRAM_OK) {
        *(status == ZR_DATAGRAM_UNSEALED ? &self->stats.recv_unsealed : &self->stats.recv_forged) += 1;
        return false;
    }
    zr_replay_verdict_t verdict = zr_replay_check(self->auth->replay, stamp->sender_id,
                                                  stamp->incarnation, stamp->sequence);
    self->stats.recv_old_incarnation += verdict == ZR_REPLAY_OLD_INCARNATION;
    self->stats.recv_senders_full += verdict == ZR_REPLAY_FULL;
    self->stats.recv_replayed += verdict == ZR_REPLAY_SEEN || verdict == ZR_REPLAY_TOO_OLD;
    return verdict == ZR_REPLAY_FRESH;
}

/* Copies one datagram's message out if it is acceptable; false (counted) if not. */
static bool accept_datagram(zr_udp_bus_t *self, zmq_msg_t *msg, zr_udp_group_t *group,
                            uint8_t *buffer, size_t *size, int64_t *sender)
{
    int found = group_from_name(zmq_msg_group(msg));
    const uint8_t *data = zmq_msg_data(msg);
    size_t length = zmq_msg_size(msg);
    zr_datagram_stamp_t stamp = { -1, 0, 0 };
    if (found < 0 || length > ZR_UDP_MAX_PAYLOAD) {
        *(found < 0 ? &self->stats.recv_unknown_group : &self->stats.recv_oversize) += 1;
        return false;
    }
    if (self->auth && !open_sealed(self, (zr_udp_group_t) found, data, length, &stamp, &data, &length))
        return false;
    memcpy(buffer, data, length);
    *size = length;
    *group = (zr_udp_group_t) found;
    *sender = stamp.sender_id;
    self->stats.received++;
    return true;
}

int zr_udp_bus_recv_from(zr_udp_bus_t *self, zr_udp_group_t *group, uint8_t *buffer, size_t *size,
                         int64_t *sender)
{
    int64_t ignored;
    while (self->dish) {
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, zsock_resolve(self->dish), ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            return 0;
        }
        bool accepted = accept_datagram(self, &msg, group, buffer, size, sender ? sender : &ignored);
        zmq_msg_close(&msg);
        if (accepted)
            return 1;
    }
    return 0;
}

int zr_udp_bus_recv(zr_udp_bus_t *self, zr_udp_group_t *group, uint8_t *buffer, size_t *size)
{
    return zr_udp_bus_recv_from(self, group, buffer, size, NULL);
}

zsock_t *zr_udp_bus_socket(zr_udp_bus_t *self)
{
    return self->dish;
}

zr_udp_bus_stats_t zr_udp_bus_stats(const zr_udp_bus_t *self)
{
    return self->stats;
}
