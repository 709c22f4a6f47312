/* zr_roles: the actors a node runs for its current role, started and stopped by the peer
 * server as the election decides: the follower (runs work) and the leader (hands it out). */
#ifndef ZR_ROLES_H
#define ZR_ROLES_H
#include <czmq.h>
#include <stdint.h>
#include "runtime/zr_id_set.h"
#include "runtime/zr_inproc.h"

typedef struct {
    const zr_env_t *env;
    zactor_t *pool;        /* the node's runner pool; only the running role actor uses it */
    int64_t leader_id;     /* the leader this role serves (itself when leading) */
    uint64_t epoch;        /* that leader's epoch: messages from lower epochs are ignored */
    zr_id_set_t workers;   /* peers alive now (heard, not failed): the workers at start */
} zr_role_args_t;

/* Follower: takes WORK_REQUESTs from its leader through the node's TCP server, runs them on
 * the pool and answers WORK_RESULTs. Pipe: "STATS" -> metrics lines. */
void zr_follower_actor(zsock_t *pipe, void *args);

/* Leader: takes WORK_REQUESTs from the gateway, assigns them round robin to the followers and
 * returns their WORK_RESULTs. Pipe: "STATS"; WORKER_DOWN id (a failed follower: its work goes
 * to the others); WORKER_UP id (a peer heard, for the first time or as a new incarnation, joins
 * the rotation). */
void zr_leader_actor(zsock_t *pipe, void *args);

#endif
