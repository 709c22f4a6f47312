/* zr_job_key: the (gateway id, request id) pair that names a job cluster-wide, as a zhashx key.
 * Shared by the leader's dispatch table, its result cache and the gateway's pending table. */
#ifndef ZR_JOB_KEY_H
#define ZR_JOB_KEY_H
#include <czmq.h>
#include <stdint.h>

typedef struct {
    int64_t gateway_id;
    uint64_t request_id;
} zr_job_key_t;

/* A zhashx whose keys are zr_job_key_t (copied on insert, freed on delete). Items are not
 * owned: the caller frees them. */
zhashx_t *zr_job_key_hashx_new(void);

#endif
