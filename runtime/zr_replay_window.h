/* zr_replay_window: which authenticated datagrams are new: per sender, the newest incarnation
 * seen and a sliding window of the sequences seen in it. Pure: no clock, no sockets. */
#ifndef ZR_REPLAY_WINDOW_H
#define ZR_REPLAY_WINDOW_H
#include <stddef.h>
#include <stdint.h>

/* Sequences more than this far behind the highest seen of an incarnation are refused. */
#define ZR_REPLAY_WINDOW_BITS 256

typedef enum {
    ZR_REPLAY_FRESH = 0,         /* never seen: accepted (and remembered) */
    ZR_REPLAY_SEEN,              /* that (sender, incarnation, sequence) came before */
    ZR_REPLAY_TOO_OLD,           /* behind the window: cannot be told from a replay */
    ZR_REPLAY_OLD_INCARNATION,   /* an earlier incarnation of a sender already superseded */
    ZR_REPLAY_FULL,              /* a new sender, and the table holds max_senders already */
} zr_replay_verdict_t;
#define ZR_REPLAY_VERDICTS (ZR_REPLAY_FULL + 1)

typedef struct zr_replay_table zr_replay_table_t;

zr_replay_table_t *zr_replay_table_new(size_t max_senders);
void zr_replay_table_destroy(zr_replay_table_t **self_p);
/* Checks one datagram's stamp and, if FRESH, records it. A higher incarnation of a sender
 * starts a new window and makes every lower one OLD_INCARNATION from then on. */
zr_replay_verdict_t zr_replay_check(zr_replay_table_t *self, int64_t sender, uint64_t incarnation,
                                    uint64_t sequence);
/* "fresh", "seen", "too_old", "old_incarnation", "full": for logs and metric labels. */
const char *zr_replay_verdict_name(zr_replay_verdict_t verdict);

#endif
