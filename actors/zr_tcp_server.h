/* zr_tcp_server: the actor that owns a node's ROUTER on its TCP port (udp_port + 2) and relays
 * validated work messages to the role actor (leader or follower) attached at that moment. */
#ifndef ZR_TCP_SERVER_H
#define ZR_TCP_SERVER_H
#include <czmq.h>
#include "runtime/zr_config.h"

/* Largest message the ROUTER accepts: a 1 MiB source plus headers; larger ones cut the peer off. */
#define ZR_TCP_MAX_MESSAGE (2L << 20)
/* Messages held while no role actor is attached; beyond that the oldest is dropped (counted). */
#define ZR_TCP_BACKLOG_MAX 10000

typedef struct {
    const zr_config_t *config;
    int node_id;
} zr_tcp_server_args_t;

/* Pipe: "STATS" -> one string frame of metrics lines. */
void zr_tcp_server_actor(zsock_t *pipe, void *args);

/* A role actor's link to the relay: frames are [peer identity][encoded message] both ways.
 * zr_tcp_link_open connects and attaches (queued messages flow); close detaches first. */
zsock_t *zr_tcp_link_open(int node_id);
void zr_tcp_link_close(zsock_t **link_p);

#endif
