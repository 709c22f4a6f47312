/* zr_cluster_view: what GET /cluster answers, built from the cluster file, the known leader
 * and which nodes are alive: the plain "<id> <ROLE>" lines and the JSON form. Pure. */
#ifndef ZR_CLUSTER_VIEW_H
#define ZR_CLUSTER_VIEW_H
#include <stdbool.h>
#include <stdint.h>
#include "runtime/zr_config.h"

/* alive[i] tells whether config->nodes[i] is alive (NULL: all are). leader_id < 0: none known.
 * Returns malloc'ed text; *plain gets "<id> <ROLE>\n" lines sorted by id, *json the JSON form. */
void zr_cluster_view_render(const zr_config_t *config, const bool *alive, int64_t leader_id,
                            uint64_t epoch, char **plain, char **json);

#endif
