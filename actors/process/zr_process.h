/* zr_process: one cluster process (a peer node or the gateway) as an actor: it starts the
 * process's actors in dependency order, feeds /metrics, and stops them in reverse on $TERM. */
#ifndef ZR_PROCESS_H
#define ZR_PROCESS_H
#include <czmq.h>
#include <stdbool.h>
#include "runtime/zr_config.h"

typedef struct {
    const zr_config_t *config;   /* must outlive the actor */
    int node_id;                 /* a peer node, or the gateway, of the cluster file */
    const char *prefix;          /* of its inproc endpoints; NULL: "zrun-<node_id>" (unique per process) */
} zr_process_args_t;

/* The actor: zr_actor_start returns it once every actor of the process runs (the runner pool's
 * first JVM is warm), or NULL with the first actor's reason for not starting. It ends on $TERM
 * after stopping them all. Several can run in one (test) process, each under its own prefix,
 * and start side by side (zr_actor_launch each, then zr_actor_await each). */
void zr_process_actor(zsock_t *pipe, void *args);

#endif
