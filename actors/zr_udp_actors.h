/* zr_udp_actors: a node's UDP receiver and UDP sender actors, and how other actors reach them.
 * Receiver: DISH -> validate -> inproc PUB by message type. Sender: inproc PULL -> RADIOs. */
#ifndef ZR_UDP_ACTORS_H
#define ZR_UDP_ACTORS_H
#include <czmq.h>
#include "runtime/zr_config.h"
#include "runtime/zr_udp_bus.h"
#include "proto/zr_wire.h"

typedef struct {
    const zr_config_t *config;   /* the cluster; must outlive the actor */
    int node_id;                 /* this node */
} zr_udp_actor_args_t;

/* The receiver binds this node's DISH. Pipe commands:
 *   "DROP" id      crash-stop filter: every later message from that sender is dropped
 *   "STATS"        answers one string frame of "key value" lines for /metrics */
void zr_udp_receiver_actor(zsock_t *pipe, void *args);
/* A SUB socket delivering validated messages of one type from node_id's receiver, as two
 * frames: [type (1 byte)] [the encoded message]. */
zsock_t *zr_udp_receiver_subscribe(int node_id, zr_msg_type_t type);

/* The sender connects a RADIO to every other node in the cluster. Pipe: "STATS". */
void zr_udp_sender_actor(zsock_t *pipe, void *args);
/* A PUSH socket into node_id's sender (one per producing actor). */
zsock_t *zr_udp_sender_connect(int node_id);
/* Queues one datagram: to peer_id, or to every peer when peer_id is ZR_UDP_BROADCAST. */
#define ZR_UDP_BROADCAST (-1)
int zr_udp_sender_post(zsock_t *push, int peer_id, zr_udp_group_t group,
                       const uint8_t *data, size_t size);

#endif
