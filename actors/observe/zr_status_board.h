/* zr_status_board: what the gateway's GET /status says (the status page's data): members with
 * role, state, incarnation, heartbeat age and worker figures, traffic, recent cluster events.
 * Pure: every input comes with its time; jansson renders the JSON. */
#ifndef ZR_STATUS_BOARD_H
#define ZR_STATUS_BOARD_H
#include <stdbool.h>
#include <stdint.h>
#include "actors/observe/zr_node_report.h"
#include "runtime/zr_config.h"
#include "runtime/zr_event_line.h"
#include "runtime/zr_metrics.h"

#define ZR_STATUS_EVENTS 50   /* the latest events kept */

typedef struct zr_status_board zr_status_board_t;

/* The members are the cluster file's; self_id is the gateway serving the board. */
zr_status_board_t *zr_status_board_new(const zr_config_t *config, int64_t self_id);
void zr_status_board_destroy(zr_status_board_t **self_p);

/* The gateway process's own figures (its merged metric set): the leader and epoch it knows,
 * its failure detector's view of each member (heard, suspected, failed, incarnation, heartbeat
 * age) and its end-to-end latency histogram, which gives one traffic sample per call. */
void zr_status_board_report(zr_status_board_t *self, const zr_metrics_t *set, int64_t now_ms);
/* A member's own figures (its GET /node, or any other source); false (counted) if the report
 * names a member the cluster file lacks. */
bool zr_status_board_member(zr_status_board_t *self, const zr_node_report_t *report, int64_t now_ms);
/* An event from a monitor port. Elections and rejoins are taken from every node (once each);
 * suspicions, refutations, failures and joins as the gateway itself saw them. */
void zr_status_board_event(zr_status_board_t *self, const zr_event_line_t *event);

/* {"gateway", "now_ms", "leader", "epoch", "members": [...], "traffic": {"interval_ms",
 * "samples": [...]}, "events": [...]} (actors/gateway/status_page.html reads it). Caller frees. */
char *zr_status_board_json(const zr_status_board_t *self, int64_t now_ms);
uint64_t zr_status_board_refused(const zr_status_board_t *self);

#endif
