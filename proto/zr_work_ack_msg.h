/* zr_work_ack_msg: the leader tells a worker which of its results reached the gateway, so the
 * worker may forget them (until then it holds them for a new leader's recovery). */
#ifndef ZR_WORK_ACK_MSG_H
#define ZR_WORK_ACK_MSG_H
#include "proto/zr_wire.h"

#define ZR_WORK_ACK_MSG_FIXED_SIZE 20   /* everything but the jobs */
#define ZR_WORK_ACK_JOB_SIZE 16         /* one (gateway id, request id) */
#define ZR_WORK_ACK_MAX_JOBS 512u       /* jobs one message may name */

typedef struct {
    int64_t gateway_id;     /* >= 0 */
    uint64_t request_id;
} zr_work_ack_job_t;

typedef struct {
    int64_t leader_id;      /* >= 0: the leader that forwarded the results */
    uint64_t leader_epoch;  /* its epoch */
    uint16_t count;         /* 1..ZR_WORK_ACK_MAX_JOBS */
    zr_work_ack_job_t jobs[ZR_WORK_ACK_MAX_JOBS];
} zr_work_ack_msg_t;

/* Encodes into buf[0..cap) (buf NULL: only computes *len). */
zr_encode_status_t zr_work_ack_msg_encode(const zr_work_ack_msg_t *msg, uint8_t *buf, size_t cap,
                                          size_t *len);
zr_decode_status_t zr_work_ack_msg_decode(const uint8_t *data, size_t size, zr_work_ack_msg_t *msg);

#endif
