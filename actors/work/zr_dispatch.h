/* zr_dispatch: the leader's pure core: round-robin assignment of work to workers, the in-flight
 * table, reassignment on worker failure or timeout, fencing of results, and cached answers. */
#ifndef ZR_DISPATCH_H
#define ZR_DISPATCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "actors/work/zr_result_cache.h"

/* Deterministic: no sockets, threads or clock calls. Times (now_ms) come from the actor and
 * must not go backwards. A job is named by (gateway id, request id).
 *
 * Flow:  submit() -> next_assignment() until false -> send each to out.worker_id
 *        (out.worker_id == the leader's own id when no worker is left: run it locally);
 *        result comes back -> complete(); ACCEPTED means forward it to the gateway.
 *        submit() of a job already done -> DONE: answer with zr_dispatch_cached_result().
 * Workers are a circular list in the order they were added; every assignment goes to the next
 * live worker after the previous one that has a free slot: a worker that said how many jobs it
 * runs at once (its slots, once its JVMs are warm) gets at most that many; one that has not
 * said gets nothing while another has (it may still be warming up), and any number when none
 * has. While every eligible worker is full a job waits here, not behind a busy JVM. A removed worker's incarnation is dead for good
 * (crash-stop): its results are refused, and its requests are queued again and reassigned, in
 * submission order, to the remaining workers when next_assignment() is drained. Adding a
 * removed worker again is a new incarnation of it (it restarted or rejoined): it takes its old
 * place in the circle. */

typedef struct _zr_dispatch_t zr_dispatch_t;

typedef enum {
    ZR_DISPATCH_QUEUED = 0,      /* submit: new job, waiting for next_assignment() */
    ZR_DISPATCH_IN_FLIGHT,       /* submit: already queued or assigned: ignore the duplicate */
    ZR_DISPATCH_DONE,            /* submit: already completed: answer from the cache */
    ZR_DISPATCH_ACCEPTED,        /* complete/adopt: the expected result: forward it now */
    ZR_DISPATCH_STORED,          /* adopt: not in flight here; remembered for a re-send */
    ZR_DISPATCH_DUPLICATE,       /* complete/adopt: the job was already completed */
    ZR_DISPATCH_UNKNOWN,         /* complete: no such job in flight or remembered */
    ZR_DISPATCH_WRONG_WORKER,    /* complete: the sender is not the job's assignee */
    ZR_DISPATCH_FAILED_WORKER,   /* complete: the sender was removed (failed) */
    ZR_DISPATCH_STALE_EPOCH,     /* complete/recovered: stamped with an epoch other than ours */
    ZR_DISPATCH_ADOPTED,         /* recovered_running: the job waits for that worker's result */
} zr_dispatch_verdict_t;
#define ZR_DISPATCH_VERDICTS (ZR_DISPATCH_ADOPTED + 1)

typedef struct {
    int64_t gateway_id;
    uint64_t request_id;
    int64_t worker_id;       /* send it there; == leader_id: no worker left, run it locally */
    int64_t leader_id;       /* for fencing: stamp the message with leader id and epoch */
    uint64_t epoch;
    const uint8_t *source;   /* valid until the job completes or the dispatch is destroyed */
    size_t source_len;
    uint32_t attempt;        /* 1 for the first assignment, 2.. after a reassignment */
} zr_dispatch_assignment_t;

typedef struct {
    int64_t id;
    bool alive;              /* false once removed; the leader's own entry is always alive */
    uint64_t assigned;       /* assignments given to it, reassignments included */
    uint64_t completed;      /* results accepted from it */
    size_t in_flight;        /* jobs assigned to it now */
    unsigned slots;          /* jobs it runs at once (its WORKER_HELLO); 0: not told yet */
} zr_dispatch_worker_stats_t;

typedef struct {
    uint64_t verdicts[ZR_DISPATCH_VERDICTS];   /* how often each verdict was returned */
    uint64_t assigned;              /* assignments handed out, reassignments included */
    uint64_t reassigned_failover;   /* jobs taken back from a removed worker */
    uint64_t reassigned_timeout;    /* jobs taken back after the timeout */
    size_t queued;                  /* jobs waiting for next_assignment() now */
    size_t in_flight;               /* jobs queued or assigned now */
    uint64_t recovered_results;     /* finished results workers handed over in recovery */
    uint64_t adopted;               /* jobs found running at a worker and waited for */
    uint64_t recovery_late;         /* workers that had not answered by the recovery deadline */
    int64_t recovery_ms;            /* how long the recovery took (-1 while it runs) */
} zr_dispatch_stats_t;

