/* zr_replay_window: a small array of senders, each with its incarnation, its highest sequence
 * and a bitmap of the ZR_REPLAY_WINDOW_BITS sequences at and below it (bit i: highest - i). */
#include "runtime/zr_replay_window.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define WORDS (ZR_REPLAY_WINDOW_BITS / 64)

typedef struct {
    int64_t sender;
    uint64_t incarnation;
    uint64_t highest;
    uint64_t seen[WORDS];
} window_t;

struct zr_replay_table {
    size_t count, max;
    window_t *windows;
};

zr_replay_table_t *zr_replay_table_new(size_t max_senders)
{
    zr_replay_table_t *self = calloc(1, sizeof *self);
    if (!self || !(self->windows = calloc(max_senders ? max_senders : 1, sizeof *self->windows)))
        abort();
    self->max = max_senders;
    return self;
}

void zr_replay_table_destroy(zr_replay_table_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->windows);
    free(*self_p);
    *self_p = NULL;
}

static bool bit_get(const window_t *w, uint64_t i)
{
    return (w->seen[i / 64] >> (i % 64)) & 1;
}

static void bit_set(window_t *w, uint64_t i)
{
    w->seen[i / 64] |= (uint64_t) 1 << (i % 64);
}

/* Moves the window up by shift sequences: bit i becomes bit i + shift. */
static void slide(window_t *w, uint64_t shift)
{
    if (shift >= ZR_REPLAY_WINDOW_BITS) {
        memset(w->seen, 0, sizeof w->seen);
        return;
    }
    size_t words = (size_t) (shift / 64), bits = (size_t) (shift % 64);
    for (size_t i = WORDS; i-- > 0;) {
        uint64_t low = i >= words ? w->seen[i - words] : 0;
        uint64_t lower = i >= words + 1 ? w->seen[i - words - 1] : 0;
        w->seen[i] = bits ? (low << bits) | (lower >> (64 - bits)) : low;
    }
}

static void restart(window_t *w, uint64_t incarnation, uint64_t sequence)
{
    w->incarnation = incarnation;
    w->highest = sequence;
    memset(w->seen, 0, sizeof w->seen);
    bit_set(w, 0);
}

static zr_replay_verdict_t check_window(window_t *w, uint64_t sequence)
{
    if (sequence > w->highest) {
        slide(w, sequence - w->highest);
        w->highest = sequence;
        bit_set(w, 0);
        return ZR_REPLAY_FRESH;
    }
    uint64_t behind = w->highest - sequence;
    if (behind >= ZR_REPLAY_WINDOW_BITS)
        return ZR_REPLAY_TOO_OLD;
    if (bit_get(w, behind))
        return ZR_REPLAY_SEEN;
    bit_set(w, behind);
    return ZR_REPLAY_FRESH;
}

zr_replay_verdict_t zr_replay_check(zr_replay_table_t *self, int64_t sender, uint64_t incarnation,
                                    uint64_t sequence)
{
    for (size_t i = 0; i < self->count; i++) {
        window_t *w = &self->windows[i];
        if (w->sender != sender)
            continue;
        if (incarnation < w->incarnation)
            return ZR_REPLAY_OLD_INCARNATION;
        if (incarnation > w->incarnation) {
            restart(w, incarnation, sequence);
            return ZR_REPLAY_FRESH;
        }
        return check_window(w, sequence);
    }
    if (self->count == self->max)
        return ZR_REPLAY_FULL;
    window_t *w = &self->windows[self->count++];
    w->sender = sender;
    restart(w, incarnation, sequence);
    return ZR_REPLAY_FRESH;
}

const char *zr_replay_verdict_name(zr_replay_verdict_t verdict)
{
    static const char *names[ZR_REPLAY_VERDICTS] = { "fresh", "seen", "too_old", "old_incarnation", "full" };
    return (unsigned) verdict < ZR_REPLAY_VERDICTS ? names[verdict] : "unknown";
}
