/* zr_inproc_frames: adding and taking number, text and struct frames, checked for size.
 * A frame of the wrong size is a malformed message: the take fails and the caller drops it. */
#include "runtime/zr_inproc_frames.h"

void zr_frames_add_i64(zmsg_t *msg, int64_t value)
{
    zmsg_addmem(msg, &value, sizeof value);
}

void zr_frames_add_u64(zmsg_t *msg, uint64_t value)
{
    zmsg_addmem(msg, &value, sizeof value);
}

bool zr_frames_take_mem(zmsg_t *msg, void *out, size_t size)
{
    zframe_t *frame = zmsg_pop(msg);
    bool ok = frame && zframe_size(frame) == size;
    if (ok)
        memcpy(out, zframe_data(frame), size);
    zframe_destroy(&frame);
    return ok;
}

bool zr_frames_take_i64(zmsg_t *msg, int64_t *value)
{
    return zr_frames_take_mem(msg, value, sizeof *value);
}

bool zr_frames_take_u64(zmsg_t *msg, uint64_t *value)
{
    return zr_frames_take_mem(msg, value, sizeof *value);
}

char *zr_frames_take_str(zmsg_t *msg)
{
    return zmsg_popstr(msg);
}
