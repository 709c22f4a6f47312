/* zr_monitor: one PAIR per monitored socket (libzmq's monitor endpoints are PAIR, inproc only),
 * read by one actor and turned into text on a PUB that anything outside can subscribe to. */
#include "actors/transport/zr_monitor.h"
#include "actors/transport/zr_event_publisher.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_addr.h"
#include "runtime/zr_log.h"
#include <stdatomic.h>

static atomic_int monitor_sequence;   /* names each socket's monitor endpoint */

typedef struct {
    zsock_t *pair;
    char name[64];
} watched_t;

typedef struct {
    int node_id;
    zsock_t *control, *publisher, *events;
    zr_event_publisher_t *lines;
    zlist_t *watched;        /* watched_t* */
    zpoller_t *poller;
    zr_log_t *log;
    uint64_t handshake_failed[3];   /* no detail (e.g. mechanism mismatch), protocol, auth (zauth said no) */
} monitor_t;

const char *zr_monitor_event_name(int event)
{
    static const struct { int event; const char *name; } names[] = {
        { ZMQ_EVENT_CONNECTED, "CONNECTED" }, { ZMQ_EVENT_CONNECT_DELAYED, "CONNECT_DELAYED" },
        { ZMQ_EVENT_CONNECT_RETRIED, "CONNECT_RETRIED" }, { ZMQ_EVENT_LISTENING, "LISTENING" },
        { ZMQ_EVENT_BIND_FAILED, "BIND_FAILED" }, { ZMQ_EVENT_ACCEPTED, "ACCEPTED" },
        { ZMQ_EVENT_ACCEPT_FAILED, "ACCEPT_FAILED" }, { ZMQ_EVENT_CLOSED, "CLOSED" },
        { ZMQ_EVENT_CLOSE_FAILED, "CLOSE_FAILED" }, { ZMQ_EVENT_DISCONNECTED, "DISCONNECTED" },
        { ZMQ_EVENT_MONITOR_STOPPED, "MONITOR_STOPPED" },
        { ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, "HANDSHAKE_FAILED" },
        { ZMQ_EVENT_HANDSHAKE_SUCCEEDED, "HANDSHAKE_SUCCEEDED" },
        { ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, "HANDSHAKE_FAILED_PROTOCOL" },
        { ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, "HANDSHAKE_FAILED_AUTH" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].event == event)
            return names[i].name;
    return "UNKNOWN";
}

void zr_monitor_attach(zsock_t *socket, const zr_env_t *env, const char *name)
{
    if (!env->monitored)
        return;   /* libzmq blocks a socket whose events nobody reads */
    char endpoint[128];
    snprintf(endpoint, sizeof endpoint, "inproc://%s-socket-events-%d", env->prefix,
             atomic_fetch_add(&monitor_sequence, 1));
    if (zmq_socket_monitor(zsock_resolve(socket), endpoint, ZMQ_EVENT_ALL) != 0)
        return;
    /* Connected here, before the socket can emit an event; the actor takes it over. */
    zsock_t *pair = zsock_new(ZMQ_PAIR);
    zsock_set_linger(pair, 0);
    if (zsock_connect(pair, "%s", endpoint) != 0 || zr_inproc_monitor_register(env, pair, name) != 0)
        zsock_destroy(&pair);
}

/* A new socket to watch: its connected PAIR arrives from the thread that owns the socket. */
static void watch(monitor_t *self)
{
    zsock_t *pair = NULL;
    char *name = NULL;
    if (zr_inproc_monitor_take(self->control, &pair, &name)) {
        watched_t *watched = calloc(1, sizeof *watched);
        watched->pair = pair;
        snprintf(watched->name, sizeof watched->name, "%s", name ? name : "?");
        zlist_append(self->watched, watched);
        zpoller_add(self->poller, watched->pair);
    }
    zstr_free(&name);
}

/* One event: [u16 event, u32 value] [endpoint]; published as text; a stopped monitor is dropped. */
static void relay(monitor_t *self, watched_t *watched)
{
    zmsg_t *msg = zmsg_recv(watched->pair);
    zframe_t *head = msg ? zmsg_first(msg) : NULL;
    char *endpoint = msg && zmsg_size(msg) == 2 ? zframe_strdup(zmsg_last(msg)) : NULL;
    if (head && endpoint && zframe_size(head) == 6) {
        uint16_t event;
        uint32_t value;
        memcpy(&event, zframe_data(head), 2);
        memcpy(&value, zframe_data(head) + 2, 4);
        zr_event_publisher_socket(self->lines, watched->name, zr_monitor_event_name(event), value, endpoint);
        self->handshake_failed[0] += event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;
        self->handshake_failed[1] += event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL;
        self->handshake_failed[2] += event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
        if (event == ZMQ_EVENT_MONITOR_STOPPED) {
            zpoller_remove(self->poller, watched->pair);
            zlist_remove(self->watched, watched);
            zsock_destroy(&watched->pair);
            free(watched);
        }
    }
    zstr_free(&endpoint);
    zmsg_destroy(&msg);
}

