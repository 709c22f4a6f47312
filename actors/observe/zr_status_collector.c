/* zr_status_collector: the shell around zr_status_board: one zmq_poll over the pipe, a SUB on
 * every member's monitor port and curl's sockets; nothing in it waits for a member. */
#include "actors/observe/zr_status_collector.h"
#include "actors/observe/zr_node_poller.h"
#include "actors/observe/zr_status_board.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_log.h"

#define CURL_ITEMS 64

typedef struct {
    const zr_env_t *env;
    zr_status_board_t *board;
    zr_node_poller_t *poller;
    zsock_t *events, *pages;
    zr_log_t *log;
    int64_t next_poll;
    uint64_t nodes_read, nodes_failed, events_read, events_unreadable;
} collector_t;

/* The kinds the board shows; everything else stays at the publishers (PUB filters). */
static void subscribe_events(collector_t *self)
{
    static const char *const kinds[] = { "election.", "suspect ", "refute ", "failure ", "join ", "rejoin " };
    self->events = zsock_new(ZMQ_SUB);
    zsock_set_linger(self->events, 0);
    zsock_set_maxmsgsize(self->events, 4096);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char topic[32];
        snprintf(topic, sizeof topic, "kind=%s", kinds[i]);
        zsock_set_subscribe(self->events, topic);
    }
    const zr_config_t *config = self->env->config;
    for (size_t i = 0; i < config->node_count; i++)
        zsock_connect(self->events, "tcp://%s:%d", config->nodes[i].ipv4, config->nodes[i].udp_port + 1);
}

static void from_events(collector_t *self)
{
    char *line = zstr_recv(self->events);
    zr_event_line_t event;
    if (line && zr_event_line_parse(line, &event)) {
        zr_status_board_event(self->board, &event);
        self->events_read++;
    } else
        self->events_unreadable++;
    zstr_free(&line);
}

static void node_answered(void *arg, int64_t id, long status, const char *body)
{
    collector_t *self = arg;
    zr_node_report_t report;
    if (status == 200 && zr_node_report_parse(body, &report) && report.id == id
        && zr_status_board_member(self->board, &report, zr_clock_wall_ms()))
        self->nodes_read++;
    else {
        self->nodes_failed++;
        zr_debug(self->log, "no /node from member %lld (HTTP %ld)", (long long) id, status);
    }
}

/* Every member but ourselves: our own figures come with REPORT. */
static void poll_members(collector_t *self)
{
    const zr_config_t *config = self->env->config;
    for (size_t i = 0; i < config->node_count; i++) {
        const zr_node_config_t *node = &config->nodes[i];
        char url[300];
        snprintf(url, sizeof url, "http://%s:%d/node", node->ipv4, node->http_port);
        if (node->id != self->env->node_id)
            zr_node_poller_get(self->poller, node->id, url, ZR_STATUS_GET_TIMEOUT_MS);
    }
    self->next_poll = zr_env_now(self->env) + ZR_STATUS_POLL_MS;
}

static void publish(collector_t *self, const zr_metrics_t *set)
{
    int64_t now = zr_clock_wall_ms();
    zr_status_board_report(self->board, set, now);
    zr_node_report_t own;
    zr_node_report_from_metrics(&own, set, self->env->node_id);
    zr_status_board_member(self->board, &own, now);
    char *json = zr_status_board_json(self->board, now);
    zr_inproc_typed_page_send(self->pages, "/status", 200, "application/json", json);
    free(json);
}

static void answer_stats(collector_t *self, zsock_t *pipe)
{
    zr_metrics_t *set = zr_metrics_new();
    zr_metrics_add(set, ZR_M_STATUS_POLLS, "ok", (double) self->nodes_read);
    zr_metrics_add(set, ZR_M_STATUS_POLLS, "failed", (double) self->nodes_failed);
    zr_metrics_add(set, ZR_M_STATUS_EVENTS, "ok", (double) self->events_read);
    zr_metrics_add(set, ZR_M_STATUS_EVENTS, "unreadable", (double) self->events_unreadable);
    zr_inproc_stats_reply(pipe, &set);
}

static bool handle_pipe(collector_t *self, zsock_t *pipe)
{
    zr_inproc_command_t command;
    bool go_on = zr_inproc_command_recv(pipe, &command) && !zr_inproc_is(&command, ZR_CMD_TERM);
    if (zr_inproc_is(&command, ZR_CMD_REPORT))
        publish(self, command.metrics);
    else if (zr_inproc_is(&command, ZR_CMD_STATS))
        answer_stats(self, pipe);
    zr_inproc_command_fini(&command);
    return go_on;
}

/* One wait on the pipe, the events and curl's sockets, until the next poll is due. */
static bool wait_once(collector_t *self, zsock_t *pipe)
{
    zmq_pollitem_t items[2 + CURL_ITEMS] = { { zsock_resolve(pipe), 0, ZMQ_POLLIN, 0 },
                                             { zsock_resolve(self->events), 0, ZMQ_POLLIN, 0 } };
    long curl_timeout = -1;
    int count = 2 + zr_node_poller_items(self->poller, items + 2, CURL_ITEMS, &curl_timeout);
    long timeout = zr_clock_poll_timeout(&self->env->clock, self->next_poll);
    if (curl_timeout >= 0 && curl_timeout < timeout)
        timeout = curl_timeout;
    if (zmq_poll(items, count, timeout) < 0 && zmq_errno() != EINTR)
        return false;
    bool go_on = true;
    if (items[0].revents & ZMQ_POLLIN)
        go_on = handle_pipe(self, pipe);
    while (zsock_events(self->events) & ZMQ_POLLIN)
        from_events(self);
    zr_node_poller_run(self->poller, node_answered, self);
    if (zr_env_now(self->env) >= self->next_poll)
        poll_members(self);
    return go_on;
}

void zr_status_collector_actor(zsock_t *pipe, void *args)
{
    zr_actor_name("status");
    collector_t self = { .env = args };
    self.log = zr_log_open(self.env->config->log_dir, self.env->node_id, "status");
    self.board = zr_status_board_new(self.env->config, self.env->node_id);
    self.poller = zr_node_poller_new();
    self.pages = zr_inproc_pages_connect(self.env);
    subscribe_events(&self);
    zr_actor_ready(pipe);
    while (wait_once(&self, pipe))
        ;
    zsock_destroy(&self.events);
    zsock_destroy(&self.pages);
    zr_node_poller_destroy(&self.poller);
    zr_status_board_destroy(&self.board);
    zr_log_close(&self.log);
}
