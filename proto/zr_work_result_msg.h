/* zr_work_result_msg: one job's outcome (tcp): worker -> leader, leader -> gateway, and
 * embedded in recovery answers; also the one form a result takes between actors of a process. */
#ifndef ZR_WORK_RESULT_MSG_H
#define ZR_WORK_RESULT_MSG_H
#include "proto/zr_wire.h"
#include "proto/zr_job_status.h"

#define ZR_WORK_RESULT_MSG_FIXED_SIZE 65   /* everything but the three texts */

typedef struct {
    uint64_t request_id;
    int64_t gateway_id;      /* >= 0: with request_id, names the job */
    int64_t leader_id;       /* >= 0: leader that assigned it (worker -> leader), or that */
    uint64_t leader_epoch;   /*   forwards it (leader -> gateway); fencing as for requests */
    int64_t worker_id;       /* >= 0: node that ran it */
    zr_job_status_t status;  /* ZR_JOB_OK .. ZR_JOB_INTERNAL */
    uint16_t http_status;    /* 100..599 */
    uint32_t compile_ms;
    uint32_t run_ms;
    zr_wire_bytes_t body;    /* <= ZR_PROTO_MAX_BODY: what run() returned, or the error text */
    zr_wire_bytes_t out;     /* <= ZR_PROTO_MAX_OUTPUT: what the job printed to System.out */
    zr_wire_bytes_t err;     /* <= ZR_PROTO_MAX_OUTPUT: what the job printed to System.err */
} zr_work_result_msg_t;

/* Encodes into buf[0..cap) (buf NULL: only computes *len). */
zr_encode_status_t zr_work_result_msg_encode(const zr_work_result_msg_t *msg, uint8_t *buf,
                                             size_t cap, size_t *len);
/* body/out/err point into data (lifetime of data). On failure *msg is unspecified. */
zr_decode_status_t zr_work_result_msg_decode(const uint8_t *data, size_t size,
                                             zr_work_result_msg_t *msg);

/* The fields after the 2-byte header, for messages that embed a result. */
void zr_work_result_msg_write(zr_wire_writer_t *writer, const zr_work_result_msg_t *msg);
void zr_work_result_msg_read(zr_wire_reader_t *reader, zr_work_result_msg_t *msg);

#endif
