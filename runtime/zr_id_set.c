/* zr_id_set: linear search over at most ZR_CONFIG_MAX_NODES ids; no allocation.
 * Order of insertion is kept (callers iterate ids[0..count)). */
#include "runtime/zr_id_set.h"
#include <string.h>

bool zr_id_set_has(const zr_id_set_t *self, int64_t id)
{
    for (size_t i = 0; i < self->count; i++)
        if (self->ids[i] == id)
            return true;
    return false;
}

bool zr_id_set_add(zr_id_set_t *self, int64_t id)
{
    if (zr_id_set_has(self, id) || self->count == ZR_CONFIG_MAX_NODES)
        return false;
    self->ids[self->count++] = id;
    return true;
}

bool zr_id_set_remove(zr_id_set_t *self, int64_t id)
{
    for (size_t i = 0; i < self->count; i++)
        if (self->ids[i] == id) {
            memmove(&self->ids[i], &self->ids[i + 1], (self->count - i - 1) * sizeof self->ids[0]);
            self->count--;
            return true;
        }
    return false;
}
