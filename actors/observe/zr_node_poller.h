/* zr_node_poller: GETs without blocking (libcurl's multi interface), for an actor's poll loop:
 * one transfer per member at most, each with a short timeout; finished ones are handed back. */
#ifndef ZR_NODE_POLLER_H
#define ZR_NODE_POLLER_H
#include <czmq.h>
#include <stdint.h>

typedef struct zr_node_poller zr_node_poller_t;
/* A finished GET: status is the HTTP status, or -1 (body NULL) if it failed or timed out. */
typedef void (zr_node_poller_done_fn)(void *arg, int64_t id, long status, const char *body);

zr_node_poller_t *zr_node_poller_new(void);
void zr_node_poller_destroy(zr_node_poller_t **self_p);
/* Starts GET url for id, unless a transfer for id still runs (false then). */
bool zr_node_poller_get(zr_node_poller_t *self, int64_t id, const char *url, long timeout_ms);
/* Fills items with the sockets curl waits on (at most max) and *timeout_ms with when curl wants
 * to run at the latest (-1: no transfer). Returns how many items it filled. */
int zr_node_poller_items(zr_node_poller_t *self, zmq_pollitem_t *items, int max, long *timeout_ms);
/* Lets curl work (after a poll, whatever woke it) and hands back every finished transfer. */
void zr_node_poller_run(zr_node_poller_t *self, zr_node_poller_done_fn *done, void *arg);
size_t zr_node_poller_running(const zr_node_poller_t *self);

#endif
