/* zr_id_set: a small set of node ids (at most ZR_CONFIG_MAX_NODES), kept by value so it can be
 * copied into an actor's arguments. Used for the peers heard from and the peers failed. */
#ifndef ZR_ID_SET_H
#define ZR_ID_SET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "runtime/zr_config.h"

typedef struct {
    int64_t ids[ZR_CONFIG_MAX_NODES];
    size_t count;
} zr_id_set_t;

/* True if id was added (it was not there and there was room). */
bool zr_id_set_add(zr_id_set_t *self, int64_t id);
bool zr_id_set_has(const zr_id_set_t *self, int64_t id);
/* True if id was there (the others keep their order). */
bool zr_id_set_remove(zr_id_set_t *self, int64_t id);

#endif
