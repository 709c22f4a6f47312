/* zr_gateway: the gateway's actor: owns the public HTTP front, holds every accepted request
 * in the pending table, and sends it to the leader the observer learnt over one DEALER. */
#ifndef ZR_GATEWAY_H
#define ZR_GATEWAY_H
#include <czmq.h>
#include "runtime/zr_config.h"

typedef struct {
    const zr_config_t *config;
    int node_id;
} zr_gateway_args_t;

/* Starts the HTTP front on the gateway's http_port; fails (zr_actor_start) if it cannot.
 * Pipe: "STATS" -> metrics lines. */
void zr_gateway_actor(zsock_t *pipe, void *args);

#endif
