/* zr_cluster_view: sorts listed members by id and renders the contract's two forms with jansson.
 * LEADER for the leader, OBSERVER for the gateway, FOLLOWER for every other listed peer. */
#include "actors/gateway/zr_cluster_view.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    const zr_node_config_t *node;
    const zr_view_member_t *member;
} listed_t;

static int by_id(const void *a, const void *b)
{
    const zr_node_config_t *x = ((const listed_t *) a)->node, *y = ((const listed_t *) b)->node;
    return (x->id > y->id) - (x->id < y->id);
}

static const char *role_of(const zr_node_config_t *node, int64_t leader_id)
{
    if (node->role == ZR_ROLE_GATEWAY)
        return "OBSERVER";
    return node->id == leader_id ? "LEADER" : "FOLLOWER";
}

static json_t *endpoint(const char *ipv4, int port)
{
    return json_sprintf("%s:%d", ipv4, port);
}

static json_t *node_json(const listed_t *listed, int64_t leader_id)
{
    const zr_node_config_t *node = listed->node;
    return json_pack("{s:i, s:s, s:o, s:o, s:o, s:s, s:I}", "id", node->id,
        "role", role_of(node, leader_id), "udp", endpoint(node->ipv4, node->udp_port),
        "tcp", endpoint(node->ipv4, node->tcp_port), "http", endpoint(node->ipv4, node->http_port),
        "state", listed->member->state == ZR_VIEW_SUSPECT ? "SUSPECT" : "ALIVE",
        "incarnation", (json_int_t) listed->member->incarnation);
}

void zr_cluster_view_render(const zr_config_t *config, const zr_view_member_t *members, int64_t leader_id,
                            uint64_t epoch, char **plain, char **json)
{
    listed_t sorted[ZR_CONFIG_MAX_NODES];
    size_t count = 0;
    for (size_t i = 0; i < config->node_count; i++)
        if (members[i].state == ZR_VIEW_ALIVE || members[i].state == ZR_VIEW_SUSPECT)
            sorted[count++] = (listed_t) { &config->nodes[i], &members[i] };
    qsort(sorted, count, sizeof sorted[0], by_id);
    size_t plain_size = 0;
    FILE *out = open_memstream(plain, &plain_size);
    json_t *nodes = json_array();
    for (size_t i = 0; i < count; i++) {
        fprintf(out, "%d %s\n", sorted[i].node->id, role_of(sorted[i].node, leader_id));
        json_array_append_new(nodes, node_json(&sorted[i], leader_id));
    }
    fclose(out);
    json_t *root = json_pack("{s:o, s:I, s:o}", "leader",
                             leader_id >= 0 ? json_integer(leader_id) : json_null(),
                             "epoch", (json_int_t) epoch, "nodes", nodes);
    *json = json_dumps(root, JSON_COMPACT);
    json_decref(root);
}
