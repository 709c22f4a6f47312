/* zr_peer_server: the actor that runs the election for a node (or, as OBSERVER, for the
 * gateway), prints state switches, and starts/stops the leader or follower role actor. */
#ifndef ZR_PEER_SERVER_H
#define ZR_PEER_SERVER_H
#include <czmq.h>
#include "runtime/zr_config.h"

typedef struct {
    const zr_config_t *config;
    int node_id;
    zactor_t *pool;      /* the node's runner pool for role actors; NULL for the gateway, or
                          * until "POOL" hands it over (role actors wait for it) */
} zr_peer_server_args_t;

/* Pipe commands:
 *   "POOL" address     the runner pool is ready (zr_peer_server_give_pool); only then do
 *                      role actors start, so the election need not wait for JVM warm-up
 *   "STATE"            -> "<STATE> <leader id or -1> <epoch>"
 *   "STATS"            -> metrics lines (election and the role actor's)
 *   "PEER_FAILED" id   the peer no longer votes; a failed leader starts a new election (the
 *                      heartbeat actor's FAILED announcements do the same)
 * State changes are also published on inproc://zrun-<id>-state as one frame
 * "<STATE> <leader id or -1> <epoch>" (zr_peer_server_subscribe). */
void zr_peer_server_actor(zsock_t *pipe, void *args);
zsock_t *zr_peer_server_subscribe(int node_id);
/* Hands the ready runner pool to the peer server (which passes it to its role actors). */
void zr_peer_server_give_pool(zactor_t *peer_server, zactor_t *pool);

#endif
