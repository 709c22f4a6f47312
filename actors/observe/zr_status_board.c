/* zr_status_board: a row per cluster-file member fed by the gateway's own report and by each
 * member's /node; a ring of page events deduplicated by what they are about; traffic samples. */
#include "actors/observe/zr_status_board.h"
#include "actors/observe/zr_traffic.h"
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEEN_KEYS 64

typedef struct {
    int64_t id;
    bool gateway, heard, failed, suspect;
    uint64_t incarnation;        /* as the gateway's failure detector knows it */
    bool has_age;
    int64_t heartbeat_age_ms;
    char role[16];               /* the last one derived while alive */
    bool has_report;
    zr_node_report_t report;     /* its own figures, the latest */
    uint64_t joined;             /* the incarnation of its last join event (0: none yet) */
} member_t;

typedef struct {
    int64_t t_ms, node;
    char kind[16], text[160];
} page_event_t;

struct zr_status_board {
    int64_t self_id, leader;
    uint64_t epoch;
    member_t members[ZR_CONFIG_MAX_NODES];
    size_t member_count;
    zr_traffic_t traffic;
    page_event_t events[ZR_STATUS_EVENTS];
    size_t event_count, event_next;
    char seen[SEEN_KEYS][48];
    size_t seen_next;
    uint64_t refused;
};

zr_status_board_t *zr_status_board_new(const zr_config_t *config, int64_t self_id)
{
    zr_status_board_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->self_id = self_id;
    self->leader = -1;
    for (size_t i = 0; i < config->node_count; i++)
        self->members[self->member_count++] = (member_t) {
            .id = config->nodes[i].id, .gateway = config->nodes[i].role == ZR_ROLE_GATEWAY,
            .heard = config->nodes[i].id == self_id };
    return self;
}

