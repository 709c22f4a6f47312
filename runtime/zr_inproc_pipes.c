/* zr_inproc_pipes: zr_inproc.h's pipe messages: owner commands, the runner pool's RUN, RESULT
 * and POOL_STATS, and the HTTP front's JOB, FAIL, METRICS and PAGE. Encoders and decoders. */
#include "runtime/zr_inproc.h"
#include "runtime/zr_inproc_frames.h"
#include "proto/zr_proto_frame.h"
#include <inttypes.h>

/* ---- owner commands --------------------------------------------------------------------- */

/* The next frame as a metric set; NULL if it is none. */
static zr_metrics_t *take_metrics(zmsg_t *msg)
{
    zframe_t *frame = zmsg_pop(msg);
    zr_metrics_t *set = frame ? zr_metrics_decode(zframe_data(frame), zframe_size(frame)) : NULL;
    zframe_destroy(&frame);
    return set;
}

static void add_metrics(zmsg_t *msg, const zr_metrics_t *set)
{
    size_t size = 0;
    void *bytes = zr_metrics_encode(set, &size);
    zmsg_addmem(msg, bytes, size);
    free(bytes);
}

static bool decode_arguments(zr_inproc_command_t *command, zmsg_t *msg)
{
    if (zr_inproc_is(command, ZR_CMD_WORKER_UP) || zr_inproc_is(command, ZR_CMD_WORKER_DOWN)
        || zr_inproc_is(command, ZR_CMD_WORKER_BACK))
        return zmsg_size(msg) == 1 && zr_frames_take_i64(msg, &command->id);
    if (zr_inproc_is(command, ZR_CMD_WORKER))
        return zmsg_size(msg) == 1 && zr_frames_take_mem(msg, &command->pointer, sizeof command->pointer);
    if (zr_inproc_is(command, ZR_CMD_METRICS))
        return zmsg_size(msg) == 1 && (command->text = zr_frames_take_str(msg)) != NULL;
    if (zr_inproc_is(command, ZR_CMD_RUN))
        return zmsg_size(msg) == 1 && (command->frame = zmsg_pop(msg)) != NULL;
    if (zr_inproc_is(command, ZR_CMD_REPORT))
        return zmsg_size(msg) == 1 && (command->metrics = take_metrics(msg)) != NULL;
    return true;   /* no arguments, or arguments this decoder does not know */
}

bool zr_inproc_command_recv(zsock_t *pipe, zr_inproc_command_t *command)
{
    *command = (zr_inproc_command_t) { .name = "" };
    zmsg_t *msg = zmsg_recv(pipe);
    if (!msg)
        return false;
    char *name = zmsg_popstr(msg);
    if (name && strlen(name) < sizeof command->name)
        snprintf(command->name, sizeof command->name, "%s", name);
    if (!decode_arguments(command, msg)) {
        zr_inproc_command_fini(command);
        command->name[0] = 0;
    }
    free(name);
    zmsg_destroy(&msg);
    return true;
}

void zr_inproc_command_fini(zr_inproc_command_t *command)
{
    zstr_free(&command->text);
    zframe_destroy(&command->frame);
    zr_metrics_destroy(&command->metrics);
}

bool zr_inproc_is(const zr_inproc_command_t *command, const char *name)
{
    return streq(command->name, name);
}

int zr_inproc_send_id(void *actor, const char *name, int64_t id)
{
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, name);
    zr_frames_add_i64(msg, id);
    return zmsg_send(&msg, actor);
}

int zr_inproc_send_worker(void *peer_server, zactor_t *worker)
{
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, ZR_CMD_WORKER);
    zmsg_addmem(msg, &worker, sizeof worker);
    return zmsg_send(&msg, peer_server);
}

int zr_inproc_send_metrics(void *actor, const char *lines)
{
    return zstr_sendx(actor, ZR_CMD_METRICS, lines, NULL);
}

