/* zr_pending: the gateway's pure core: accepted HTTP requests held until their answer, queued
 * while no leader is known, (re)sent to each new leader, fenced answers, expiry at a deadline. */
#ifndef ZR_PENDING_H
#define ZR_PENDING_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Deterministic: no sockets, threads or clock calls; now_ms comes from the actor and must not
 * go backwards.
 *
 * Flow:  accept_id() with the caller's request id;  leader_changed()/leader_lost() as the election observer
 *        learns;  next_send() until false -> send each to out.leader_id;  answer() when the
 *        leader replies (ANSWERED: reply to the client, the entry is gone);  tick() at
 *        next_deadline() -> next_expired() until false -> reply 503 "no leader for N ms".
 * A request waits while no leader is known; it expires once it has waited queue_deadline_ms
 * without a leader (counted from acceptance, or from the loss of the leader it was sent to).
 * Every request not yet answered is sent again to each new leader, in id order. Answers count
 * only from the current leader at its epoch: an answer from a leader that was lost or replaced,
 * or from a lower epoch, is refused. Which leaders are alive is the actor's business (it does
 * not report a failed node as leader); this table only fences by (leader id, epoch). */

typedef struct _zr_pending_t zr_pending_t;

typedef enum {
    ZR_PENDING_ANSWERED = 0,   /* first answer from the current leader: reply to the client */
    ZR_PENDING_NO_LEADER,      /* no leader known now: the sender was lost */
    ZR_PENDING_WRONG_LEADER,   /* not the current leader id and epoch */
    ZR_PENDING_UNKNOWN,        /* no such pending request (answered, cancelled or expired) */
} zr_pending_verdict_t;
#define ZR_PENDING_VERDICTS (ZR_PENDING_UNKNOWN + 1)

typedef struct {
    uint64_t request_id;
    int64_t leader_id;         /* send it to this leader, stamped with its epoch */
    uint64_t epoch;
    const uint8_t *source;     /* valid until the request is answered or cancelled */
    size_t source_len;
    uint32_t attempt;          /* 1 the first time, 2.. when re-sent to a later leader */
} zr_pending_send_t;

typedef struct {
    uint64_t request_id;
    int64_t waited_ms;         /* how long it waited without a leader (>= the deadline) */
} zr_pending_expired_t;

typedef struct {
    uint64_t verdicts[ZR_PENDING_VERDICTS];   /* how often each answer() verdict was given */
    uint64_t accepted;
    uint64_t sends;            /* next_send() decisions, re-sends included */
    uint64_t resends;          /* of which re-sends to a later leader */
    uint64_t expired;
    uint64_t cancelled;
    uint64_t leader_changes;   /* leader_changed() calls that installed a new leader */
    uint64_t leaders_refused;  /* leader_changed() calls with a lower epoch */
    size_t pending;            /* requests held now */
    size_t waiting;            /* of which waiting for a leader */
} zr_pending_stats_t;

/* Request ids are the caller's (the HTTP front's, unique across gateway restarts: leaders cache
 * answers by id). */
zr_pending_t *zr_pending_new(int64_t queue_deadline_ms);
void zr_pending_destroy(zr_pending_t **self_p);

/* Copies source under an id the caller assigned (e.g. the HTTP front's X-Request-Id);
 * false (nothing kept) if the id is 0 or already pending. Ids need not be in order. */
bool zr_pending_accept_id(zr_pending_t *self, uint64_t request_id, const void *source, size_t len,
                          int64_t now_ms);
/* A (new) leader is known: true if it replaces the current one, in which case every request
 * not answered is queued to be sent to it. False (nothing changes) for the current leader
 * again, for a negative id, or for an epoch lower than the highest seen. */
bool zr_pending_leader_changed(zr_pending_t *self, int64_t leader_id, uint64_t epoch,
                               int64_t now_ms);
/* The leader failed: every request not answered waits again from now_ms. */
void zr_pending_leader_lost(zr_pending_t *self, int64_t now_ms);
/* The current leader (true), or none known (false, *leader_id -1); *epoch is the highest
 * epoch seen either way. Either pointer may be NULL. */
bool zr_pending_leader(const zr_pending_t *self, int64_t *leader_id, uint64_t *epoch);

/* The next request to send to the current leader; false when there is none. */
bool zr_pending_next_send(zr_pending_t *self, zr_pending_send_t *out);
/* An answer for request_id from leader_id at epoch; on ANSWERED the request is freed. */
zr_pending_verdict_t zr_pending_answer(zr_pending_t *self, uint64_t request_id,
                                       int64_t leader_id, uint64_t epoch);
/* The client went away: forgets the request; false if it was not pending. */
bool zr_pending_cancel(zr_pending_t *self, uint64_t request_id);

/* When tick() has something to do next (ms), or -1 for never. */
int64_t zr_pending_next_deadline(const zr_pending_t *self);
/* Expires the requests that waited queue_deadline_ms without a leader; returns how many. */
size_t zr_pending_tick(zr_pending_t *self, int64_t now_ms);
/* The next expired request to answer with 503; false when there is none. */
bool zr_pending_next_expired(zr_pending_t *self, zr_pending_expired_t *out);

size_t zr_pending_count(const zr_pending_t *self);   /* requests held (not answered) */
void zr_pending_stats(const zr_pending_t *self, zr_pending_stats_t *out);
/* "ANSWERED", "NO_LEADER", ... for logs. */
const char *zr_pending_verdict_name(zr_pending_verdict_t verdict);

#endif
