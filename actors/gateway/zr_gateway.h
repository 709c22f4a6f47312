/* zr_gateway: the gateway's actor: owns the public HTTP front, holds every accepted request
 * in the pending table, and sends it to the leader the observer learnt over one DEALER. */
#ifndef ZR_GATEWAY_H
#define ZR_GATEWAY_H
#include <czmq.h>

/* args is the gateway's zr_env_t. Starts the HTTP front on the gateway's http_port; fails
 * (zr_actor_start) if it cannot. Pipe: METRICS lines (the process's, for /metrics). */
void zr_gateway_actor(zsock_t *pipe, void *args);

#endif