zr_metrics_t *zr_inproc_stats(void *actor)
{
    if (zstr_send(actor, ZR_CMD_STATS) != 0)
        return NULL;
    zmsg_t *msg = zmsg_recv(actor);
    char *name = msg ? zmsg_popstr(msg) : NULL;
    zr_metrics_t *set = name && streq(name, "STATS") && zmsg_size(msg) == 1 ? take_metrics(msg) : NULL;
    free(name);
    zmsg_destroy(&msg);
    return set;
}

int zr_inproc_stats_reply(zsock_t *pipe, zr_metrics_t **set)
{
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, "STATS");
    zr_metrics_t *empty = set && *set ? NULL : zr_metrics_new();
    add_metrics(msg, empty ? empty : *set);
    zr_metrics_destroy(&empty);
    if (set)
        zr_metrics_destroy(set);
    return zmsg_send(&msg, pipe);
}

int zr_inproc_send_report(void *actor, const zr_metrics_t *set)
{
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, ZR_CMD_REPORT);
    add_metrics(msg, set);
    return zmsg_send(&msg, actor);
}

/* ---- the runner pool -------------------------------------------------------------------- */

/* [name][one encoded proto message]; -1 (nothing sent) if it does not encode. */
static int send_encoded(void *dest, const char *name, const zr_proto_msg_t *message)
{
    zframe_t *frame = zr_proto_frame_encode(message);
    if (!frame)
        return -1;
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, name);
    zmsg_append(msg, &frame);
    return zmsg_send(&msg, dest);
}

int zr_inproc_run(void *pool, const zr_work_request_msg_t *request)
{
    zr_proto_msg_t message = { .type = ZR_MSG_WORK_REQUEST, .work_request = *request };
    return send_encoded(pool, ZR_CMD_RUN, &message);
}

int zr_inproc_run_forward(void *pool, zframe_t **frame)
{
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, ZR_CMD_RUN);
    zmsg_append(msg, frame);
    return zmsg_send(&msg, pool);
}

int zr_inproc_pool_stats_reply(zsock_t *pipe, const zr_pool_stats_t *stats)
{
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, "POOL_STATS");
    zmsg_addmem(msg, stats, sizeof *stats);
    return zmsg_send(&msg, pipe);
}

int zr_inproc_pool_stats_request(void *pool)
{
    return zstr_send(pool, ZR_CMD_STATS);
}

void zr_pool_stats_metrics(const zr_pool_stats_t *s, zr_metrics_t *set)
{
    const struct { zr_metric_id_t id; const char *label; double value; } samples[] = {
        { ZR_M_RUNNER_JOBS, "ok", (double) s->ok }, { ZR_M_RUNNER_JOBS, "compile_error", (double) s->compile_errors },
        { ZR_M_RUNNER_JOBS, "runtime_error", (double) s->runtime_errors },
        { ZR_M_RUNNER_JOBS, "limit", (double) s->limits }, { ZR_M_RUNNER_JOBS, "internal", (double) s->internal },
        { ZR_M_RUNNER_JVMS, NULL, s->jvms }, { ZR_M_RUNNER_JVMS_BUSY, NULL, s->busy },
        { ZR_M_RUNNER_JVMS_IDLE, NULL, s->idle }, { ZR_M_RUNNER_JVMS_STARTING, NULL, s->starting },
        { ZR_M_RUNNER_QUEUED, NULL, s->queued }, { ZR_M_RUNNER_TIMEOUTS, NULL, (double) s->timeouts },
        { ZR_M_RUNNER_JVM_STARTS, NULL, (double) s->spawns }, { ZR_M_RUNNER_JVM_DEATHS, NULL, (double) s->deaths },
        { ZR_M_RUNNER_JVM_RECYCLES, NULL, (double) s->recycles },
        { ZR_M_RUNNER_RSS, NULL, (double) s->rss_kb * 1024.0 },
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
        zr_metrics_add(set, samples[i].id, samples[i].label, samples[i].value);
    zr_metrics_histogram(set, ZR_M_RUNNER_COMPILE, NULL, &s->compile);
    zr_metrics_histogram(set, ZR_M_RUNNER_RUN, NULL, &s->run);
    if (s->recent_p50_ms >= 0)
        zr_metrics_add(set, ZR_M_RUNNER_RECENT_P50, NULL, s->recent_p50_ms / 1000.0);
}

/* ---- results ---------------------------------------------------------------------------- */

int zr_inproc_result_send(void *dest, const zr_work_result_msg_t *result)
{
    zr_proto_msg_t message = { .type = ZR_MSG_WORK_RESULT, .work_result = *result };
    return send_encoded(dest, "RESULT", &message);
}

int zr_inproc_result_forward(void *dest, zframe_t **frame)
{
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, "RESULT");
    zmsg_append(msg, frame);
    return zmsg_send(&msg, dest);
}