void zr_status_board_destroy(zr_status_board_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

uint64_t zr_status_board_refused(const zr_status_board_t *self) { return self->refused; }

static member_t *member_of(zr_status_board_t *self, int64_t id)
{
    for (size_t i = 0; i < self->member_count; i++)
        if (self->members[i].id == id)
            return &self->members[i];
    return NULL;
}

/* ---- inputs ---- */

static double peer_value(const zr_metrics_t *set, zr_metric_id_t id, int64_t peer, bool *found)
{
    char label[24];
    snprintf(label, sizeof label, "%lld", (long long) peer);
    double value = 0;
    *found = zr_metrics_get(set, id, label, &value);
    return value;
}

static void derive_role(zr_status_board_t *self, member_t *m)
{
    const char *role = m->gateway ? "OBSERVER" : m->id == self->leader ? "LEADER"
                     : self->leader < 0 ? "LOOKING" : "FOLLOWER";
    if (!m->failed)
        snprintf(m->role, sizeof m->role, "%s", role);
}

static void take_view(zr_status_board_t *self, member_t *m, const zr_metrics_t *set)
{
    bool found = false;
    double value = peer_value(set, ZR_M_PEER_INCARNATION, m->id, &found);
    m->incarnation = found ? (uint64_t) value : m->incarnation;
    m->heard |= found && value > 0;
    m->failed = peer_value(set, ZR_M_PEER_FAILED, m->id, &found) == 1;
    m->suspect = peer_value(set, ZR_M_PEER_SUSPECTED, m->id, &found) == 1;
    value = peer_value(set, ZR_M_PEER_HEARTBEAT_AGE, m->id, &m->has_age);
    m->heartbeat_age_ms = (int64_t) (value * 1000.0 + 0.5);
}

void zr_status_board_report(zr_status_board_t *self, const zr_metrics_t *set, int64_t now_ms)
{
    double value = -1;
    self->leader = zr_metrics_get(set, ZR_M_ELECTION_LEADER, NULL, &value) ? (int64_t) value : -1;
    self->epoch = zr_metrics_get(set, ZR_M_ELECTION_EPOCH, NULL, &value) ? (uint64_t) value : 0;
    for (size_t i = 0; i < self->member_count; i++) {
        member_t *m = &self->members[i];
        if (m->id == self->self_id) {
            m->incarnation = zr_metrics_get(set, ZR_M_NODE_INCARNATION, NULL, &value) ? (uint64_t) value : 0;
            m->has_age = true;
            m->heartbeat_age_ms = 0;
        } else
            take_view(self, m, set);
        derive_role(self, m);
    }
    zr_histogram_t latency;
    if (zr_metrics_get_histogram(set, ZR_M_GATEWAY_DURATION, NULL, &latency))
        zr_traffic_observe(&self->traffic, now_ms, &latency);
}

bool zr_status_board_member(zr_status_board_t *self, const zr_node_report_t *report, int64_t now_ms)
{
    (void) now_ms;
    member_t *m = member_of(self, report->id);
    if (!m) {
        self->refused++;
        return false;
    }
    m->report = *report;
    m->has_report = true;
    m->heard = true;
    return true;
}

/* ---- events ---- */

/* True the first time key is seen (among the latest SEEN_KEYS). */
static bool first_time(zr_status_board_t *self, const char *key)
{
    for (size_t i = 0; i < SEEN_KEYS; i++)
        if (strcmp(self->seen[i], key) == 0)
            return false;
    snprintf(self->seen[self->seen_next], sizeof self->seen[0], "%s", key);
    self->seen_next = (self->seen_next + 1) % SEEN_KEYS;
    return true;
}

static void add_event(zr_status_board_t *self, int64_t t_ms, int64_t node, const char *kind, const char *text)
{
    page_event_t *slot = &self->events[self->event_next];
    *slot = (page_event_t) { .t_ms = t_ms, .node = node };
    snprintf(slot->kind, sizeof slot->kind, "%s", kind);
    snprintf(slot->text, sizeof slot->text, "%s", text);
    self->event_next = (self->event_next + 1) % ZR_STATUS_EVENTS;
    if (self->event_count < ZR_STATUS_EVENTS)
        self->event_count++;
}

static const char *field(const zr_event_line_t *event, const char *key)
{
    const char *value = zr_event_line_get(event, key);
    return value ? value : "?";
}

/* Elections and rejoins, from whichever node says it first. */
static bool cluster_event(zr_status_board_t *self, const zr_event_line_t *e, char *key, char *text, size_t size,
                          const char **kind, int64_t *node)
{
    if (strcmp(e->kind, "election.start") == 0) {
        snprintf(key, 48, "es/%s", field(e, "epoch"));
        snprintf(text, size, "election started (the last epoch was %s)", field(e, "epoch"));
        *kind = "ELECTION";
    } else if (strcmp(e->kind, "election.end") == 0) {
        snprintf(key, 48, "ee/%s/%s", field(e, "epoch"), field(e, "leader"));
        snprintf(text, size, "node %s leads epoch %s (election took %s ms at node %lld)", field(e, "leader"),
                 field(e, "epoch"), field(e, "duration_ms"), (long long) e->node);
        *kind = "LEADER";
        *node = atoll(field(e, "leader"));
    } else if (strcmp(e->kind, "rejoin") == 0) {
        snprintf(key, 48, "rj/%lld/%s", (long long) e->node, field(e, "incarnation"));
        snprintf(text, size, "node %lld rejoined as incarnation %s (%s)", (long long) e->node,
                 field(e, "incarnation"), field(e, "reason"));
        *kind = "REJOINED";
    } else
        return false;
    return true;
}

/* Suspicions, refutations, failures and rejoined incarnations, as the gateway saw them. */
static bool own_event(zr_status_board_t *self, const zr_event_line_t *e, char *text, size_t size,
                      const char **kind, int64_t *node)
{
    if (e->node != self->self_id || !zr_event_line_get(e, "peer"))
        return false;
    *node = atoll(field(e, "peer"));
    if (strcmp(e->kind, "suspect") == 0) {
        snprintf(text, size, "no heartbeat from node %lld for %s ms", (long long) *node, field(e, "silent_ms"));
        *kind = "SUSPECT";
    } else if (strcmp(e->kind, "refute") == 0) {
        snprintf(text, size, "node %lld was heard again: no longer suspected", (long long) *node);
        *kind = "STATE";
    } else if (strcmp(e->kind, "failure") == 0) {
        snprintf(text, size, "no heartbeat from server %lld - SERVER FAILED", (long long) *node);
        *kind = "FAILED";
    } else if (strcmp(e->kind, "join") == 0) {
        member_t *m = member_of(self, *node);
        uint64_t incarnation = strtoull(field(e, "incarnation"), NULL, 10), before = m ? m->joined : 0;
        if (m)
            m->joined = incarnation;
        snprintf(text, size, "node %lld rejoined as incarnation %llu", (long long) *node,
                 (unsigned long long) incarnation);
        *kind = "REJOINED";
        return before != 0 && before != incarnation;   /* a first join is the cluster starting */
    } else
        return false;
    return true;
}

void zr_status_board_event(zr_status_board_t *self, const zr_event_line_t *event)
{
    char key[48] = "", text[160];
    const char *kind = NULL;
    int64_t node = event->node;
    bool shown = cluster_event(self, event, key, text, sizeof text, &kind, &node)
                     ? first_time(self, key)
                     : own_event(self, event, text, sizeof text, &kind, &node);
    if (shown)
        add_event(self, event->t_ms, node, kind, text);
}

/* ---- the JSON ---- */

/* Hundredths of a millisecond are plenty for a chart and a table. */
static json_t *rounded(double value)
{
    return json_real(round(value * 100.0) / 100.0);
}

static json_t *number_or_null(bool has, double value)
{
    return has ? rounded(value) : json_null();
}

static json_t *member_json(const member_t *m)
{
    json_t *row = json_object();
    json_object_set_new(row, "id", json_integer(m->id));
    json_object_set_new(row, "role", json_string(m->role[0] ? m->role : "LOOKING"));
    json_object_set_new(row, "state", json_string(m->failed ? "FAILED" : m->suspect ? "SUSPECT" : "ALIVE"));
    uint64_t incarnation = m->incarnation ? m->incarnation : m->has_report ? m->report.incarnation : 0;
    json_object_set_new(row, "incarnation", incarnation ? json_integer((json_int_t) incarnation) : json_null());
    json_object_set_new(row, "heartbeat_age_ms", m->has_age ? json_integer(m->heartbeat_age_ms) : json_null());
    if (m->has_report)
        json_object_set_new(row, "epoch", json_integer((json_int_t) m->report.epoch));
    if (m->has_report && m->report.has_jobs) {
        json_object_set_new(row, "jobs_done", json_integer((json_int_t) m->report.jobs_done));
        json_object_set_new(row, "jvms_busy", json_integer(m->report.jvms_busy));
        json_object_set_new(row, "jvms_total", json_integer(m->report.jvms_total));
    }
    if (m->has_report && m->report.has_p50)
        json_object_set_new(row, "p50_ms", rounded(m->report.p50_ms));
    return row;
}

static json_t *traffic_json(const zr_traffic_t *traffic)
{
    json_t *samples = json_array();
    zr_traffic_sample_t s;
    for (size_t i = 0; zr_traffic_at(traffic, i, &s); i++) {
        json_t *sample = json_object();
        json_object_set_new(sample, "t", json_integer(s.t_ms));
        json_object_set_new(sample, "rps", rounded(s.rps));
        json_object_set_new(sample, "p50_ms", number_or_null(s.has_latency, s.p50_ms));
        json_object_set_new(sample, "p99_ms", number_or_null(s.has_latency, s.p99_ms));
        json_array_append_new(samples, sample);
    }
    return json_pack("{s:i, s:o}", "interval_ms", 1000, "samples", samples);
}

static json_t *events_json(const zr_status_board_t *self)
{
    json_t *events = json_array();
    size_t oldest = (self->event_next + ZR_STATUS_EVENTS - self->event_count) % ZR_STATUS_EVENTS;
    for (size_t i = 0; i < self->event_count; i++) {
        const page_event_t *e = &self->events[(oldest + i) % ZR_STATUS_EVENTS];
        json_array_append_new(events, json_pack("{s:I, s:I, s:s, s:s}", "t", (json_int_t) e->t_ms,
                                                "node", (json_int_t) e->node, "kind", e->kind, "text", e->text));
    }
    return events;
}

char *zr_status_board_json(const zr_status_board_t *self, int64_t now_ms)
{
    json_t *members = json_array();
    for (size_t i = 0; i < self->member_count; i++)
        if (self->members[i].heard)
            json_array_append_new(members, member_json(&self->members[i]));
    json_t *root = json_object();
    json_object_set_new(root, "gateway", json_integer(self->self_id));
    json_object_set_new(root, "now_ms", json_integer(now_ms));
    json_object_set_new(root, "leader", self->leader >= 0 ? json_integer(self->leader) : json_null());
    json_object_set_new(root, "epoch", json_integer((json_int_t) self->epoch));
    json_object_set_new(root, "members", members);
    json_object_set_new(root, "traffic", traffic_json(&self->traffic));
    json_object_set_new(root, "events", events_json(self));
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return text;
}
