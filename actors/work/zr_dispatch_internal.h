/* zr_dispatch_internal: the dispatch core's state, shared by its files (zr_dispatch.c: jobs and
 * workers; zr_dispatch_recovery.c: a new leader's recovery; zr_dispatch_rejoin.c: a worker's new
 * incarnation). Not for other rooms' use. */
#ifndef ZR_DISPATCH_INTERNAL_H
#define ZR_DISPATCH_INTERNAL_H
#include "actors/work/zr_dispatch.h"
#include "runtime/zr_id_set.h"
#include "runtime/zr_job_key.h"

/* A new leader's recovery: who still has to answer, and when to ask again or give up. */
typedef struct {
    bool active;
    zr_id_set_t waiting;     /* workers (the leader itself included) that have not answered */
    int64_t started_at, deadline, reask_ms, next_ask;
} dispatch_recovery_t;

#define NO_WORKER (-1)
#define MAX_TIMEOUT_DOUBLINGS 4   /* a job waits at most 16 timeouts per assignment */

typedef struct {
    zr_job_key_t key;
    uint8_t *source;
    size_t source_len;
    int64_t worker;          /* assignee, NO_WORKER while queued */
    int64_t previous;        /* assignee it timed out on, whose late result still counts */
    int64_t queued_at;       /* when it was last queued: the timeout runs from here */
    uint32_t attempt;
    uint32_t timeouts;       /* how often it timed out: each wait is twice the one before */
    int64_t timeout_at;      /* while assigned with a timeout: when it is taken back */
    bool adopted;            /* recovered as running at its worker: no source until the gateway re-sends it */
    bool unconfirmed;        /* its worker came back as a new incarnation: kept for it until it says */
    void *order_handle;
    void *queue_handle;      /* in self->queue, or NULL */
    void *timer_handle;      /* in self->timers, or NULL */
} job_t;

struct _zr_dispatch_t {
    int64_t self_id;
    uint64_t epoch;
    zr_dispatch_worker_stats_t leader;     /* the leader itself, when it runs work */
    zr_dispatch_worker_stats_t *workers;   /* circular list, removed ones kept (alive false) */
    size_t worker_total;
    size_t worker_alive;
    size_t cursor;                         /* index of the next candidate */
    zhashx_t *jobs;                        /* key -> job_t */
    zlistx_t *order;                       /* job_t by submission (owns them) */
    zlistx_t *queue;                       /* job_t waiting for next_assignment() */
    zlistx_t *timers;                      /* assigned job_t by queued_at, timeout pending */
    int64_t timeout_ms;
    int64_t now_ms;                        /* the latest time an entry point was given */
    zr_result_cache_t *done;
    zr_dispatch_stats_t stats;
    dispatch_recovery_t recovery;
};

/* Shared between the files. */
zr_dispatch_worker_stats_t *dispatch_worker_find(const zr_dispatch_t *self, int64_t id);
/* Takes job from the queue and gives it to worker (counted as an assignment unless adopted). */
void dispatch_job_assign(zr_dispatch_t *self, job_t *job, zr_dispatch_worker_stats_t *worker);
/* The job leaves the table: credited to `by` (NO_WORKER: adopted), result cached. */
void dispatch_job_finish(zr_dispatch_t *self, job_t *job, int64_t by, const void *result, size_t len);
/* A new job with no source yet (source NULL) or a copy of source[0..len). */
job_t *dispatch_job_new(zr_dispatch_t *self, zr_job_key_t key, const void *source, size_t len);
/* The job leaves the table without a result. */
void dispatch_job_drop(zr_dispatch_t *self, job_t *job);
/* Back in the queue, away from its assignee, its timer stopped. */
void dispatch_job_requeue(zr_dispatch_t *self, job_t *job, int64_t now_ms);
/* (Re)starts the job's timer: taken back at at_ms (tick). */
void dispatch_job_set_timer(zr_dispatch_t *self, job_t *job, int64_t at_ms);
/* The recovery's part of remove_worker, next_deadline and tick. */
void dispatch_recovery_forget(zr_dispatch_t *self, int64_t worker_id, int64_t now_ms);
int64_t dispatch_recovery_deadline(const zr_dispatch_t *self);
/* A job its worker's new incarnation still runs: it waits for that result (counted as adopted). */
void dispatch_rejoin_confirm(zr_dispatch_t *self, job_t *job, int64_t now_ms);
void dispatch_recovery_tick(zr_dispatch_t *self, int64_t now_ms);

#endif
