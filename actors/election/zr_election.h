/* zr_election: the leader-election pure core (ZooKeeper FastLeaderElection on (epoch, id), with a
 * promise step before LEADING). Notifications and a clock value in, decisions and sends out. */
#ifndef ZR_ELECTION_H
#define ZR_ELECTION_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "actors/election/zr_election_votes.h"
#include "proto/zr_election_msg.h"   /* zr_peer_state_t and zr_peer_state_name() */
#include "runtime/zr_timings.h"

/* The algorithm, as a node sees it (a voter unless it is the OBSERVER):
 *
 * LOOKING: propose yourself (id, epoch) and broadcast {vote, state, id, round}. Adopt and
 *   re-broadcast any LOOKING vote of your round that supersedes yours; a higher round resets
 *   the recorded votes and starts from the better of yourself and that vote. A LOOKING sender
 *   of an older round or epoch, or whose vote is worse than yours, gets your vote back at once
 *   (ZooKeeper re-sends its last vote when a peer connects; UDP has no connect). Senders and
 *   proposed leaders that are not current voters are ignored. When a quorum (voters / 2 + 1,
 *   your own vote included) agrees with your proposal, wait `final_wait_ms`: a superseding
 *   vote sends you back to normal processing; silence decides.
 * Start-up wait (not in ZooKeeper): in a voter's first election (it never had a leader and
 *   its epoch is still the one it started with) the final wait also lasts until it has heard
 *   a notification (any state, round or epoch) from every other current voter, or until
 *   `startup_wait_ms` after zr_election_new, whichever comes first. Nodes that start one at a
 *   time (each process warms its JVM pool first) thus still elect the highest id as long as
 *   they all start within the wait: a voter's every vote is at least its own, so once all were
 *   heard the proposal is the highest. It only delays decisions; joining a decided cluster
 *   (below) is never delayed, nor is any later election (restart, promised candidate gone),
 *   nor the observer. A voter that starts after the others' waits ended joins their leader.
 * Deciding: a node whose proposal is another node PROMISES it: it sends FOLLOWING for that
 *   vote (and answers LOOKING peers so), but it reports neither FOLLOWING nor a leader until
 *   the candidate says LEADING. A node whose proposal is itself becomes LEADING only once a
 *   quorum (itself included) has promised it in the same round; then it announces LEADING.
 *   A promise is withdrawn only when the candidate itself shows it gave up (a better vote in
 *   that round, a later round, or another leader), so two candidates never both collect a
 *   quorum in one epoch. Plain FastLeaderElection lets a node decide on a vote that a peer
 *   has already abandoned when the abandoning message is lost: with drops that splits the
 *   cluster or wedges it, and ZooKeeper relies on the Zab handshake after the election to
 *   catch it. The promise is that handshake, carried by the notifications the wire has.
 * FOLLOWING / LEADING: answer every LOOKING or OBSERVER notification (and promises naming
 *   you) directly with your leader vote and state. FOLLOWING / LEADING notifications that
 *   agree on one vote, whose leader is among them saying LEADING, and that make a quorum
 *   together with the receiver make a LOOKING voter accept that leader at once (the observer
 *   needs a quorum of voters without itself): this is how late joiners join.
 * OBSERVER: never a candidate, never counted, never changes state; broadcasts (proposing
 *   itself, i.e. "no leader") until it learns a leader by the rule above, and later learns
 *   leaders of higher epochs the same way.
 * Nothing arriving: re-broadcast after initial_backoff_ms, doubling up to max_backoff_ms.
 * Failures (stage 5): restart moves past the failed leader's epoch; removing a voter that we
 *   had promised does too (it may have led); after a restart leaders of the old epochs are
 *   never accepted again. The quorum shrinks with the voter set, which stays safe while
 *   failures are removed one at a time (each new quorum meets the promises of the last).
 *
 * Safety: a node's leader for an epoch never changes, and all nodes that know a leader of an
 * epoch know the same one (the tests check both after every step). */