#define ZR_DISPATCH_DEFAULT_RESULTS 1024               /* completed results remembered */
#define ZR_DISPATCH_DEFAULT_RESULT_BYTES (64u << 20)   /* and their bytes at most */

zr_dispatch_t *zr_dispatch_new(int64_t self_id, uint64_t epoch);
void zr_dispatch_destroy(zr_dispatch_t **self_p);
/* A job assigned for timeout_ms without a result is reassigned to the next worker, and again
 * after twice as long, four times as long... (up to 16 x): a request is never lost to workers
 * that drop it. The previous worker's late result is still accepted (first result wins)
 * unless that worker was removed. 0 (the default) disables timeouts. */
void zr_dispatch_set_timeout(zr_dispatch_t *self, int64_t timeout_ms);
/* Bounds the completed-result cache (oldest forgotten first); a result larger than
 * max_bytes is not remembered, so a re-sent request for it runs again. */
void zr_dispatch_set_cache_limits(zr_dispatch_t *self, size_t max_results, size_t max_bytes);

/* False if id < 0, is the leader itself, or is already a live worker; true (and back in the
 * rotation) for a removed one: a new incarnation of it. */
bool zr_dispatch_add_worker(zr_dispatch_t *self, int64_t worker_id);
/* Marks the worker failed and queues its jobs again; returns how many, or -1 if it is not
 * a live worker. */
int zr_dispatch_remove_worker(zr_dispatch_t *self, int64_t worker_id, int64_t now_ms);
size_t zr_dispatch_worker_count(const zr_dispatch_t *self);   /* live workers */
/* The worker runs slots jobs at once from now on (0: not told). False if it is unknown. */
bool zr_dispatch_set_slots(zr_dispatch_t *self, int64_t worker_id, unsigned slots);
/* Live workers that have not said their slots (to ask again): up to cap ids; how many. */
size_t zr_dispatch_untold(const zr_dispatch_t *self, int64_t *ids, size_t cap);

/* Copies source. Returns QUEUED, IN_FLIGHT or DONE. */
zr_dispatch_verdict_t zr_dispatch_submit(zr_dispatch_t *self, int64_t gateway_id,
                                         uint64_t request_id, const void *source, size_t len,
                                         int64_t now_ms);
/* The next decision to carry out; false when nothing is queued or every live worker's slots
 * are taken (a completion frees one). Never blocks on workers. */
bool zr_dispatch_next_assignment(zr_dispatch_t *self, zr_dispatch_assignment_t *out);
/* A result from worker_id (the leader's own id for local runs) stamped with epoch. On
 * ACCEPTED the job leaves the table and result[0..len) (the encoded answer) is cached. */
zr_dispatch_verdict_t zr_dispatch_complete(zr_dispatch_t *self, int64_t gateway_id,
                                           uint64_t request_id, int64_t worker_id,
                                           uint64_t epoch, const void *result, size_t len);
/* Recovery after an election: a result some node completed under an earlier leader.
 * ACCEPTED: the job was in flight here and is now done (answer the gateway now);
 * STORED: remembered for the gateway's re-send; DUPLICATE: already known. */
zr_dispatch_verdict_t zr_dispatch_adopt_completed(zr_dispatch_t *self, int64_t gateway_id,
                                                  uint64_t request_id, const void *result,
                                                  size_t len);
/* ---- recovery (stage 5) ----
 * A new leader first gathers what its workers hold: the results they finished for an earlier
 * leader and not yet handed over, and the jobs they are still running. The actor sends a
 * RECOVERY_REQUEST to every worker id zr_dispatch_recovery_due() names (the leader's own id:
 * its own worker), feeds each answer's entries in, and marks the last one answered. Until
 * every live worker has answered, was removed, or the deadline passed, next_assignment() gives
 * nothing out; submit() still takes requests, so a re-sent request for a recovered result is
 * DONE at once and one for a job running somewhere is IN_FLIGHT until its worker answers. */
