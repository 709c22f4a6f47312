/* zr_monitor: republishes libzmq socket events (connects, disconnects, binds, handshakes) of a
 * process's TCP sockets on tcp://host:udp_port+1, for `zrun monitor` and other outside tools. */
#ifndef ZR_MONITOR_H
#define ZR_MONITOR_H
#include <czmq.h>
#include "runtime/zr_config.h"

typedef struct {
    const zr_config_t *config;
    int node_id;
} zr_monitor_args_t;

/* The actor: binds a PUB on the node's monitor port (udp_port + 1) and publishes one text
 * frame per event: "<node> <socket name> <EVENT> <value> <endpoint>". Pipe: "STATS". */
void zr_monitor_actor(zsock_t *pipe, void *args);

/* Called by the thread that owns socket, before it binds or connects: monitors it and hands
 * the event stream to node_id's monitor actor. Does nothing unless that actor runs in this
 * process (libzmq blocks a socket whose events nobody reads). The monitor actor must be the
 * last actor to stop. */
void zr_monitor_attach(zsock_t *socket, int node_id, const char *name);

/* The text name of a ZMQ_EVENT_* value ("CONNECTED", "DISCONNECTED", ...). */
const char *zr_monitor_event_name(int event);

#endif