typedef struct {
    int64_t sender_id;
    zr_peer_state_t sender_state;
    zr_vote_t vote;      /* proposed (or followed) leader and its epoch */
    uint64_t round;      /* the sender's election round (logical clock) */
} zr_notification_t;

typedef struct {
    int64_t self_id;
    bool observer;               /* the gateway: never votes, never proposes itself */
    uint64_t epoch;              /* this node's peer epoch at start */
    const int64_t *voter_ids;    /* every voting node, self included unless observer; copied */
    size_t voter_count;
    int64_t final_wait_ms;       /* >= 0 */
    int64_t initial_backoff_ms;  /* > 0 */
    int64_t max_backoff_ms;      /* >= initial_backoff_ms */
    int64_t startup_wait_ms;     /* >= 0; 0: no start-up wait (plain FastLeaderElection) */
} zr_election_config_t;

/* Takes the four election timings from the cluster's (runtime/zr_timings.h explains them). */
void zr_election_config_timings(zr_election_config_t *config, const zr_timings_t *timings);

typedef enum { ZR_ELECTION_BROADCAST, ZR_ELECTION_SEND_TO } zr_election_output_kind_t;

typedef struct {
    zr_election_output_kind_t kind;
    int64_t to_id;                    /* SEND_TO only */
    zr_notification_t notification;
} zr_election_output_t;

typedef struct zr_election zr_election_t;

/* Starts LOOKING (the observer: OBSERVER without a leader) and queues the first broadcast.
 * NULL if the config is invalid: a voter missing from voter_ids, an observer listed in it,
 * negative ids, bad timings (a negative startup_wait_ms among them), or no voters. */
zr_election_t *zr_election_new(const zr_election_config_t *config, int64_t now_ms);
void zr_election_destroy(zr_election_t **self_p);

void zr_election_receive(zr_election_t *self, const zr_notification_t *notification, int64_t now_ms);
/* Runs due timers (resends, end of the final or start-up wait); call it at next_deadline or
 * later. */
void zr_election_tick(zr_election_t *self, int64_t now_ms);
/* When tick must next run; INT64_MAX if nothing is pending. */
int64_t zr_election_next_deadline(const zr_election_t *self);
/* Drains queued sends, oldest first; false when none are left. */
bool zr_election_next_output(zr_election_t *self, zr_election_output_t *out);
/* Drains state switches, oldest first (the owner prints "switching from <from> to <to>"). */
bool zr_election_take_change(zr_election_t *self, zr_peer_state_t *from, zr_peer_state_t *to);

/* LOOKING, FOLLOWING or LEADING for a voter; always OBSERVER for the observer. */
zr_peer_state_t zr_election_state(const zr_election_t *self);
/* The decided (voter) or learned (observer) leader; false while there is none. */
bool zr_election_leader(const zr_election_t *self, zr_vote_t *out);
uint64_t zr_election_epoch(const zr_election_t *self);
uint64_t zr_election_round(const zr_election_t *self);

/* The leader failed: forget it, move to epoch (its epoch + 1), start a new round, go LOOKING
 * (the observer: look for a leader again) and propose yourself. */
void zr_election_restart(zr_election_t *self, int64_t now_ms);
/* The voter failed (crash-stop): it no longer counts toward quorums and its votes are
 * forgotten; a proposal or promise naming it falls back to proposing yourself in a new
 * round. A decided leader is kept: the owner calls restart when the leader failed. Timers
 * this starts use the time of the latest call that passed one. */
void zr_election_remove_voter(zr_election_t *self, int64_t id);
/* A voter of the configuration that had been removed is back (a new incarnation of it): it
 * counts toward quorums again. Its earlier votes were forgotten when it was removed. */
void zr_election_add_voter(zr_election_t *self, int64_t id);
size_t zr_election_voter_count(const zr_election_t *self);

#endif
