/* zr_job_ids: an atomic counter; ids start at 1 and are never reused in a process.
 * Thread-safe, so any actor may take one. */
#include "actors/zr_job_ids.h"
#include <stdatomic.h>

static atomic_uint_fast64_t last_id;

uint64_t zr_job_ids_next(void)
{
    return atomic_fetch_add(&last_id, 1) + 1;
}
