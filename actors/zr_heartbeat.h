/* zr_heartbeat: the actor around the gossip failure detector: sends heartbeats and tables,
 * merges what arrives, writes the summary and verbose logs, and publishes failed peers. */
#ifndef ZR_HEARTBEAT_H
#define ZR_HEARTBEAT_H
#include <czmq.h>
#include "runtime/zr_config.h"

typedef struct {
    const zr_config_t *config;
    int node_id;
} zr_heartbeat_args_t;

/* One actor does both halves of the course's heartbeat sender and scanner: they share the
 * table, and threads share nothing but messages. Pipe: "STATS" -> metrics lines.
 * Failures are published on inproc://zrun-<id>-failures as one frame "FAILED <id>". */
void zr_heartbeat_actor(zsock_t *pipe, void *args);
/* A SUB socket that receives node_id's "FAILED <id>" announcements. */
zsock_t *zr_heartbeat_subscribe_failures(int node_id);
/* Parses a "FAILED <id>" announcement taken from such a socket; -1 if it is not one. */
int64_t zr_heartbeat_failed_id(zsock_t *failures);

#endif
