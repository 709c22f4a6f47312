/* zr_tcp_server: the actor that owns a node's ROUTER on its TCP port (udp_port + 2) and relays
 * validated work messages to the role actor (leader or follower) attached to the work link. */
#ifndef ZR_TCP_SERVER_H
#define ZR_TCP_SERVER_H
#include <czmq.h>
#include "runtime/zr_inproc.h"

/* Largest message the ROUTER accepts: a 1 MiB source plus headers; larger ones cut the peer off. */
#define ZR_TCP_MAX_MESSAGE (2L << 20)
/* Messages held while no role actor is attached; beyond that the oldest is dropped (counted). */
#define ZR_TCP_BACKLOG_MAX 10000

/* args is the node's zr_env_t. The role actor's side is zr_inproc_work_link_open.
 * Pipe: "STATS" -> one string frame of metrics lines. */
void zr_tcp_server_actor(zsock_t *pipe, void *args);

#endif
