/* zr_udp_bus: a node's UDP transport: one DISH bound per node, one RADIO per peer.
 * Typed groups, a payload cap under one MTU, counted drops of anything malformed, and (once
 * authenticated) every datagram sealed in the envelope of runtime/zr_datagram_auth.h. */
#ifndef ZR_UDP_BUS_H
#define ZR_UDP_BUS_H
#include <czmq.h>
#include <stddef.h>
#include <stdint.h>
#include "runtime/zr_datagram_auth.h"

/* Largest payload we send or accept: group + body stay inside one 1500-byte MTU datagram,
 * far from the 8 KiB buffer that libzmq's UDP engine has. */
#define ZR_UDP_MAX_PAYLOAD 1400

typedef enum {
    ZR_GROUP_ELECTION = 0,   /* "election": FastLeaderElection notifications */
    ZR_GROUP_GOSSIP,         /* "gossip": heartbeats and gossip tables */
    ZR_GROUP_COUNT
} zr_udp_group_t;

typedef struct {
    uint64_t sent;
    uint64_t send_oversize;      /* refused: payload over ZR_UDP_MAX_PAYLOAD */
    uint64_t send_unknown_peer;  /* refused: no RADIO for that peer id */
    uint64_t send_failed;        /* libzmq refused the message */
    uint64_t received;
    uint64_t recv_oversize;      /* dropped: payload over ZR_UDP_MAX_PAYLOAD */
    uint64_t recv_unknown_group; /* dropped: group we did not join */
    /* An authenticated bus also drops: */
    uint64_t recv_unsealed;      /* not in an envelope (e.g. a bare message), or too short */
    uint64_t recv_forged;        /* the tag does not verify: no key, wrong key, tampered */
    uint64_t recv_replayed;      /* that (sender, incarnation, sequence) came before, or
                                    is too far behind to tell (zr_replay_window.h) */
    uint64_t recv_old_incarnation; /* from an incarnation of its sender a newer one replaced */
    uint64_t recv_senders_full;  /* from one sender more than the bus keeps windows for */
} zr_udp_bus_stats_t;

typedef struct zr_udp_bus zr_udp_bus_t;

/* "election", "gossip"; NULL for an out-of-range group. */
const char *zr_udp_group_name(zr_udp_group_t group);

/* Binds a DISH on udp://host:port (host must be local or 0.0.0.0) and joins every group.
 * Returns NULL with a one-line reason in err. */
zr_udp_bus_t *zr_udp_bus_new(const char *host, int port, char *err, size_t err_size);
/* A bus that only sends (no DISH): for a node's UDP sender actor. */
zr_udp_bus_t *zr_udp_bus_new_sender(void);
void zr_udp_bus_destroy(zr_udp_bus_t **self_p);
/* From now on every datagram sent is sealed (sender id, incarnation, a sequence counting up
 * from 1, an HMAC under key), and only sealed, authentic, fresh ones are received. A sealed
 * message may be ZR_DATAGRAM_OVERHEAD bytes shorter than ZR_UDP_MAX_PAYLOAD. */
void zr_udp_bus_authenticate(zr_udp_bus_t *self, const uint8_t key[ZR_DATAGRAM_KEY_SIZE],
                             int64_t sender_id, uint64_t incarnation);

/* Connects a RADIO to a peer's DISH; replaces an earlier one with the same id. */
int zr_udp_bus_add_peer(zr_udp_bus_t *self, int peer_id, const char *host, int port,
                        char *err, size_t err_size);
void zr_udp_bus_remove_peer(zr_udp_bus_t *self, int peer_id);
size_t zr_udp_bus_peer_count(const zr_udp_bus_t *self);

/* Sends one datagram; -1 (and counted) if oversized, unknown peer or refused. */
int zr_udp_bus_send(zr_udp_bus_t *self, int peer_id, zr_udp_group_t group,
                    const void *data, size_t size);
/* Sends to every peer; returns how many sends succeeded. */
int zr_udp_bus_broadcast(zr_udp_bus_t *self, zr_udp_group_t group, const void *data, size_t size);

/* Takes one datagram without blocking. Returns 1 with group/data/size filled in, 0 if
 * nothing is waiting. Dropped datagrams are counted and skipped. buffer holds >= ZR_UDP_MAX_PAYLOAD. */
int zr_udp_bus_recv(zr_udp_bus_t *self, zr_udp_group_t *group, uint8_t *buffer, size_t *size);
/* The same, and *sender: the envelope's (authenticated) sender id, or -1 on a bus that does not
 * authenticate. The message inside must carry the same sender id (the caller checks). */
int zr_udp_bus_recv_from(zr_udp_bus_t *self, zr_udp_group_t *group, uint8_t *buffer, size_t *size,
                         int64_t *sender);

/* The DISH, to put in a zpoller (NULL for a sender-only bus). */
zsock_t *zr_udp_bus_socket(zr_udp_bus_t *self);
zr_udp_bus_stats_t zr_udp_bus_stats(const zr_udp_bus_t *self);

#endif
