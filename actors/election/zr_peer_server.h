/* zr_peer_server: the actor that runs the election for a node (or, as OBSERVER, for the
 * gateway), prints state switches, and starts/stops the leader or follower role actor. */
#ifndef ZR_PEER_SERVER_H
#define ZR_PEER_SERVER_H
#include <czmq.h>

/* args is the node's zr_env_t. Pipe commands (zr_inproc.h):
 *   WORKER pointer the node's worker and its runner pool are ready; only then do role actors
 *                  start, so the election need not wait for JVM warm-up (the gateway never
 *                  gets one)
 *   STATS          -> metrics lines (election and the role actor's)
 * Failures arrive on the membership stream: a failed leader starts a new election. The state
 * and known leader are published on the leader stream (zr_inproc_leader_subscribe). */
void zr_peer_server_actor(zsock_t *pipe, void *args);

#endif
