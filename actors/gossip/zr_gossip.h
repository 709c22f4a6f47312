/* zr_gossip: the gossip-style failure detector as a pure core: heartbeats, table merge, failure
 * and cleanup. Messages and a clock value in; messages to send, log facts and failures out. */
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
 * Members: every server of the cluster file, the gateway included. All are treated alike:
 *   each heartbeats and gossips, and each is monitored; a dead gateway is declared failed
 *   like any node (the specification wants heartbeats between all servers, gateway included). What
 *   a failure means (election restart, requeued work, dropped messages) is the owner's call.
 * Table: per other member, the highest heartbeat sequence known and the local time it last
 *   went up; state ALIVE, then FAILED, then CLEANED. Entries start at sequence 0 ("never
 *   heard") stamped with the creation time, so an isolated node waits before blaming anyone.
 * Every base_interval_ms (tick): the own sequence goes up by one; one live peer is picked at
 *   random and gets the whole table (rows with a sequence > 0, failed rows flagged FAILED
 *   until cleaned; the own sequence rides in the header, never as a row); every other live
 *   peer gets a bare heartbeat (header only, 20 bytes). So everyone hears everyone directly
 *   each interval (a failure is seen within fail_after_ms + latency when nothing is lost),
 *   and the random tables relay what lost heartbeats would have told (see Loss below).
 *   Every output names one target (no broadcast): failed peers get nothing.
 * Splitting: a table with more rows than max_entries goes out as several messages to the
 *   same peer in one interval, each with the header (every row, every interval; no rotation).
 *   With zr_config's 64-node limit one message (75 rows) always suffices.
 * Receive: the header counts as a row for the sender. A row is merged when its server is
 *   another member, not failed here, and its sequence is higher than known: the sequence and
 *   the local time are taken (an UPDATED fact). The FAILED flag is only information: each
 *   node decides failures itself; a flagged row with a higher sequence is still a heartbeat
 *   the server really sent. A message from a failed (or unknown, or own) sender is ignored.
 * Failure: an ALIVE entry whose sequence did not go up for fail_after_ms is declared FAILED
 *   once, for good (crash-stop): a FAILED fact and a failure to drain. An entry never heard
 *   from waits max(fail_after_ms, startup_grace_ms) from creation, for peers that start late.
 * Cleanup: cleanup_after_ms - fail_after_ms after the declaration (so cleanup_after_ms after
 *   the last increase, counted like fail_after_ms; one fail period with the defaults) the
 *   entry leaves the gossiped table (CLEANED fact) but stays failed: zr_gossip_is_failed()
 *   is true forever.
 * Own pauses: the owner calls at least every base interval, so if no call came for more than
 *   max(fail_after_ms / 2, 2 x base) the node itself was stopped (SIGSTOP) or starved: the
 *   silence is ours, not the peers', and the timers of live entries restart at now instead
 *   of blaming everyone. Drain received messages before calling tick().
 * Detection time after a crash: the last increase of the victim's entry at a node is when it
 *   got the victim's last heartbeat, directly (latency) or, if that one was lost, through a
 *   relay some intervals later; the failure is declared fail_after_ms after that increase.
 *   Simulated (8 members, tests/unit/test_gossip_sim.c, fail 1000 ms): lossless at most
 *   fail + latency + tick delay (1008 ms); at 10-30% loss a mean of ~1 s, slowest ~1.8 s.
 * Loss: a false positive needs ~fail_after_ms / base intervals in a row in which both the
 *   direct heartbeat and every relay of something newer were lost. With the default
 *   10 x base that stays negligible up to ~20% independent loss; at 30% an 8-node cluster
 *   sees about one false positive per 4 hours: use fail_after_ms >= 15 x base there. */

typedef struct {
    int64_t self_id;              /* >= 0 */
    const int64_t *server_ids;    /* every member (>= 0, no duplicates), self may be listed;
                                     copied */
    size_t server_count;
    int64_t base_interval_ms;     /* > 0: heartbeat and gossip period */
    int64_t fail_after_ms;        /* > base_interval_ms */
    int64_t cleanup_after_ms;     /* >= fail_after_ms, counted from the last increase */
    int64_t startup_grace_ms;     /* >= 0: how long a member never heard from may stay silent */
    uint64_t first_seq;           /* own sequences start above it (wall-clock ms: restarts go up) */
    uint64_t random_seed;         /* seeds the choice of gossip targets */
    size_t max_entries;           /* rows per message, <= ZR_GOSSIP_MSG_MAX_ENTRIES;
                                     0: what fits ZR_PROTO_UDP_MAX_PAYLOAD (75) */
} zr_gossip_config_t;

/* Takes the base interval, fail, cleanup and start-up grace timings from the cluster's
 * (runtime/zr_timings.h explains them). Ids, seed and first_seq are left as they are. */
void zr_gossip_config_timings(zr_gossip_config_t *config, const zr_timings_t *timings);

typedef enum {
    ZR_GOSSIP_ALIVE = 0,
    ZR_GOSSIP_FAILED,     /* declared failed, still gossiped (flagged) */
    ZR_GOSSIP_CLEANED,    /* failed and out of the table; remembered as failed */
} zr_gossip_state_t;

typedef enum {
    ZR_GOSSIP_ACCEPTED = 0,    /* merged (rows may still all be stale) */
    ZR_GOSSIP_FROM_FAILED,     /* sender failed here: ignored */
    ZR_GOSSIP_FROM_UNKNOWN,    /* sender is this node or not a member: ignored */
} zr_gossip_verdict_t;

typedef enum {
    ZR_GOSSIP_FACT_RECEIVED = 0,  /* verbose log: a message arrived (every one, ignored too) */
    ZR_GOSSIP_FACT_UPDATED,       /* summary log: a higher sequence was learnt */
    ZR_GOSSIP_FACT_FAILED,        /* stdout and summary log: SERVER FAILED */
    ZR_GOSSIP_FACT_CLEANED,       /* debug log: a failed entry left the table */
} zr_gossip_fact_kind_t;

typedef struct {
    zr_gossip_fact_kind_t kind;
    int64_t self_id;
    int64_t at_ms;                /* local time of the fact (RECEIVED: receive time) */
    int64_t server_id;            /* UPDATED, FAILED, CLEANED: whom it is about */
    uint64_t seq;                 /* UPDATED: the new sequence */
    int64_t source_id;            /* UPDATED, RECEIVED: the message's sender */
    zr_gossip_verdict_t verdict;  /* RECEIVED */
    zr_gossip_msg_t msg;          /* RECEIVED: the message as received */
} zr_gossip_fact_t;

typedef struct {
    int64_t to_id;                /* a live member */
    zr_gossip_msg_t msg;          /* encodes within the UDP payload cap */
} zr_gossip_output_t;

typedef struct {
    int64_t id;
    zr_gossip_state_t state;
    uint64_t seq;                 /* 0: never heard */
    int64_t updated_ms;           /* local time seq last went up (creation time if never) */
} zr_gossip_server_t;

typedef struct {
    uint64_t received;            /* messages given to receive() */
    uint64_t from_failed;         /* ... ignored: sender failed here */
    uint64_t from_unknown;        /* ... ignored: own or unknown sender */
    uint64_t merged;              /* rows (senders' headers included) that raised a sequence */
    uint64_t stale;               /* rows not higher than known */
    uint64_t about_failed;        /* rows about servers failed here: ignored */
    uint64_t about_unknown;       /* rows about non-members: ignored */
    uint64_t self_reported_failed;  /* rows saying this node failed (peers lost us) */
    uint64_t failures;            /* servers declared failed */
    uint64_t cleaned;             /* failed entries removed from the table */
    uint64_t sent;                /* messages queued for sending */
    uint64_t stalls;              /* own pauses detected (timers restarted) */
    uint64_t heartbeat_seq;       /* own current sequence */
} zr_gossip_stats_t;

typedef struct zr_gossip zr_gossip_t;

/* NULL if the config is invalid (see the field comments). Nothing is queued yet: the first
 * heartbeat goes out at the first tick (next_deadline() is now_ms). */
zr_gossip_t *zr_gossip_new(const zr_gossip_config_t *config, int64_t now_ms);
void zr_gossip_destroy(zr_gossip_t **self_p);

/* Merges one message (decoded by proto/zr_gossip_msg) and queues its facts. */
zr_gossip_verdict_t zr_gossip_receive(zr_gossip_t *self, const zr_gossip_msg_t *msg,
                                      int64_t now_ms);
/* Heartbeat and gossip when due, then failure and cleanup checks; call at next_deadline()
 * or later. now_ms must not go back (an earlier value is taken as the latest seen). */
void zr_gossip_tick(zr_gossip_t *self, int64_t now_ms);
/* When tick() must next run. */
int64_t zr_gossip_next_deadline(const zr_gossip_t *self);

/* Drain queues, oldest first; false when empty. Rows of out->msg past its count are left
 * as they were. */
bool zr_gossip_next_output(zr_gossip_t *self, zr_gossip_output_t *out);
bool zr_gossip_next_fact(zr_gossip_t *self, zr_gossip_fact_t *out);
/* Servers newly declared failed (drop their messages, tell the election, requeue work). */
bool zr_gossip_next_failure(zr_gossip_t *self, int64_t *id);

/* True once id was declared failed (forever); false for live members and non-members. */
bool zr_gossip_is_failed(const zr_gossip_t *self, int64_t id);
/* The table, other members by id (cleaned ones included); false past the end. */
bool zr_gossip_server_at(const zr_gossip_t *self, size_t index, zr_gossip_server_t *out);
void zr_gossip_stats(const zr_gossip_t *self, zr_gossip_stats_t *out);
/* "ALIVE", "FAILED", "CLEANED". */
const char *zr_gossip_state_name(zr_gossip_state_t state);

#endif
