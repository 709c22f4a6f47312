/* zr_worker: the node's worker, one per node for the process's whole life whatever its role:
 * owns the runner pool, runs each job once, holds results for the leader's ack or recovery. */
#ifndef ZR_WORKER_H
#define ZR_WORKER_H
#include <czmq.h>
#include "runtime/zr_inproc.h"

typedef struct {
    const zr_env_t *env;
    zactor_t *pool;     /* the node's runner pool; the worker alone uses its pipe from now on */
    unsigned slots;     /* jobs the pool runs at once (its JVMs), announced in WORKER_HELLO */
} zr_worker_args_t;

/* Binds the jobs link (runtime/zr_inproc.h), where the role actor of the moment (follower or
 * leader) hands it WORK_REQUEST, WORK_ACK and RECOVERY_REQUEST and reads WORK_RESULT,
 * WORKER_HELLO (its slots, first in every answer to a RECOVERY_REQUEST) and RECOVERY_ANSWER. Pipe: STATS -> the pool's and the worker's figures. */
void zr_worker_actor(zsock_t *pipe, void *args);

#endif
