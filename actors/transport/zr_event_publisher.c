/* zr_event_publisher: one line per event (zr_event_line_format), sent on the XPUB, which never
 * blocks: a subscriber over its high-water mark loses lines, the process goes on. */
#include "actors/transport/zr_event_publisher.h"
#include "runtime/zr_event.h"
#include "runtime/zr_event_line.h"

struct zr_event_publisher {
    zsock_t *publisher;
    int node_id;
    uint64_t seq;
    uint64_t published[ZR_EVENT_KIND_COUNT];
    uint64_t queue_full, malformed, not_a_subscription;
    zhashx_t *request_topics;   /* subscribed topics that reach request events (keys only) */
    bool audience_counted;      /* counted in zr_events_audience_add */
};

zr_event_publisher_t *zr_event_publisher_new(zsock_t *publisher, int node_id)
{
    zr_event_publisher_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->publisher = publisher;
    self->node_id = node_id;
    self->request_topics = zhashx_new();
    return self;
}

static void count_audience(zr_event_publisher_t *self)
{
    bool audience = zhashx_size(self->request_topics) > 0;
    if (audience != self->audience_counted)
        zr_events_audience_add(audience ? 1 : -1);
    self->audience_counted = audience;
}

void zr_event_publisher_destroy(zr_event_publisher_t **self_p)
{
    if (self_p && *self_p) {
        zhashx_purge((*self_p)->request_topics);
        count_audience(*self_p);
        zhashx_destroy(&(*self_p)->request_topics);
        free(*self_p);
        *self_p = NULL;
    }
}

/* A subscription is one frame: 1 (subscribe) or 0 (unsubscribe), then the topic. A topic holding a
 * NUL byte matches no event line (they are text) and is ignored. */
void zr_event_publisher_subscription(zr_event_publisher_t *self)
{
    zmsg_t *msg = zmsg_recv(self->publisher);
    zframe_t *frame = msg && zmsg_size(msg) == 1 ? zmsg_first(msg) : NULL;
    const uint8_t *data = frame ? zframe_data(frame) : NULL;
    size_t size = frame ? zframe_size(frame) : 0;
    if (size < 1 || data[0] > 1) {
        self->not_a_subscription++;
    } else if (!memchr(data + 1, 0, size - 1)) {
        char *topic = zframe_strdup(frame);
        if (zr_event_topic_reaches_requests(topic + 1)) {
            if (data[0] == 1)
                zhashx_insert(self->request_topics, topic + 1, self);   /* a key set: any item */
            else
                zhashx_delete(self->request_topics, topic + 1);
            count_audience(self);
        }
        free(topic);
    }
    zmsg_destroy(&msg);
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
    zr_metrics_add(set, ZR_M_MONITOR_PEER_DROPPED, NULL, (double) self->not_a_subscription);
    zr_metrics_add(set, ZR_M_EVENTS_REQUEST_SUBSCRIBED, NULL, self->audience_counted ? 1.0 : 0.0);
}
