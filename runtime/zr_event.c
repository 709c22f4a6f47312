/* zr_event: the emitter: formats the fields, stamps the wall-clock time, and hands the event
 * to the monitor without ever blocking; losses are counted and reported with the next event. */
#include "runtime/zr_event.h"
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>

#define REQUEST_KINDS "request."                              /* how every request event's kind begins */
static const char request_lines[] = "kind=" REQUEST_KINDS;   /* ...and its line (zr_event_line) */
static atomic_int request_audience;   /* monitors of this process with a request-event subscriber */

struct zr_events {
    zsock_t *push;
    uint64_t lost;       /* since the last event that got through */
};

zr_events_t *zr_events_open_prefix(const char *prefix)
{
    if (!prefix)
        return NULL;
    zr_env_t env = { .node_id = -1 };
    snprintf(env.prefix, sizeof env.prefix, "%s", prefix);
    zr_events_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->push = zr_inproc_events_connect(&env, ZR_EVENT_QUEUE);
    return self;
}

zr_events_t *zr_events_open(const zr_env_t *env)
{
    return env && env->monitored ? zr_events_open_prefix(env->prefix) : NULL;
}

void zr_events_close(zr_events_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zsock_destroy(&(*self_p)->push);
    free(*self_p);
    *self_p = NULL;
}

void zr_events_audience_add(int delta)
{
    atomic_fetch_add(&request_audience, delta);
}

bool zr_event_topic_reaches_requests(const char *topic)
{
    size_t length = strlen(topic), known = sizeof request_lines - 1;
    return strncmp(topic, request_lines, length < known ? length : known) == 0;
}

static bool nobody_listens(zr_event_kind_t kind)
{
    return strncmp(zr_event_kind_name(kind), REQUEST_KINDS, sizeof REQUEST_KINDS - 1) == 0
           && atomic_load_explicit(&request_audience, memory_order_relaxed) <= 0;
}

static void send_event(zr_events_t *self, zr_event_kind_t kind, const char *reason,
                       const char *format, va_list args)
{
    if (nobody_listens(kind))
        return;
    char fields[ZR_EVENT_LINE_MAX];
    if (vsnprintf(fields, sizeof fields, format, args) < 0)
        fields[0] = 0;
    zr_inproc_event_t event = { kind, zr_clock_wall_ms(), fields, (char *) reason, self->lost };
    if (zr_inproc_event_send(self->push, &event) == 0)
        self->lost = 0;
    else
        self->lost++;
}

void zr_event_emit(zr_events_t *self, zr_event_kind_t kind, const char *fields, ...)
{
    if (!self)
        return;
    va_list args;
    va_start(args, fields);
    send_event(self, kind, NULL, fields, args);
    va_end(args);
}

void zr_event_emit_reason(zr_events_t *self, zr_event_kind_t kind, const char *reason,
                          const char *fields, ...)
{
    if (!self)
        return;
    va_list args;
    va_start(args, fields);
    send_event(self, kind, reason, fields, args);
    va_end(args);
}

void zr_event_drop(zr_events_t *self, zr_event_throttle_t *throttle, int64_t now_ms,
                   const char *transport, const char *reason)
{
    uint64_t count = 0;
    if (self && zr_event_throttle(throttle, now_ms, &count))
        zr_event_emit(self, ZR_EVENT_DROP, "transport=%s reason=%s count=%llu", transport, reason,
                      (unsigned long long) count);
}

uint64_t zr_events_lost(const zr_events_t *self)
{
    return self ? self->lost : 0;
}