void zr_dispatch_recovery_begin(zr_dispatch_t *self, int64_t now_ms, int64_t wait_ms, int64_t reask_ms);
bool zr_dispatch_recovering(const zr_dispatch_t *self);
/* The workers to ask now (all at first, then the silent ones every reask_ms): up to cap ids
 * into ids; returns how many. */
size_t zr_dispatch_recovery_due(zr_dispatch_t *self, int64_t now_ms, int64_t *ids, size_t cap);
/* A finished result in worker_id's answer for epoch: ACCEPTED (in flight here: answer the
 * gateway now), STORED (for the re-send), DUPLICATE, or STALE_EPOCH (an answer to another
 * leader's request: ignored). */
zr_dispatch_verdict_t zr_dispatch_recovered_result(zr_dispatch_t *self, int64_t worker_id, uint64_t epoch,
                                                   int64_t gateway_id, uint64_t request_id,
                                                   const void *result, size_t len);
/* A job still running at worker_id: ADOPTED (its result, stamped with our epoch by the worker,
 * completes it), IN_FLIGHT (already assigned here), DUPLICATE (already done), FAILED_WORKER,
 * or STALE_EPOCH. */
zr_dispatch_verdict_t zr_dispatch_recovered_running(zr_dispatch_t *self, int64_t worker_id, uint64_t epoch,
                                                    int64_t gateway_id, uint64_t request_id, int64_t now_ms);
/* worker_id's last answer for epoch arrived. False if stale or not awaited. */
bool zr_dispatch_recovery_answered(zr_dispatch_t *self, int64_t worker_id, uint64_t epoch, int64_t now_ms);

/* ---- a worker back as a new incarnation, with no verdict here (a rejoin) ----
 * Its process may be the same one, still running what its old incarnation was given (it came
 * back because a peer had declared it failed), or a new one that lost it all (it restarted
 * before anyone noticed). So its jobs stay with it, unconfirmed, and it gets no new ones until
 * its hello; the actor asks the new incarnation what it holds (RECOVERY_REQUEST). A running
 * entry keeps its job there (recovered_running: ADOPTED), a finished one completes it
 * (recovered_result), and its last answer (rejoin_answered) queues the unconfirmed rest again,
 * as does wait_ms without one (tick; first answer wins should it come later). So a job runs
 * again only if the process lost it. Returns how many jobs wait, or -1 if not a live worker. */
int zr_dispatch_rejoin_worker(zr_dispatch_t *self, int64_t worker_id, int64_t now_ms, int64_t wait_ms);
/* worker_id's last recovery answer for epoch arrived: its unconfirmed jobs, which it did not
 * list, are queued again (counted as failover reassignments); returns how many. */
size_t zr_dispatch_rejoin_answered(zr_dispatch_t *self, int64_t worker_id, uint64_t epoch, int64_t now_ms);

/* The cached result of a completed job (non-NULL even if empty), or NULL. The bytes are what
 * complete()/adopt got: the actor re-stamps them with this leader's id and epoch before
 * sending, since the gateway only takes answers stamped by its current leader. */
const uint8_t *zr_dispatch_cached_result(zr_dispatch_t *self, int64_t gateway_id,
                                         uint64_t request_id, size_t *len);

/* When tick() has something to do next (ms, same clock as now_ms), or -1 for never. */
int64_t zr_dispatch_next_deadline(const zr_dispatch_t *self);
/* Queues again the jobs whose timeout passed (and those a worker back as a new incarnation did
 * not confirm in time); returns how many. */
size_t zr_dispatch_tick(zr_dispatch_t *self, int64_t now_ms);

/* Counters of worker_id (the leader's own id included); false if never a worker. */
bool zr_dispatch_worker_stats(const zr_dispatch_t *self, int64_t worker_id,
                              zr_dispatch_worker_stats_t *out);
/* For /metrics: index 0 is the leader itself, then workers in the order they were added
 * (removed ones included, alive false); false past the end. */
bool zr_dispatch_worker_stats_at(const zr_dispatch_t *self, size_t index,
                                 zr_dispatch_worker_stats_t *out);
void zr_dispatch_stats(const zr_dispatch_t *self, zr_dispatch_stats_t *out);
/* Completed-result cache figures. */
void zr_dispatch_cache_stats(const zr_dispatch_t *self, zr_result_cache_stats_t *out);
/* "QUEUED", "IN_FLIGHT", ... for logs. */
const char *zr_dispatch_verdict_name(zr_dispatch_verdict_t verdict);

#endif
