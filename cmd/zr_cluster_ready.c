/* zr_cluster_ready: reads the gateway's /status JSON (actors/observe builds it) and counts the
 * alive nodes whose runner pool reports JVMs: a pool reports only once its JVMs have warmed up. */
#include "cmd/zr_cluster_ready.h"
#include "cmd/zr_http_get.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool warm_node(json_t *member)
{
    json_t *state = json_object_get(member, "state"), *jvms = json_object_get(member, "jvms_total");
    return json_is_string(state) && strcmp(json_string_value(state), "ALIVE") == 0
        && json_is_integer(jvms) && json_integer_value(jvms) > 0;
}

bool zr_cluster_ready(const char *base_url, int nodes, char *summary, size_t size)
{
    char url[512];
    snprintf(url, sizeof url, "%s/status", base_url);
    char *body = NULL;
    long status = zr_http_get(url, "application/json", &body);
    json_t *root = status == 200 ? json_loads(body, 0, NULL) : NULL;
    free(body);
    json_t *leader = json_object_get(root, "leader"), *member;
    int warm = 0;
    size_t index;
    json_array_foreach(json_object_get(root, "members"), index, member)
        warm += warm_node(member);
    bool ready = json_is_integer(leader) && warm >= nodes;
    if (ready)
        snprintf(summary, size, "leader %lld, %d nodes with warm JVMs", (long long) json_integer_value(leader), warm);
    json_decref(root);
    return ready;
}
