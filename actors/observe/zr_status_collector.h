/* zr_status_collector: the gateway's actor behind GET /status: gathers each member's /node
 * (libcurl multi, never blocking), the cluster events from every monitor port, and the
 * process's own figures (REPORT), and publishes /status to the HTTP front each second. */
#ifndef ZR_STATUS_COLLECTOR_H
#define ZR_STATUS_COLLECTOR_H
#include <czmq.h>
#include "runtime/zr_inproc.h"

#define ZR_STATUS_POLL_MS 1000      /* each member's /node, this often */
#define ZR_STATUS_GET_TIMEOUT_MS 800

/* args: the gateway's zr_env_t. Pipe: REPORT (the process's merged metric set: the board's own
 * figures; /status is published after each), STATS. */
void zr_status_collector_actor(zsock_t *pipe, void *args);

#endif
