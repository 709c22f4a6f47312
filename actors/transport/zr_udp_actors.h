/* zr_udp_actors: a node's UDP receiver and UDP sender actors. Receiver: DISH -> validate ->
 * inproc PUB by message type. Sender: inproc PULL -> one RADIO per peer (zr_inproc.h). */
#ifndef ZR_UDP_ACTORS_H
#define ZR_UDP_ACTORS_H
#include <czmq.h>
#include "runtime/zr_inproc.h"
#include "runtime/zr_udp_bus.h"

/* The receiver binds this node's DISH; args is the node's zr_env_t. It drops election messages
 * from an incarnation the membership stream declared failed (crash-stop). Pipe: "STATS". */
void zr_udp_receiver_actor(zsock_t *pipe, void *args);

/* The sender connects a RADIO to every other node in the cluster; args is the zr_env_t.
 * Pipe: "STATS". */
void zr_udp_sender_actor(zsock_t *pipe, void *args);

#endif
