/* zr_http_request: per-request state of the HTTP front and the process-wide request id counter.
 * Ids are unique across restarts; the body buffer grows but never beyond the configured limit. */
#include "runtime/http/zr_http_request.h"
#include "runtime/zr_clock.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_uint_fast64_t last_request_id;
static pthread_once_t ids_seeded = PTHREAD_ONCE_INIT;

/* Ids continue from the wall clock in microseconds at start: a restarted gateway never reuses
 * an id that a leader may still hold a cached answer for (answers are cached by id). */
static void seed_request_ids(void)
{
    atomic_store(&last_request_id, (uint_fast64_t) zr_clock_wall_ms() * 1000);
}

zr_http_request_t *zr_http_request_new(struct MHD_Connection *connection, size_t body_limit)
{
    zr_http_request_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    pthread_once(&ids_seeded, seed_request_ids);
    self->id = atomic_fetch_add(&last_request_id, 1) + 1;
    self->connection = connection;
    self->state = ZR_HTTP_RECEIVING;
    self->body_limit = body_limit;
    self->fd = -1;
    return self;
}

void zr_http_request_destroy(zr_http_request_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zr_http_request_t *self = *self_p;
    free(self->body);
    zframe_destroy(&self->result);
    free(self->fail_reason);
    free(self);
    *self_p = NULL;
}

static void reserve(zr_http_request_t *self, size_t needed)
{
    if (needed + 1 <= self->body_cap)
        return;
    size_t capacity = self->body_cap ? self->body_cap : 4096;
    while (capacity < needed + 1)
        capacity *= 2;
    if (capacity > self->body_limit + 1)
        capacity = self->body_limit + 1;
    self->body = realloc(self->body, capacity);
    if (!self->body)
        abort();
    self->body_cap = capacity;
}

bool zr_http_request_append(zr_http_request_t *self, const char *data, size_t size)
{
    if (self->too_large || size > self->body_limit - self->body_len) {
        self->too_large = true;
        return false;
    }
    reserve(self, self->body_len + size);
    memcpy(self->body + self->body_len, data, size);
    self->body_len += size;
    self->body[self->body_len] = 0;
    return true;
}

void zr_http_request_set_result(zr_http_request_t *self, zframe_t **result_p)
{
    zframe_destroy(&self->result);
    self->result = *result_p;
    *result_p = NULL;
    self->state = ZR_HTTP_ANSWERED;
}

void zr_http_request_refuse(zr_http_request_t *self, int status, const char *reason)
{
    zr_http_request_set_failure(self, status, reason);
    self->state = ZR_HTTP_REFUSED;
}

void zr_http_request_set_failure(zr_http_request_t *self, int status, const char *reason)
{
    free(self->fail_reason);
    self->fail_reason = strdup(reason ? reason : "");
    if (!self->fail_reason)
        abort();
    self->fail_status = status;
    self->state = ZR_HTTP_ANSWERED;
}
