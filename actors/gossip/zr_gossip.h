/* zr_gossip: the gossip-style failure detector as a pure core: heartbeats, incarnations, suspicion
 * before a verdict, local health, rejoin signals. Messages and a clock value in; sends, facts out. */
#ifndef ZR_GOSSIP_H
#define ZR_GOSSIP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proto/zr_gossip_msg.h"
#include "runtime/zr_timings.h"

/* Deterministic: no sockets, threads or clock calls; the only randomness (the gossip target)
 * comes from a PRNG seeded by the config. Times (now_ms) are this node's clock.
 *
 * Members: every server of the cluster file, the gateway included; each is watched alike. A
 *   member is known by incarnation: each start of its process (and each rejoin) is a new one,
 *   with a larger number. A verdict is about one incarnation (crash-stop per incarnation); a
 *   newer incarnation replaces the entry and the member is back (JOINED fact, ALIVE change).
 * Table: per other member, its incarnation, the highest heartbeat sequence known and the local
 *   time it last went up; ALIVE, SUSPECT, FAILED, CLEANED. Entries start "never heard"
 *   (incarnation 0), and a member never heard from is never suspected (start-up grace, NEVER by
 *   default: it has not started, it has not failed).
 * Every base_interval_ms (tick): the own sequence goes up; one live peer is picked at random
 *   and gets the whole table (rows of heard members with their flags; the own heartbeat,
 *   incarnation and view ride in the header); every other live peer gets a bare heartbeat. So
 *   everyone hears everyone directly each interval, and the random tables relay what lost
 *   heartbeats would have told.
 * Receive: the header counts as a row for the sender. A row about a newer incarnation than
 *   known replaces the entry; one about the known incarnation with a higher sequence is merged
 *   (UPDATED fact) and refutes a suspicion (REFUTED fact, ALIVE change); older incarnations and
 *   rows about FAILED incarnations are ignored. The FAILED and SUSPECT flags are information:
 *   each node judges others itself.
 * Suspicion: an ALIVE member whose sequence did not go up for suspect_after_ms becomes SUSPECT
 *   (SUSPECTED fact, change). Unrefuted for another (fail_after_ms - suspect_after_ms) times
 *   (1 + local health), it is FAILED, for good for that incarnation (FAILED fact, change).
 * Local health (Lifeguard): a node whose own ticks come late was starved and trusts its own
 *   verdicts less: each tick later than half an interval raises its score (up to max_health),
 *   each eight ticks in a row on time lower it by one; the suspicion phase lasts (1 + score)
 *   times longer. A silence of more than max(fail_after_ms / 2, 2 intervals) between calls was
 *   our own pause: every timer restarts from now (nobody is blamed for it) and the score is
 *   raised to the top.
 * Rejoin: this node must come back as a new incarnation (zr_gossip_take_rejoin) when (a) its own
 *   pause lasted longer than fail_after_ms (peers will have declared it failed), (b) a peer's
 *   row declares this node's current incarnation FAILED and that peer's view (leader epoch,
 *   leader id) is at least this node's, or (c) a peer that this node declared failed (or knows
 *   an older incarnation of) shows a view that supersedes this node's: the two sides of a healed
 *   partition; the side with the higher view wins and the other rejoins, or (d) the live leader
 *   this node follows shows a view that supersedes it, naming another leader: it stepped down,
 *   so this node follows nobody (after a heal, a rejoining node can take its old side's last
 *   votes just as that leader rejoins too). Messages from failed senders are read for (b) and
 *   (c) only. zr_gossip_rejoin starts the new incarnation with a fresh table (a new incarnation
 *   remembers no verdicts, as a restarted process would not) and a view without a leader until
 *   zr_gossip_set_view tells it one.
 * Cleanup: cleanup_after_ms - fail_after_ms after the declaration the entry stops being
 *   gossiped (CLEANED fact) but stays failed for that incarnation.
 * Detection after a crash, lossless, health 0: fail_after_ms + latency + tick delay. */

