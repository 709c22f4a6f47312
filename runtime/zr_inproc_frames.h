/* zr_inproc_frames: fixed-size number frames for zr_inproc's messages (native layout: the
 * messages never leave the process). Internal to runtime/zr_inproc*.c. */
#ifndef ZR_INPROC_FRAMES_H
#define ZR_INPROC_FRAMES_H
#include <czmq.h>
#include <stdbool.h>
#include <stdint.h>

void zr_frames_add_i64(zmsg_t *msg, int64_t value);
void zr_frames_add_u64(zmsg_t *msg, uint64_t value);
/* Pops the next frame; true (value set) only if it has exactly the value's size. */
bool zr_frames_take_i64(zmsg_t *msg, int64_t *value);
bool zr_frames_take_u64(zmsg_t *msg, uint64_t *value);
/* Pops the next frame as a NUL-terminated copy (caller frees); NULL if there is none. */
char *zr_frames_take_str(zmsg_t *msg);
/* Pops the next frame if it holds exactly size bytes and copies them into out. */
bool zr_frames_take_mem(zmsg_t *msg, void *out, size_t size);

#endif