/* A RESULT's frame, decoded as a WORK_RESULT into *result (which points into it). */
static zframe_t *take_result(zmsg_t *msg, zr_work_result_msg_t *result)
{
    zframe_t *frame = zmsg_size(msg) == 1 ? zmsg_pop(msg) : NULL;
    zr_proto_msg_t decoded;
    if (frame && zr_proto_frame_decode(frame, &decoded) == ZR_DECODE_OK
        && decoded.type == ZR_MSG_WORK_RESULT) {
        *result = decoded.work_result;
        return frame;
    }
    zframe_destroy(&frame);
    return NULL;
}

static zr_reply_kind_t decode_reply(zmsg_t *msg, const char *name, zr_reply_t *reply)
{
    if (streq(name, "RESULT"))
        return (reply->frame = take_result(msg, &reply->result)) ? ZR_REPLY_RESULT : ZR_REPLY_NONE;
    if (streq(name, "POOL_STATS"))
        return zr_frames_take_mem(msg, &reply->stats, sizeof reply->stats) ? ZR_REPLY_POOL_STATS
                                                                           : ZR_REPLY_NONE;
    if (streq(name, "JOB") && zmsg_size(msg) == 2 && zr_frames_take_u64(msg, &reply->job_id))
        return (reply->frame = zmsg_pop(msg)) ? ZR_REPLY_JOB : ZR_REPLY_NONE;
    if (streq(name, "GONE") && zmsg_size(msg) == 1 && zr_frames_take_u64(msg, &reply->job_id))
        return ZR_REPLY_GONE;
    return ZR_REPLY_NONE;
}

zr_reply_kind_t zr_inproc_reply_recv(void *from, zr_reply_t *reply)
{
    *reply = (zr_reply_t) { .kind = ZR_REPLY_NONE };
    zmsg_t *msg = zmsg_recv(from);
    char *name = msg ? zmsg_popstr(msg) : NULL;
    if (name)
        reply->kind = decode_reply(msg, name, reply);
    free(name);
    zmsg_destroy(&msg);
    return reply->kind;
}

void zr_inproc_reply_fini(zr_reply_t *reply)
{
    zframe_destroy(&reply->frame);
    reply->kind = ZR_REPLY_NONE;
}

/* ---- the HTTP front --------------------------------------------------------------------- */

int zr_inproc_job_send(zsock_t *pipe, uint64_t id, const void *source, size_t size)
{
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, "JOB");
    zr_frames_add_u64(msg, id);
    zmsg_addmem(msg, source, size);
    return zmsg_send(&msg, pipe);
}

int zr_inproc_gone_send(zsock_t *pipe, uint64_t id)
{
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, "GONE");
    zr_frames_add_u64(msg, id);
    return zmsg_send(&msg, pipe);
}

int zr_inproc_fail_send(void *front, uint64_t id, int status, const char *reason)
{
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, "FAIL");
    zr_frames_add_u64(msg, id);
    zr_frames_add_i64(msg, status);
    zmsg_addstr(msg, reason);
    return zmsg_send(&msg, front);
}

static zmsg_t *page_message(const char *path, int status, const char *plain, const char *json)
{
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, "PAGE");
    zmsg_addstr(msg, path);
    zr_frames_add_i64(msg, status);
    zmsg_addstr(msg, plain);
    zmsg_addstr(msg, json ? json : "");
    return msg;
}

