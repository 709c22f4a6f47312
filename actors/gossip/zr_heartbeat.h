/* zr_heartbeat: the actor around the gossip failure detector: sends heartbeats and tables,
 * merges what arrives, writes the summary and verbose logs, and publishes failed peers. */
#ifndef ZR_HEARTBEAT_H
#define ZR_HEARTBEAT_H
#include <czmq.h>

/* One actor does both halves of the specification's heartbeat sender and scanner: they share
 * the table, and threads share nothing but messages. args is the node's zr_env_t.
 * Failures go out on the membership stream (zr_inproc.h). Pipe: "STATS" -> metrics lines. */
void zr_heartbeat_actor(zsock_t *pipe, void *args);

#endif
