/* zr_job_ids: process-wide unique ids for jobs handed to the runner pool.
 * Role actors come and go; their pool job ids must never collide. */
#ifndef ZR_JOB_IDS_H
#define ZR_JOB_IDS_H
#include <stdint.h>

uint64_t zr_job_ids_next(void);

#endif
