/* zr_election_msg: the FastLeaderElection notification (udp, group "election"). Fixed 43 bytes:
 * sender state, id and incarnation, election round, proposed leader id and epoch. */
#ifndef ZR_ELECTION_MSG_H
#define ZR_ELECTION_MSG_H
#include "proto/zr_wire.h"

#define ZR_ELECTION_MSG_SIZE 43

typedef enum {
    ZR_PEER_LOOKING = 0,
    ZR_PEER_FOLLOWING = 1,
    ZR_PEER_LEADING = 2,
    ZR_PEER_OBSERVER = 3,
} zr_peer_state_t;

/* "LOOKING", "FOLLOWING", "LEADING", "OBSERVER"; "UNKNOWN" out of range. */
const char *zr_peer_state_name(zr_peer_state_t state);

typedef struct {
    zr_peer_state_t state;   /* the sender's own state */
    int64_t sender_id;       /* >= 0 */
    uint64_t incarnation;    /* the sender's: each start of a process (and each rejoin) is a new one */
    uint64_t round;          /* the sender's logical clock (election round) */
    int64_t leader_id;       /* proposed leader, >= 0 */
    uint64_t leader_epoch;   /* proposed leader's peer epoch */
} zr_election_msg_t;

/* Encodes into buf[0..cap) (buf NULL: only computes *len). */
zr_encode_status_t zr_election_msg_encode(const zr_election_msg_t *msg, uint8_t *buf,
                                          size_t cap, size_t *len);
/* On failure *msg is unspecified. */
zr_decode_status_t zr_election_msg_decode(const uint8_t *data, size_t size,
                                          zr_election_msg_t *msg);

#endif
