/* zr_job_key: hashing, comparing, copying and freeing (gateway id, request id) keys for zhashx.
 * The hash is a 64-bit finalizer (splitmix64) over both fields. */
#include "runtime/zr_job_key.h"

static size_t job_key_hash(const void *key)
{
    const zr_job_key_t *job = key;
    uint64_t x = job->request_id ^ ((uint64_t) job->gateway_id * 0x9E3779B97F4A7C15ull);
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return (size_t) (x ^ (x >> 31));
}

static int job_key_compare(const void *a, const void *b)
{
    const zr_job_key_t *left = a, *right = b;
    if (left->gateway_id != right->gateway_id)
        return left->gateway_id < right->gateway_id ? -1 : 1;
    if (left->request_id != right->request_id)
        return left->request_id < right->request_id ? -1 : 1;
    return 0;
}

static void *job_key_copy(const void *key)
{
    zr_job_key_t *copy = malloc(sizeof *copy);
    if (copy)
        *copy = *(const zr_job_key_t *) key;
    return copy;
}

static void job_key_free(void **key_p)
{
    free(*key_p);
    *key_p = NULL;
}

zhashx_t *zr_job_key_hashx_new(void)
{
    zhashx_t *hash = zhashx_new();
    if (!hash)
        return NULL;
    zhashx_set_key_hasher(hash, job_key_hash);
    zhashx_set_key_comparator(hash, job_key_compare);
    zhashx_set_key_duplicator(hash, job_key_copy);
    zhashx_set_key_destructor(hash, job_key_free);
    return hash;
}
