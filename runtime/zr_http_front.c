/* zr_http_front: the actor shell around zr_http_server: config, log, the poll loop, the pipe.
 * One zmq_poll waits on the pipe and on MHD's epoll fd, with MHD's own timeout; MHD_run follows. */
#include "runtime/zr_http_front.h"
#include "runtime/zr_http_server.h"
#include "runtime/zr_log.h"
#include <errno.h>
#include <limits.h>
#include <string.h>

#define PIPE_BATCH 64   /* pipe messages handled per wake-up before MHD gets its turn */

typedef struct {
    zsock_t *pipe;
    char *bind_address;
    char *summary_log;
    char *verbose_log;
    zr_log_t *log;
    zr_http_server_t *server;
    bool terminated;
} zr_http_front_t;

void zr_http_front_config_defaults(zr_http_front_config_t *config)
{
    memset(config, 0, sizeof *config);
    config->port = 8888;
    config->bind_address = "0.0.0.0";
    config->body_limit = ZR_HTTP_BODY_LIMIT_DEFAULT;
    config->connection_timeout_s = 60;
}

static char *copy_or_null(const char *text)
{
    return text ? strdup(text) : NULL;
}

static zr_http_front_t *front_new(zsock_t *pipe, const zr_http_front_config_t *config, char **error)
{
    zr_http_front_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->pipe = pipe;
    self->bind_address = strdup(config->bind_address ? config->bind_address : "0.0.0.0");
    self->summary_log = copy_or_null(config->summary_log);
    self->verbose_log = copy_or_null(config->verbose_log);
    self->log = zr_log_open(config->log_dir, config->node_id, "http");
    if (!self->log)
        self->log = zr_log_open(NULL, config->node_id, "http");
    zr_http_server_config_t server_config = {
        .bind_address = self->bind_address, .port = config->port,
        .body_limit = config->body_limit ? config->body_limit : ZR_HTTP_BODY_LIMIT_DEFAULT,
        .connection_timeout_s = config->connection_timeout_s > 0 ? config->connection_timeout_s : 60,
        .job_timeout_ms = config->job_timeout_ms > 0 ? config->job_timeout_ms : 0,
        .summary_log = self->summary_log, .verbose_log = self->verbose_log,
    };
    self->server = zr_http_server_new(&server_config, pipe, self->log, error);
    return self;
}

static void front_destroy(zr_http_front_t **self_p)
{
    zr_http_front_t *self = *self_p;
    zr_http_server_destroy(&self->server);
    zr_log_close(&self->log);
    free(self->bind_address);
    free(self->summary_log);
    free(self->verbose_log);
    free(self);
    *self_p = NULL;
}

/* A number frame as zsock_send writes pictures '8' and 'i' (decimal text); -1 if it is not one. */
static int take_number(zmsg_t *msg, long long minimum, long long maximum, long long *value)
{
    char *text = zmsg_popstr(msg), *end = NULL;
    errno = 0;
    long long number = text && *text ? strtoll(text, &end, 10) : 0;
    bool ok = text && *text && end && *end == 0 && errno == 0 && number >= minimum && number <= maximum;
    free(text);
    if (ok)
        *value = number;
    return ok ? 0 : -1;
}

/* "FAIL" id(8) status(i) reason(s), with the command frame already popped. */
static void handle_fail(zr_http_front_t *self, zmsg_t *msg)
{
    long long id, status;
    if (take_number(msg, 1, LLONG_MAX, &id) == 0 && take_number(msg, INT_MIN, INT_MAX, &status) == 0
        && zmsg_size(msg) == 1) {
        char *reason = zmsg_popstr(msg);
        zr_http_server_deliver_failure(self->server, (uint64_t) id, (int) status, reason);
        free(reason);
    }
    else
        zr_warn(self->log, "malformed FAIL from the owner dropped");
}

/* "PAGE" path(s) status(i) plain(s) json(s) [plain_type(s)], with the command frame popped. */
static void handle_page(zr_http_front_t *self, zmsg_t *msg)
{
    char *path = zmsg_popstr(msg);
    long long status;
    if (path && path[0] == '/' && take_number(msg, 100, 599, &status) == 0
        && (zmsg_size(msg) == 2 || zmsg_size(msg) == 3)) {
        char *plain = zmsg_popstr(msg), *json = zmsg_popstr(msg), *plain_type = zmsg_popstr(msg);
        zr_http_server_set_page(self->server, path, (unsigned) status, plain, plain_type, json);
        free(plain);
        free(json);
        free(plain_type);
    }
    else
        zr_warn(self->log, "malformed PAGE from the owner dropped");
    free(path);
}

static void handle_result(zr_http_front_t *self, zmsg_t *msg)
{
    zr_job_result_t *result = zr_job_result_from_msg(msg);
    if (result)
        zr_http_server_deliver_result(self->server, &result);
    else
        zr_warn(self->log, "malformed RESULT from the owner dropped");
}