int zr_inproc_page_send(void *front, const char *path, int status, const char *plain,
                        const char *json)
{
    zmsg_t *msg = page_message(path, status, plain, json);
    int rc = zmsg_send(&msg, front);
    zmsg_destroy(&msg);   /* still ours if the send failed (a pages PUSH never blocks) */
    return rc;
}

int zr_inproc_typed_page_send(void *front, const char *path, int status, const char *type,
                              const char *body)
{
    zmsg_t *msg = page_message(path, status, body, NULL);
    zmsg_addstr(msg, type);
    int rc = zmsg_send(&msg, front);
    zmsg_destroy(&msg);
    return rc;
}

static zr_front_kind_t decode_fail(zmsg_t *msg, zr_front_msg_t *out)
{
    int64_t status;
    if (zmsg_size(msg) != 3 || !zr_frames_take_u64(msg, &out->id) || !zr_frames_take_i64(msg, &status))
        return ZR_FRONT_NONE;
    out->status = (int) status;
    return (out->text = zr_frames_take_str(msg)) ? ZR_FRONT_FAIL : ZR_FRONT_NONE;
}

static zr_front_kind_t decode_page(zmsg_t *msg, zr_front_msg_t *out)
{
    int64_t status;
    size_t frames = zmsg_size(msg);
    if ((frames != 4 && frames != 5) || !(out->path = zr_frames_take_str(msg)) || out->path[0] != '/'
        || !zr_frames_take_i64(msg, &status) || status < 100 || status > 599)
        return ZR_FRONT_NONE;
    out->status = (int) status;
    out->text = zr_frames_take_str(msg);
    out->json = zr_frames_take_str(msg);
    out->type = frames == 5 ? zr_frames_take_str(msg) : NULL;
    return ZR_FRONT_PAGE;
}

static zr_front_kind_t decode_front(zmsg_t *msg, const char *name, zr_front_msg_t *out)
{
    if (streq(name, ZR_CMD_TERM))
        return ZR_FRONT_TERM;
    if (streq(name, "RESULT"))
        return (out->frame = take_result(msg, &out->result)) ? ZR_FRONT_RESULT : ZR_FRONT_NONE;
    if (streq(name, "FAIL"))
        return decode_fail(msg, out);
    if (streq(name, "PAGE"))
        return decode_page(msg, out);
    if (streq(name, ZR_CMD_METRICS) && zmsg_size(msg) == 1)
        return (out->text = zr_frames_take_str(msg)) ? ZR_FRONT_METRICS : ZR_FRONT_NONE;
    return ZR_FRONT_NONE;
}

bool zr_inproc_front_recv(zsock_t *pipe, zr_front_msg_t *out)
{
    *out = (zr_front_msg_t) { .kind = ZR_FRONT_NONE };
    zmsg_t *msg = zmsg_recv(pipe);
    if (!msg)
        return false;
    char *name = zmsg_popstr(msg);
    if (name)
        out->kind = decode_front(msg, name, out);
    if (out->kind == ZR_FRONT_NONE)
        zr_inproc_front_fini(out);
    free(name);
    zmsg_destroy(&msg);
    return true;
}

void zr_inproc_front_fini(zr_front_msg_t *msg)
{
    zframe_destroy(&msg->frame);
    zstr_free(&msg->text);
    zstr_free(&msg->path);
    zstr_free(&msg->json);
    zstr_free(&msg->type);
}

bool zr_inproc_serve_stats(zsock_t *pipe, zr_inproc_stats_fn *stats, void *self)
{
    zr_inproc_command_t command;
    bool go_on = zr_inproc_command_recv(pipe, &command) && !zr_inproc_is(&command, ZR_CMD_TERM);
    if (zr_inproc_is(&command, ZR_CMD_STATS)) {
        zr_metrics_t *set = stats(self);
        zr_inproc_stats_reply(pipe, &set);
    }
    zr_inproc_command_fini(&command);
    return go_on;
}
