/* zr_worker_book: what a node's worker remembers whatever its role: the jobs its runner pool is
 * running, and the results it finished and holds until acknowledged or collected. Pure core. */
#ifndef ZR_WORKER_BOOK_H
#define ZR_WORKER_BOOK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "runtime/zr_job_key.h"

/* A job is named by (gateway id, request id) cluster-wide. The worker runs a job at most once
 * while it remembers it: a second request for a running job waits for the same result, one for
 * a held result is answered from it. A result is held until a leader acknowledges it: the one
 * it answered once the gateway has it, or a new leader once it has collected it (recovery); a
 * collection lost on the way is simply repeated. At most max_held results and max_held_bytes
 * bytes, the oldest dropped first (counted). */

typedef struct _zr_worker_book_t zr_worker_book_t;

/* Which leader a result answers: the gateway and the leader take a result only when it is
 * stamped with the current leader's id and epoch. A running job answers the latest leader
 * that asked for it (or collected it), so the one result reaches whoever leads now. */
typedef struct {
    int64_t leader_id;
    uint64_t epoch;
} zr_worker_stamp_t;

typedef enum {
    ZR_WORKER_START_RUN = 0,      /* new: hand it to the runner pool */
    ZR_WORKER_START_RUNNING,      /* already running: its one result answers both */
    ZR_WORKER_START_HELD,         /* already finished: answer with zr_worker_book_held() */
} zr_worker_start_t;

typedef struct {
    size_t running;               /* jobs the pool runs now */
    size_t held;                  /* results held now */
    size_t held_bytes;
    uint64_t started;             /* jobs handed to the pool */
    uint64_t joined;              /* requests for a job already running */
    uint64_t answered_held;       /* requests answered from a held result */
    uint64_t acknowledged;        /* held results forgotten on a leader's ack */
    uint64_t collected;           /* held results handed to a new leader (each time) */
    uint64_t dropped;             /* held results dropped to stay within the limits */
} zr_worker_book_stats_t;

#define ZR_WORKER_BOOK_DEFAULT_HELD 4096
#define ZR_WORKER_BOOK_DEFAULT_HELD_BYTES (128u << 20)

zr_worker_book_t *zr_worker_book_new(size_t max_held, size_t max_held_bytes);
void zr_worker_book_destroy(zr_worker_book_t **self_p);

/* A request for key from the leader of stamp. RUNNING: the job now answers the later (higher
 * epoch) of its stamp and this one. */
zr_worker_start_t zr_worker_book_start(zr_worker_book_t *self, zr_job_key_t key, zr_worker_stamp_t stamp);
/* The held result of key (non-NULL even when empty) and its length, or NULL. */
const uint8_t *zr_worker_book_held(zr_worker_book_t *self, zr_job_key_t key, size_t *len);
/* The pool finished key with result[0..len) (the caller stamps it with *stamp first: the leader
 * it answers now): no longer running, and held. False if it was not running here (e.g. a
 * stray result), in which case nothing changes. */
bool zr_worker_book_running_stamp(const zr_worker_book_t *self, zr_job_key_t key, zr_worker_stamp_t *stamp);
bool zr_worker_book_finish(zr_worker_book_t *self, zr_job_key_t key, const void *result, size_t len);
/* The leader acknowledged key: its result is forgotten. False if it was not held. */
bool zr_worker_book_acknowledge(zr_worker_book_t *self, zr_job_key_t key);

/* Recovery by the leader of stamp: every held result (oldest first, result non-NULL), then
 * every running job (result NULL), each visited once; the held results stay until the new
 * leader acknowledges them, and the running jobs answer the new leader from now on. Returns
 * how many entries were visited. */
typedef void (*zr_worker_book_visit_fn)(void *arg, zr_job_key_t key, const uint8_t *result, size_t len,
                                        size_t index, size_t total);
size_t zr_worker_book_collect(zr_worker_book_t *self, zr_worker_stamp_t stamp, zr_worker_book_visit_fn visit,
                              void *arg);

void zr_worker_book_stats(const zr_worker_book_t *self, zr_worker_book_stats_t *out);

#endif
