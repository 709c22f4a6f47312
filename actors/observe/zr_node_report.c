/* zr_node_report: metric samples in, a small JSON object out (jansson), and back; the role
 * follows from the election state (LEADING is a LEADER). */
#include "actors/observe/zr_node_report.h"
#include <jansson.h>
#include <stdio.h>
#include <string.h>

const char *zr_node_role_of_state(const char *state)
{
    static const char *const roles[][2] = { { "LEADING", "LEADER" }, { "FOLLOWING", "FOLLOWER" },
                                            { "OBSERVER", "OBSERVER" }, { "LOOKING", "LOOKING" } };
    for (size_t i = 0; state && i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(state, roles[i][0]) == 0)
            return roles[i][1];
    return NULL;
}

static double value_of(const zr_metrics_t *set, zr_metric_id_t id, double otherwise)
{
    double value = otherwise;
    zr_metrics_get(set, id, NULL, &value);
    return value;
}

void zr_node_report_from_metrics(zr_node_report_t *out, const zr_metrics_t *set, int64_t id)
{
    *out = (zr_node_report_t) { .id = id, .leader = -1 };
    const char *state = zr_metrics_label_with(set, ZR_M_NODE_STATE, 1);
    const char *role = zr_node_role_of_state(state);
    snprintf(out->state, sizeof out->state, "%s", state ? state : "");
    snprintf(out->role, sizeof out->role, "%s", role ? role : "");
    out->epoch = (uint64_t) value_of(set, ZR_M_ELECTION_EPOCH, 0);
    out->leader = (int64_t) value_of(set, ZR_M_ELECTION_LEADER, -1);
    out->incarnation = (uint64_t) value_of(set, ZR_M_NODE_INCARNATION, 0);
    double jobs = 0;
    out->has_jobs = zr_metrics_sum(set, ZR_M_RUNNER_JOBS, &jobs);
    out->jobs_done = (uint64_t) jobs;
    out->jvms_busy = (uint32_t) value_of(set, ZR_M_RUNNER_JVMS_BUSY, 0);
    out->jvms_total = (uint32_t) value_of(set, ZR_M_RUNNER_JVMS, 0);
    double p50 = 0;
    out->has_p50 = zr_metrics_get(set, ZR_M_RUNNER_RECENT_P50, NULL, &p50);
    out->p50_ms = p50 * 1000.0;
}

static json_t *text_or_null(const char *text)
{
    return *text ? json_string(text) : json_null();
}

char *zr_node_report_json(const zr_node_report_t *r, int64_t now_ms)
{
    json_t *root = json_object();
    json_object_set_new(root, "id", json_integer(r->id));
    json_object_set_new(root, "role", text_or_null(r->role));
    json_object_set_new(root, "state", text_or_null(r->state));
    json_object_set_new(root, "epoch", json_integer((json_int_t) r->epoch));
    json_object_set_new(root, "leader", r->leader >= 0 ? json_integer(r->leader) : json_null());
    json_object_set_new(root, "incarnation", json_integer((json_int_t) r->incarnation));
    json_object_set_new(root, "jobs_done", r->has_jobs ? json_integer((json_int_t) r->jobs_done) : json_null());
    json_object_set_new(root, "jvms_busy", r->has_jobs ? json_integer(r->jvms_busy) : json_null());
    json_object_set_new(root, "jvms_total", r->has_jobs ? json_integer(r->jvms_total) : json_null());
    json_object_set_new(root, "p50_ms", r->has_p50 ? json_real(r->p50_ms) : json_null());
    json_object_set_new(root, "now_ms", json_integer(now_ms));
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return text;
}

static void copy_text(json_t *value, char *out, size_t size)
{
    snprintf(out, size, "%s", json_is_string(value) ? json_string_value(value) : "");
}

bool zr_node_report_parse(const char *json, zr_node_report_t *out)
{
    json_t *root = json ? json_loads(json, 0, NULL) : NULL;
    json_t *id = json_object_get(root, "id");
    bool ok = json_is_object(root) && json_is_integer(id);
    if (ok) {
        *out = (zr_node_report_t) { .id = json_integer_value(id), .leader = -1 };
        copy_text(json_object_get(root, "role"), out->role, sizeof out->role);
        copy_text(json_object_get(root, "state"), out->state, sizeof out->state);
        json_t *leader = json_object_get(root, "leader"), *jobs = json_object_get(root, "jobs_done");
        json_t *p50 = json_object_get(root, "p50_ms");
        out->epoch = (uint64_t) json_integer_value(json_object_get(root, "epoch"));
        out->leader = json_is_integer(leader) ? json_integer_value(leader) : -1;
        out->incarnation = (uint64_t) json_integer_value(json_object_get(root, "incarnation"));
        out->has_jobs = json_is_integer(jobs);
        out->jobs_done = (uint64_t) json_integer_value(jobs);
        out->jvms_busy = (uint32_t) json_integer_value(json_object_get(root, "jvms_busy"));
        out->jvms_total = (uint32_t) json_integer_value(json_object_get(root, "jvms_total"));
        out->has_p50 = json_is_number(p50);
        out->p50_ms = json_number_value(p50);
    }
    json_decref(root);
    return ok;
}
