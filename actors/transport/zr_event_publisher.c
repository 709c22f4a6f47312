/* zr_event_publisher: one line per event (zr_event_line_format), sent on the PUB, which never
 * blocks: a subscriber over its high-water mark loses lines, the process goes on. */
#include "actors/transport/zr_event_publisher.h"
#include "runtime/zr_event_line.h"

struct zr_event_publisher {
    zsock_t *publisher;
    int node_id;
    uint64_t seq;
    uint64_t published[ZR_EVENT_KIND_COUNT];
    uint64_t queue_full, malformed;
};

zr_event_publisher_t *zr_event_publisher_new(zsock_t *publisher, int node_id)
{
    zr_event_publisher_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->publisher = publisher;
    self->node_id = node_id;
    return self;
}

void zr_event_publisher_destroy(zr_event_publisher_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

static void publish(zr_event_publisher_t *self, zr_event_kind_t kind, int64_t t_ms, const char *fields,
                    const char *reason)
{
    char line[ZR_EVENT_LINE_MAX];
    zr_event_line_format(line, sizeof line, zr_event_kind_name(kind), self->node_id, t_ms,
                         ++self->seq, fields, reason);
    zstr_send(self->publisher, line);
    self->published[kind]++;
}

void zr_event_publisher_socket(zr_event_publisher_t *self, const char *socket, const char *event,
                               uint32_t value, const char *endpoint)
{
    char fields[512] = "";
    zr_event_line_append(fields, sizeof fields, "socket", socket);
    zr_event_line_append(fields, sizeof fields, "event", event);
    char number[16];
    snprintf(number, sizeof number, "%u", value);
    zr_event_line_append(fields, sizeof fields, "value", number);
    zr_event_line_append(fields, sizeof fields, "endpoint", endpoint);
    publish(self, ZR_EVENT_SOCKET, zr_clock_wall_ms(), fields + 1, NULL);
}

void zr_event_publisher_relay(zr_event_publisher_t *self, zsock_t *pull)
{
    zr_inproc_event_t event;
    if (!zr_inproc_event_take(pull, &event)) {
        self->malformed++;
        return;
    }
    self->queue_full += event.dropped;
    publish(self, event.kind, event.t_ms, event.fields, event.reason);
    zr_inproc_event_fini(&event);
}

void zr_event_publisher_stats(const zr_event_publisher_t *self, zr_metrics_t *set)
{
    for (int kind = 0; kind < ZR_EVENT_KIND_COUNT; kind++)
        zr_metrics_add(set, ZR_M_EVENTS_PUBLISHED, zr_event_kind_name((zr_event_kind_t) kind),
                       (double) self->published[kind]);
    zr_metrics_add(set, ZR_M_EVENTS_DROPPED, "queue_full", (double) self->queue_full);
    zr_metrics_add(set, ZR_M_EVENTS_DROPPED, "malformed", (double) self->malformed);
}
