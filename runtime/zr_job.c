/* zr_job: result construction and its pipe framing (one frame per field, fixed order).
 * Framing: "RESULT", id(8), status(1), http(2), compile_ms(4), run_ms(4), worker(4), body, out, err. */
#include "runtime/zr_job.h"
#include <stdlib.h>
#include <string.h>

static const char *status_names[] = { "OK", "COMPILE_ERROR", "RUNTIME_ERROR", "LIMIT", "INTERNAL" };

const char *zr_job_status_name(zr_job_status_t status)
{
    return (unsigned) status <= ZR_JOB_INTERNAL ? status_names[status] : "INTERNAL";
}

int zr_job_http_status(zr_job_status_t status)
{
    return status == ZR_JOB_OK ? 200 : status == ZR_JOB_INTERNAL ? 500 : 400;
}

static char *copy_text(const char *text, size_t length)
{
    char *copy = malloc(length + 1);
    if (!copy)
        abort();   /* out of memory: nothing sensible is left to do */
    if (length)
        memcpy(copy, text, length);
    copy[length] = 0;
    return copy;
}

zr_job_result_t *zr_job_result_new(uint64_t request_id, zr_job_status_t status,
                                   const char *body, size_t body_len)
{
    zr_job_result_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->request_id = request_id;
    self->status = status;
    self->http_status = zr_job_http_status(status);
    self->body = copy_text(body ? body : "", body ? body_len : 0);
    self->body_len = body ? body_len : 0;
    self->out = copy_text("", 0);
    self->err = copy_text("", 0);
    return self;
}

void zr_job_result_set_output(zr_job_result_t *self, const char *out, size_t out_len,
                              const char *err, size_t err_len)
{
    free(self->out);
    free(self->err);
    self->out = copy_text(out ? out : "", out ? out_len : 0);
    self->out_len = out ? out_len : 0;
    self->err = copy_text(err ? err : "", err ? err_len : 0);
    self->err_len = err ? err_len : 0;
}

void zr_job_result_destroy(zr_job_result_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zr_job_result_t *self = *self_p;
    free(self->body);
    free(self->out);
    free(self->err);
    free(self);
    *self_p = NULL;
}

int zr_job_result_send(void *dest, const zr_job_result_t *r)
{
    zmsg_t *msg = zmsg_new();
    uint8_t status = (uint8_t) r->status;
    uint16_t http = (uint16_t) r->http_status;
    uint32_t worker = (uint32_t) r->worker_id;
    zmsg_addstr(msg, "RESULT");
    zmsg_addmem(msg, &r->request_id, sizeof r->request_id);
    zmsg_addmem(msg, &status, sizeof status);
    zmsg_addmem(msg, &http, sizeof http);
    zmsg_addmem(msg, &r->compile_ms, sizeof r->compile_ms);
    zmsg_addmem(msg, &r->run_ms, sizeof r->run_ms);
    zmsg_addmem(msg, &worker, sizeof worker);
    zmsg_addmem(msg, r->body, r->body_len);
    zmsg_addmem(msg, r->out, r->out_len);
    zmsg_addmem(msg, r->err, r->err_len);
    return zmsg_send(&msg, dest);
}

/* Copies the next frame into out if it has exactly `size` bytes. */
static int take_fixed(zmsg_t *msg, void *out, size_t size)
{
    zframe_t *frame = zmsg_next(msg);
    if (!frame || zframe_size(frame) != size)
        return -1;
    memcpy(out, zframe_data(frame), size);
    return 0;
}

static zframe_t *take_frame(zmsg_t *msg)
{
    return zmsg_next(msg);
}

zr_job_result_t *zr_job_result_from_msg(zmsg_t *msg)
{
    uint64_t id; uint8_t status; uint16_t http; uint32_t compile_ms, run_ms, worker;
    zmsg_first(msg);   /* the "RESULT" frame */
    if (take_fixed(msg, &id, sizeof id) || take_fixed(msg, &status, 1)
        || take_fixed(msg, &http, 2) || take_fixed(msg, &compile_ms, 4)
        || take_fixed(msg, &run_ms, 4) || take_fixed(msg, &worker, 4) || status > ZR_JOB_INTERNAL)
        return NULL;
    zframe_t *body = take_frame(msg), *out = take_frame(msg), *err = take_frame(msg);
    if (!body || !out || !err)
        return NULL;
    zr_job_result_t *self = zr_job_result_new(id, (zr_job_status_t) status,
                                              (const char *) zframe_data(body), zframe_size(body));
    zr_job_result_set_output(self, (const char *) zframe_data(out), zframe_size(out),
                             (const char *) zframe_data(err), zframe_size(err));
    self->http_status = http;
    self->compile_ms = compile_ms;
    self->run_ms = run_ms;
    self->worker_id = (int) worker;
    return self;
}
