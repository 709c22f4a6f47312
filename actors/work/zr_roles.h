/* zr_roles: the actors a node runs for its current role, started and stopped by the peer
 * server as the election decides: the follower (relays work) and the leader (hands it out). */
#ifndef ZR_ROLES_H
#define ZR_ROLES_H
#include <czmq.h>
#include <stdint.h>
#include "runtime/zr_id_set.h"
#include "runtime/zr_inproc.h"

typedef struct {
    const zr_env_t *env;
    int64_t leader_id;     /* the leader this role serves (itself when leading) */
    uint64_t epoch;        /* that leader's epoch: messages from lower epochs are ignored */
    zr_id_set_t workers;   /* peers alive now (heard, not failed): the workers at start */
} zr_role_args_t;

/* Both connect to the node's worker (zr_worker.h) on the jobs link, which runs every job and
 * holds every result whatever the role of the moment.
 * Follower: relays WORK_REQUEST, WORK_ACK and RECOVERY_REQUEST from its leader (through the
 * node's TCP server) to the worker, and WORK_RESULT and RECOVERY_ANSWER back. Pipe: "STATS". */
void zr_follower_actor(zsock_t *pipe, void *args);

/* Leader: first gathers what every live worker holds (stage 5 recovery), then takes
 * WORK_REQUESTs from the gateway, assigns them round robin to the followers (to its own worker
 * when none is left), returns their WORK_RESULTs and acknowledges them. Pipe: "STATS"; WORKER_DOWN id (a failed follower: its work goes
 * to the others); WORKER_UP id (a peer heard, for the first time or as a new incarnation, joins
 * the rotation). */
void zr_leader_actor(zsock_t *pipe, void *args);

#endif