/* "METRICS" lines(s), with the command frame already popped. */
static void handle_metrics(zr_http_front_t *self, zmsg_t *msg)
{
    char *lines = zmsg_size(msg) == 1 ? zmsg_popstr(msg) : NULL;
    if (lines)
        zr_http_server_set_owner_metrics(self->server, lines);
    else
        zr_warn(self->log, "malformed METRICS from the owner dropped");
    free(lines);
}

static void handle_pipe_message(zr_http_front_t *self)
{
    zmsg_t *msg = zmsg_recv(self->pipe);
    if (!msg) {
        self->terminated = true;   /* interrupted or the context is gone */
        return;
    }
    char *command = zmsg_first(msg) ? zframe_strdup(zmsg_first(msg)) : strdup("");
    if (streq(command, "RESULT"))
        handle_result(self, msg);   /* decodes from the command frame on */
    else {
        zframe_t *popped = zmsg_pop(msg);
        zframe_destroy(&popped);
        if (streq(command, "FAIL"))
            handle_fail(self, msg);
        else if (streq(command, "PAGE"))
            handle_page(self, msg);
        else if (streq(command, "METRICS"))
            handle_metrics(self, msg);
        else if (streq(command, "$TERM"))
            self->terminated = true;
        else
            zr_warn(self->log, "unknown command from the owner dropped");
    }
    free(command);
    zmsg_destroy(&msg);
}

static void handle_pipe(zr_http_front_t *self)
{
    for (int handled = 0; handled < PIPE_BATCH && !self->terminated
         && (zsock_events(self->pipe) & ZMQ_POLLIN); handled++)
        handle_pipe_message(self);
}

static void serve(zr_http_front_t *self)
{
    while (!self->terminated) {
        zmq_pollitem_t items[] = {
            { zsock_resolve(self->pipe), 0, ZMQ_POLLIN, 0 },
            { NULL, self->server->epoll_fd, ZMQ_POLLIN, 0 },
        };
        int ready = zmq_poll(items, 2, zr_http_server_timeout(self->server));
        if (ready < 0 && zmq_errno() != EINTR) {
            zr_error(self->log, "poll failed: %s", zmq_strerror(zmq_errno()));
            break;
        }
        if (ready > 0 && (items[0].revents & ZMQ_POLLIN))
            handle_pipe(self);
        zr_http_server_run(self->server);
    }
}

/* After a failed start the actor still waits for $TERM, as zactor_destroy expects. */
static void wait_for_term(zsock_t *pipe)
{
    for (char *command = zstr_recv(pipe); command; command = zstr_recv(pipe)) {
        bool term = streq(command, "$TERM");
        free(command);
        if (term)
            break;
    }
}

void zr_http_front_actor(zsock_t *pipe, void *args)
{
    char *error = NULL;
    zr_http_front_t *self = front_new(pipe, args, &error);
    zsock_signal(pipe, 0);
    if (!self->server) {
        zr_error(self->log, "%s", error);
        zstr_sendx(pipe, "ERROR", error, NULL);
        free(error);
        front_destroy(&self);
        wait_for_term(pipe);
        return;
    }
    char port[16];
    snprintf(port, sizeof port, "%d", self->server->port);
    zstr_sendx(pipe, "READY", port, NULL);
    serve(self);
    zr_info(self->log, "stopping");
    front_destroy(&self);
}

zactor_t *zr_http_front_new(const zr_http_front_config_t *config, int *port, char **error)
{
    zactor_t *front = zactor_new(zr_http_front_actor, (void *) config);
    char *status = NULL, *detail = NULL;
    if (front && zsock_recv(front, "ss", &status, &detail) == 0 && streq(status, "READY")) {
        if (port)
            *port = atoi(detail);
        free(status);
        free(detail);
        return front;
    }
    if (error)
        *error = detail ? detail : strdup("the HTTP front did not start");
    else
        free(detail);
    free(status);
    zactor_destroy(&front);
    return NULL;
}

int zr_http_front_fail(zactor_t *front, uint64_t id, int status, const char *reason)
{
    return zsock_send(front, "s8is", "FAIL", id, status, reason);
}

int zr_http_front_set_metrics(zactor_t *front, const char *lines)
{
    return zsock_send(front, "ss", "METRICS", lines);
}

int zr_http_front_set_page(zactor_t *front, const char *path, int status, const char *plain,
                           const char *json)
{
    return zsock_send(front, "ssiss", "PAGE", path, status, plain, json ? json : "");
}

int zr_http_front_set_typed_page(zactor_t *front, const char *path, int status,
                                 const char *content_type, const char *body)
{
    return zsock_send(front, "ssisss", "PAGE", path, status, body, "", content_type);
}
