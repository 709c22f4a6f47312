/* zr_node_report: one process's own figures (role, state, epoch, incarnation, jobs, JVMs, p50):
 * read from its merged metric set, served as GET /node, parsed back by the gateway. Pure. */
#ifndef ZR_NODE_REPORT_H
#define ZR_NODE_REPORT_H
#include <stdbool.h>
#include <stdint.h>
#include "runtime/zr_metrics.h"

typedef struct {
    int64_t id;
    char role[16];             /* LEADER, FOLLOWER, OBSERVER, LOOKING; "" unknown */
    char state[16];            /* the election state: LEADING, FOLLOWING, OBSERVER, LOOKING */
    uint64_t epoch;
    int64_t leader;            /* -1: none known */
    uint64_t incarnation;
    bool has_jobs;             /* a runner pool reported (a node with a role, or zrun serve) */
    uint64_t jobs_done;
    uint32_t jvms_busy, jvms_total;
    bool has_p50;
    double p50_ms;             /* compile + run, the latest 100 jobs */
} zr_node_report_t;

/* The report of process id from the samples of all its actors. */
void zr_node_report_from_metrics(zr_node_report_t *out, const zr_metrics_t *set, int64_t id);
/* {"id", "role", "state", "epoch", "leader", "incarnation", "jobs_done", "jvms_busy",
 *  "jvms_total", "p50_ms", "now_ms"}: unknown figures are null. The caller frees it. */
char *zr_node_report_json(const zr_node_report_t *report, int64_t now_ms);
/* false if json is not such an object (an id is required; other fields may be null). */
bool zr_node_report_parse(const char *json, zr_node_report_t *out);
/* LEADING -> LEADER, FOLLOWING -> FOLLOWER, OBSERVER and LOOKING as they are; NULL otherwise. */
const char *zr_node_role_of_state(const char *state);

#endif
