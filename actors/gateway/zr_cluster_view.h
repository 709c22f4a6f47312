/* zr_cluster_view: what GET /cluster answers, built from the cluster file, the known leader and
 * the members as the failure detector sees them: the plain "<id> <ROLE>" lines and the JSON form. */
#ifndef ZR_CLUSTER_VIEW_H
#define ZR_CLUSTER_VIEW_H
#include <stdbool.h>
#include <stdint.h>
#include "runtime/zr_config.h"

typedef enum { ZR_VIEW_UNHEARD = 0, ZR_VIEW_ALIVE, ZR_VIEW_SUSPECT, ZR_VIEW_FAILED } zr_view_state_t;

/* One member as the gateway knows it (by index in the cluster file). */
typedef struct {
    zr_view_state_t state;
    uint64_t incarnation;   /* the one that state is about; 0 while unheard */
} zr_view_member_t;

/* members[i] is config->nodes[i]; only ALIVE and SUSPECT members are listed (a member never
 * heard from, or failed, is absent). leader_id < 0: none known. Returns malloc'ed text: *plain
 * gets "<id> <ROLE>\n" lines sorted by id, *json the JSON form with state and incarnation. */
void zr_cluster_view_render(const zr_config_t *config, const zr_view_member_t *members, int64_t leader_id,
                            uint64_t epoch, char **plain, char **json);

#endif
