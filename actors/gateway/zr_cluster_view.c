/* zr_cluster_view: sorts live nodes by id and renders the contract's two forms with jansson.
 * LEADER for the leader, OBSERVER for the gateway, FOLLOWER for every other live peer. */
#include "actors/gateway/zr_cluster_view.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static int by_id(const void *a, const void *b)
{
    const zr_node_config_t *x = *(const zr_node_config_t *const *) a, *y = *(const zr_node_config_t *const *) b;
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

void zr_cluster_view_render(const zr_config_t *config, const bool *alive, int64_t leader_id,
                            uint64_t epoch, char **plain, char **json)
{
    const zr_node_config_t *sorted[ZR_CONFIG_MAX_NODES];
    size_t count = 0;
    for (size_t i = 0; i < config->node_count; i++)
        if (!alive || alive[i])
            sorted[count++] = &config->nodes[i];
    qsort(sorted, count, sizeof sorted[0], by_id);
    size_t plain_size = 0;
    FILE *out = open_memstream(plain, &plain_size);
    json_t *nodes = json_array();
    for (size_t i = 0; i < count; i++) {
        const zr_node_config_t *node = sorted[i];
        fprintf(out, "%d %s\n", node->id, role_of(node, leader_id));
        json_array_append_new(nodes, json_pack("{s:i, s:s, s:o, s:o, s:o}", "id", node->id,
            "role", role_of(node, leader_id), "udp", endpoint(node->ipv4, node->udp_port),
            "tcp", endpoint(node->ipv4, node->tcp_port), "http", endpoint(node->ipv4, node->http_port)));
    }
    fclose(out);
    json_t *root = json_pack("{s:o, s:I, s:o}", "leader",
                             leader_id >= 0 ? json_integer(leader_id) : json_null(),
                             "epoch", (json_int_t) epoch, "nodes", nodes);
    *json = json_dumps(root, JSON_COMPACT);
    json_decref(root);
}
