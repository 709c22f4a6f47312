/* zr_monitor: republishes libzmq socket events (connects, disconnects, binds, handshakes) of a
 * process's TCP sockets on tcp://host:udp_port+1, for `zrun monitor` and other outside tools. */
#ifndef ZR_MONITOR_H
#define ZR_MONITOR_H
#include <czmq.h>
#include "runtime/zr_inproc.h"

/* The actor (args: the node's zr_env_t): binds a PUB on the node's monitor port (udp_port + 1)
 * and publishes one text line per event (proto/PROTOCOL.md, "The monitor port"): the socket
 * events it reads itself (kind=socket) and the cluster events every actor sends it over
 * ZR_INPROC_EVENTS (runtime/zr_event.h). Pipe: "STATS". */
void zr_monitor_actor(zsock_t *pipe, void *args);

/* Called by the thread that owns socket, before it binds or connects: monitors it and hands
 * the event stream to the process's monitor actor. Does nothing unless env->monitored (libzmq
 * blocks a socket whose events nobody reads). The monitor actor must be the last to stop. */
void zr_monitor_attach(zsock_t *socket, const zr_env_t *env, const char *name);

/* The text name of a ZMQ_EVENT_* value ("CONNECTED", "DISCONNECTED", ...). */
const char *zr_monitor_event_name(int event);

#endif
