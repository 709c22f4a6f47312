/* zr_recovery_msg: after a leader change, the new leader asks each follower for the work it
 * holds; the follower answers with one message per entry (a finished result, or a job still
 * running), numbered index/total. */
#ifndef ZR_RECOVERY_MSG_H
#define ZR_RECOVERY_MSG_H
#include "proto/zr_wire.h"
#include "proto/zr_work_result_msg.h"

#define ZR_RECOVERY_REQUEST_MSG_SIZE 18
#define ZR_RECOVERY_ANSWER_MSG_FIXED_SIZE 26   /* an answer that carries nothing */
#define ZR_RECOVERY_ANSWER_RUNNING_SIZE 43     /* an answer that names a running job */
#define ZR_RECOVERY_MAX_RESULTS 65536u          /* entries one follower may report */

/* What one answer carries. */
typedef enum {
    ZR_RECOVERY_NOTHING = 0,   /* total == 0: the follower holds nothing */
    ZR_RECOVERY_RESULT = 1,    /* a job it finished: the result */
    ZR_RECOVERY_RUNNING = 2,   /* a job it is running now: its name (the result follows later) */
} zr_recovery_entry_t;

typedef struct {
    int64_t leader_id;      /* >= 0: the new leader */
    uint64_t leader_epoch;  /* its new epoch */
} zr_recovery_request_msg_t;

/* total == 0: the follower holds nothing; index is 0 and entry NOTHING. Otherwise index <
 * total, entry RESULT or RUNNING, and index == total - 1 is the last. */
typedef struct {
    int64_t follower_id;    /* >= 0 */
    uint64_t leader_epoch;  /* echoes the request's epoch; answers to older epochs are stale */
    uint32_t index;
    uint32_t total;         /* <= ZR_RECOVERY_MAX_RESULTS */
    zr_recovery_entry_t entry;
    zr_work_result_msg_t result;   /* entry RESULT */
    int64_t gateway_id;            /* entry RUNNING: the job (>= 0) */
    uint64_t request_id;
} zr_recovery_answer_msg_t;

zr_encode_status_t zr_recovery_request_msg_encode(const zr_recovery_request_msg_t *msg,
                                                  uint8_t *buf, size_t cap, size_t *len);
zr_decode_status_t zr_recovery_request_msg_decode(const uint8_t *data, size_t size,
                                                  zr_recovery_request_msg_t *msg);

/* Encodes into buf[0..cap) (buf NULL: only computes *len); only the entry's fields are used. */
zr_encode_status_t zr_recovery_answer_msg_encode(const zr_recovery_answer_msg_t *msg,
                                                 uint8_t *buf, size_t cap, size_t *len);
/* result's texts point into data (lifetime of data). On failure *msg is unspecified. */
zr_decode_status_t zr_recovery_answer_msg_decode(const uint8_t *data, size_t size,
                                                 zr_recovery_answer_msg_t *msg);
bool zr_recovery_answer_has_result(const zr_recovery_answer_msg_t *msg);
bool zr_recovery_answer_is_last(const zr_recovery_answer_msg_t *msg);

#endif