static int monitor_start(monitor_t *self, const zr_env_t *env, char *err, size_t size)
{
    const zr_node_config_t *me = zr_env_me(env);
    self->node_id = env->node_id;
    self->watched = zlist_new();
    self->log = zr_log_open(env->config->log_dir, env->node_id, "monitor");
    if (!me || !zr_addr_is_local_ipv4(me->ipv4)) {
        snprintf(err, size, "node %d is not in the cluster file or not on this host", env->node_id);
        return -1;
    }
    if (!(self->control = zr_inproc_bind(env, ZMQ_PULL, ZR_INPROC_MONITOR, err, size)))
        return -1;
    self->publisher = zsock_new(ZMQ_XPUB);   /* an XPUB: its subscriptions say who wants request events */
    zsock_set_linger(self->publisher, 0);
    /* Subscribers only send subscriptions: a peer announcing anything longer is cut off
     * before libzmq allocates what its length field claims. */
    zsock_set_maxmsgsize(self->publisher, 256);
    zsock_set_sndhwm(self->publisher, ZR_EVENT_PUBLISHER_HWM);
    if (zsock_bind(self->publisher, "tcp://%s:%d", me->ipv4, me->udp_port + 1) < 0) {
        snprintf(err, size, "cannot bind the monitor port tcp://%s:%d: %s", me->ipv4, me->udp_port + 1,
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    if (!(self->events = zr_inproc_bind(env, ZMQ_PULL, ZR_INPROC_EVENTS, err, size)))
        return -1;
    self->lines = zr_event_publisher_new(self->publisher, env->node_id);
    zr_info(self->log, "socket and cluster events published on tcp://%s:%d", me->ipv4, me->udp_port + 1);
    return 0;
}

static void monitor_stop(monitor_t *self)
{
    watched_t *watched;
    while (self->watched && (watched = zlist_pop(self->watched))) {
        zsock_destroy(&watched->pair);
        free(watched);
    }
    zlist_destroy(&self->watched);
    zr_event_publisher_destroy(&self->lines);
    zsock_destroy(&self->events);
    zsock_destroy(&self->publisher);
    zsock_destroy(&self->control);
    zr_log_close(&self->log);
}

static bool handle_pipe(monitor_t *self, zsock_t *pipe)
{
    zr_inproc_command_t command;
    bool go_on = zr_inproc_command_recv(pipe, &command) && !zr_inproc_is(&command, ZR_CMD_TERM);
    if (zr_inproc_is(&command, ZR_CMD_STATS)) {
        zr_metrics_t *set = zr_metrics_new();
        zr_metrics_add(set, ZR_M_MONITOR_SOCKETS, NULL, (double) zlist_size(self->watched));
        zr_metrics_add(set, ZR_M_TCP_HANDSHAKE_FAILED, "no_detail", (double) self->handshake_failed[0]);
        zr_metrics_add(set, ZR_M_TCP_HANDSHAKE_FAILED, "protocol", (double) self->handshake_failed[1]);
        zr_metrics_add(set, ZR_M_TCP_HANDSHAKE_FAILED, "auth", (double) self->handshake_failed[2]);
        zr_event_publisher_stats(self->lines, set);
        zr_inproc_stats_reply(pipe, &set);
    }
    zr_inproc_command_fini(&command);
    return go_on;
}

void zr_monitor_actor(zsock_t *pipe, void *args)
{
    zr_actor_name("monitor");
    monitor_t self = { 0 };
    char err[256] = "";
    if (monitor_start(&self, args, err, sizeof err) != 0) {
        monitor_stop(&self);
        zr_actor_failed(pipe, err);
        return;
    }
    self.poller = zpoller_new(pipe, self.control, self.events, self.publisher, NULL);
    zr_actor_ready(pipe);
    for (bool running = true; running;) {
        void *which = zpoller_wait(self.poller, -1);
        if (which == pipe)
            running = handle_pipe(&self, pipe);
        else if (which == self.control)
            watch(&self);
        else if (which == self.events)
            zr_event_publisher_relay(self.lines, self.events);
        else if (which == self.publisher)
            zr_event_publisher_subscription(self.lines);
        else if (which) {
            for (watched_t *w = zlist_first(self.watched); w; w = zlist_next(self.watched))
                if (w->pair == which) {
                    relay(&self, w);
                    break;
                }
        } else
            running = !zpoller_terminated(self.poller);
    }
    zpoller_destroy(&self.poller);
    monitor_stop(&self);
}
