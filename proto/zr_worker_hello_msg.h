/* zr_worker_hello_msg: a worker announcing itself to the leader it believes in (tcp),
 * on connect and after every leader change: who it is, whom it follows, how many jobs it takes. */
#ifndef ZR_WORKER_HELLO_MSG_H
#define ZR_WORKER_HELLO_MSG_H
#include "proto/zr_wire.h"

#define ZR_WORKER_HELLO_MSG_SIZE 28

typedef struct {
    int64_t worker_id;      /* >= 0 */
    int64_t leader_id;      /* >= 0: the leader the worker believes in */
    uint64_t leader_epoch;  /* that leader's epoch as the worker knows it */
    uint16_t slots;         /* >= 1: jobs it can run at once (its warm JVMs) */
} zr_worker_hello_msg_t;

zr_encode_status_t zr_worker_hello_msg_encode(const zr_worker_hello_msg_t *msg, uint8_t *buf,
                                              size_t cap, size_t *len);
zr_decode_status_t zr_worker_hello_msg_decode(const uint8_t *data, size_t size,
                                              zr_worker_hello_msg_t *msg);

#endif