typedef struct {
    int64_t self_id;              /* >= 0 */
    uint64_t self_incarnation;    /* > 0 */
    const int64_t *server_ids;    /* every member (>= 0, no duplicates), self may be listed; copied */
    size_t server_count;
    int64_t base_interval_ms;     /* > 0: heartbeat and gossip period */
    int64_t suspect_after_ms;     /* > 0, < fail_after_ms */
    int64_t fail_after_ms;        /* > base_interval_ms */
    int64_t cleanup_after_ms;     /* >= fail_after_ms, counted from the last increase */
    int64_t startup_grace_ms;     /* >= 0, ZR_TIMING_NEVER: how long a member never heard may be silent */
    int max_health;               /* 0..16: the highest local health score (0: never stretch) */
    uint64_t first_seq;           /* own sequences start above it (wall-clock ms) */
    uint64_t random_seed;         /* seeds the choice of gossip targets */
    size_t max_entries;           /* rows per message, <= ZR_GOSSIP_MSG_MAX_ENTRIES; 0: all that fit */
} zr_gossip_config_t;

/* Takes base interval, suspect, fail, cleanup, start-up grace and local health from the cluster's
 * timings (runtime/zr_timings.h explains them). Ids, incarnation, seed, first_seq are left. */
void zr_gossip_config_timings(zr_gossip_config_t *config, const zr_timings_t *timings);

typedef enum {
    ZR_GOSSIP_ALIVE = 0,
    ZR_GOSSIP_SUSPECT,    /* silent lately; not yet a verdict */
    ZR_GOSSIP_FAILED,     /* declared failed (this incarnation), still gossiped (flagged) */
    ZR_GOSSIP_CLEANED,    /* failed and out of the gossiped table; still failed */
} zr_gossip_state_t;

typedef enum {
    ZR_GOSSIP_ACCEPTED = 0,    /* merged (rows may still all be stale) */
    ZR_GOSSIP_FROM_FAILED,     /* sender (that incarnation, or an older one) failed here: read for rejoin only */
    ZR_GOSSIP_FROM_UNKNOWN,    /* sender is this node or not a member: ignored */
} zr_gossip_verdict_t;

typedef enum {
    ZR_GOSSIP_FACT_RECEIVED = 0,  /* verbose log: a message arrived (every one, ignored too) */
    ZR_GOSSIP_FACT_UPDATED,       /* summary log: a higher sequence was learnt */
    ZR_GOSSIP_FACT_FAILED,        /* stdout and summary log: SERVER FAILED */
    ZR_GOSSIP_FACT_CLEANED,       /* debug log: a failed entry left the table */
    ZR_GOSSIP_FACT_SUSPECTED,     /* summary log: a member went silent */
    ZR_GOSSIP_FACT_REFUTED,       /* summary log: a suspected member was heard again */
    ZR_GOSSIP_FACT_JOINED,        /* summary log: a member (or a new incarnation of one) was heard */
    ZR_GOSSIP_FACT_REJOINING,     /* summary log: this node comes back as a new incarnation */
} zr_gossip_fact_kind_t;

typedef enum {
    ZR_GOSSIP_REJOIN_NONE = 0,
    ZR_GOSSIP_REJOIN_PAUSED,      /* our own pause outlasted fail_after_ms */
    ZR_GOSSIP_REJOIN_DECLARED,    /* a peer declared our incarnation failed */
    ZR_GOSSIP_REJOIN_SUPERSEDED,  /* a failed peer, or the leader we follow, shows a newer leader */
} zr_gossip_rejoin_t;

typedef struct {
    zr_gossip_fact_kind_t kind;
    int64_t self_id;
    int64_t at_ms;                /* local time of the fact (RECEIVED: receive time) */
    int64_t server_id;            /* UPDATED, FAILED, CLEANED, SUSPECTED, REFUTED, JOINED */
    uint64_t incarnation;         /* JOINED, REJOINING: the (new) incarnation */
    uint64_t seq;                 /* UPDATED, REFUTED: the new sequence */
    int64_t source_id;            /* UPDATED, RECEIVED, REJOINING (DECLARED, SUPERSEDED): the sender */
    int64_t silent_ms;            /* SUSPECTED, FAILED: how long nothing was heard */
    zr_gossip_rejoin_t reason;    /* REJOINING */
    zr_gossip_verdict_t verdict;  /* RECEIVED */
    zr_gossip_msg_t msg;          /* RECEIVED: the message as received */
} zr_gossip_fact_t;

/* A member's new state, for the rest of the process (the membership stream). */
typedef struct {
    int64_t id;
    uint64_t incarnation;
    zr_gossip_state_t state;      /* ALIVE (heard, or heard again), SUSPECT, FAILED */
} zr_gossip_change_t;

typedef struct {
    int64_t to_id;                /* a live member */
    zr_gossip_msg_t msg;          /* encodes within the UDP payload cap */
} zr_gossip_output_t;

