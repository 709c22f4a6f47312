/* zr_runner_proto: job frame headers and reply frame parsing (layout documented in Runner.java).
 * Every length read from the JVM is checked against what is left of its frame. */
#include "runtime/runner/zr_runner_proto.h"
#include <string.h>

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24); p[1] = (uint8_t) (v >> 16); p[2] = (uint8_t) (v >> 8); p[3] = (uint8_t) v;
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

int zr_runner_proto_job_header(uint8_t header[ZR_RUNNER_JOB_HEADER], uint64_t job_id, size_t source_len)
{
    if (source_len > UINT32_MAX - 8)
        return -1;
    put_u32(header, (uint32_t) (source_len + 8));
    put_u32(header + 4, (uint32_t) (job_id >> 32));
    put_u32(header + 8, (uint32_t) job_id);
    return 0;
}

/* A cursor over one frame's payload. */
typedef struct {
    const uint8_t *at;
    size_t left;
} cursor_t;

static bool take(cursor_t *c, size_t n, const uint8_t **out)
{
    if (c->left < n)
        return false;
    *out = c->at;
    c->at += n;
    c->left -= n;
    return true;
}

static bool take_u32(cursor_t *c, uint32_t *value)
{
    const uint8_t *p;
    if (!take(c, 4, &p))
        return false;
    *value = get_u32(p);
    return true;
}

static bool take_bytes(cursor_t *c, const uint8_t **data, size_t *len)
{
    uint32_t n;
    if (!take_u32(c, &n) || !take(c, n, data))
        return false;
    *len = n;
    return true;
}

static zr_runner_reply_kind_t parse_done(cursor_t *c, zr_runner_reply_t *r)
{
    const uint8_t *p;
    uint32_t high, low;
    if (!take_u32(c, &high) || !take_u32(c, &low) || !take(c, 2, &p))
        return ZR_RUNNER_REPLY_BAD;
    r->job_id = (uint64_t) high << 32 | low;
    r->status = p[0];
    r->flags = p[1];
    if (r->status > 3 || !take_u32(c, &r->compile_ms) || !take_u32(c, &r->run_ms)
        || !take_bytes(c, &r->body, &r->body_len) || !take_bytes(c, &r->out, &r->out_len)
        || !take_bytes(c, &r->err, &r->err_len) || c->left != 0)
        return ZR_RUNNER_REPLY_BAD;
    return ZR_RUNNER_REPLY_DONE;
}

zr_runner_reply_kind_t zr_runner_proto_parse(const uint8_t *data, size_t len, size_t max_frame,
                                             zr_runner_reply_t *reply)
{
    memset(reply, 0, sizeof *reply);
    reply->kind = ZR_RUNNER_REPLY_PARTIAL;
    if (len < 4)
        return reply->kind;
    uint32_t length = get_u32(data);
    if (length == 0 || length > max_frame)
        return reply->kind = ZR_RUNNER_REPLY_BAD;
    if (len - 4 < length)
        return reply->kind;
    reply->frame_size = 4 + (size_t) length;
    cursor_t c = { data + 5, length - 1 };
    if (data[4] == 'R')
        reply->kind = take_u32(&c, &reply->warmup_ms) && c.left == 0 ? ZR_RUNNER_REPLY_READY
                                                                      : ZR_RUNNER_REPLY_BAD;
    else if (data[4] == 'D')
        reply->kind = parse_done(&c, reply);
    else
        reply->kind = ZR_RUNNER_REPLY_BAD;
    return reply->kind;
}
