/* zr_cluster_ready: whether a cluster serves warm, as its gateway's GET /status tells it: a
 * leader is known and every node is listed alive with its runner's JVMs up (they warm first). */
#ifndef ZR_CLUSTER_READY_H
#define ZR_CLUSTER_READY_H
#include <stdbool.h>
#include <stddef.h>

/* True when the gateway at base_url (http://host:port) reports a leader and `nodes` nodes
 * (the gateway not counted) alive with warm JVMs; then summary says so in a few words. */
bool zr_cluster_ready(const char *base_url, int nodes, char *summary, size_t size);

#endif