typedef struct {
    int64_t id;
    uint64_t incarnation;         /* 0: never heard */
    zr_gossip_state_t state;
    uint64_t seq;                 /* 0: never heard */
    int64_t updated_ms;           /* local time seq last went up (creation time if never) */
    zr_gossip_view_t view;        /* what it told of itself last (leader, load) */
} zr_gossip_server_t;

typedef struct {
    uint64_t received;            /* messages given to receive() */
    uint64_t from_failed;         /* ... from a failed (or older) incarnation: read for rejoin only */
    uint64_t from_unknown;        /* ... ignored: own or unknown sender */
    uint64_t merged;              /* rows (senders' headers included) that raised a sequence */
    uint64_t stale;               /* rows not higher than known, or about an older incarnation */
    uint64_t about_failed;        /* rows about incarnations failed here: ignored */
    uint64_t about_unknown;       /* rows about non-members: ignored */
    uint64_t self_reported_failed;  /* rows saying this node's incarnation failed */
    uint64_t suspicions;          /* members suspected */
    uint64_t refutations;         /* suspicions cleared by a newer heartbeat */
    uint64_t failures;            /* members declared failed */
    uint64_t joins;               /* members heard for the first time, or as a new incarnation */
    uint64_t rejoins;             /* times this node came back as a new incarnation */
    uint64_t cleaned;             /* failed entries removed from the gossiped table */
    uint64_t sent;                /* messages queued for sending */
    uint64_t stalls;              /* own pauses detected (timers restarted) */
    uint64_t late_ticks;          /* own ticks later than half an interval */
    uint64_t heartbeat_seq;       /* own current sequence */
    uint64_t incarnation;         /* own current incarnation */
    int health;                   /* local health score now (0: healthy) */
} zr_gossip_stats_t;

typedef struct zr_gossip zr_gossip_t;

/* NULL if the config is invalid (see the field comments). Nothing is queued yet: the first
 * heartbeat goes out at the first tick (next_deadline() is now_ms). */
zr_gossip_t *zr_gossip_new(const zr_gossip_config_t *config, int64_t now_ms);
void zr_gossip_destroy(zr_gossip_t **self_p);

/* Merges one message (decoded by proto/zr_gossip_msg) and queues its facts and changes. */
zr_gossip_verdict_t zr_gossip_receive(zr_gossip_t *self, const zr_gossip_msg_t *msg,
                                      int64_t now_ms);
/* Heartbeat and gossip when due, then suspicion, failure and cleanup checks; call at
 * next_deadline() or later. now_ms must not go back (an earlier value is taken as the latest). */
void zr_gossip_tick(zr_gossip_t *self, int64_t now_ms);
/* When tick() must next run. */
int64_t zr_gossip_next_deadline(const zr_gossip_t *self);

/* What this node tells of itself in every header from now on (leader it follows, load). */
void zr_gossip_set_view(zr_gossip_t *self, const zr_gossip_view_t *view);
/* Why this node must come back as a new incarnation, once (NONE: it need not), and who said so. */
zr_gossip_rejoin_t zr_gossip_take_rejoin(zr_gossip_t *self, int64_t *source_id);
/* Starts incarnation (> the current one) with a fresh table; queues the REJOINING fact. */
void zr_gossip_rejoin(zr_gossip_t *self, uint64_t incarnation, zr_gossip_rejoin_t reason,
                      int64_t source_id, int64_t now_ms);

/* Drain queues, oldest first; false when empty. Rows of out->msg past its count are left
 * as they were. */
bool zr_gossip_next_output(zr_gossip_t *self, zr_gossip_output_t *out);
bool zr_gossip_next_fact(zr_gossip_t *self, zr_gossip_fact_t *out);
bool zr_gossip_next_change(zr_gossip_t *self, zr_gossip_change_t *out);

/* True once the member's current (or only known) incarnation was declared failed; false for
 * live members and non-members. */
bool zr_gossip_is_failed(const zr_gossip_t *self, int64_t id);
/* The table, other members by id (cleaned ones included); false past the end. */
bool zr_gossip_server_at(const zr_gossip_t *self, size_t index, zr_gossip_server_t *out);
void zr_gossip_stats(const zr_gossip_t *self, zr_gossip_stats_t *out);
/* "ALIVE", "SUSPECT", "FAILED", "CLEANED". */
const char *zr_gossip_state_name(zr_gossip_state_t state);

#endif
