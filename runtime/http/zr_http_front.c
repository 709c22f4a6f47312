/* zr_http_front: the actor shell around zr_http_server: config, log, the poll loop, the pipe.
 * One zmq_poll waits on the pipe and on MHD's epoll fd, with MHD's own timeout; MHD_run follows. */
#include "runtime/http/zr_http_front.h"
#include "runtime/http/zr_http_server.h"
#include "runtime/http/zr_http_tokens.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_inproc.h"
#include "runtime/zr_log.h"
#include <errno.h>
#include <string.h>

#define PIPE_BATCH 64   /* pipe messages handled per wake-up before MHD gets its turn */

typedef struct {
    zsock_t *pipe;
    zsock_t *pages;             /* PAGE and METRICS from the process's other actors; may be NULL */
    char *bind_address;
    char *summary_log;
    char *verbose_log;
    zr_log_t *log;
    zr_http_tokens_t *tokens;
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
    zr_http_door_config_defaults(&config->door);
}

void zr_http_front_config_from_cluster(zr_http_front_config_t *config, zr_http_front_paths_t *paths,
                                       const zr_config_t *cluster, int node_id)
{
    const zr_node_config_t *me = zr_config_node(cluster, node_id);
    zr_http_front_config_defaults(config);
    config->port = me ? me->http_port : 0;
    config->bind_address = me ? me->ipv4 : "127.0.0.1";
    config->body_limit = (size_t) cluster->body_limit;
    config->node_id = node_id;
    config->log_dir = cluster->log_dir;
    zr_log_file_name(paths->summary, sizeof paths->summary, cluster->log_dir, node_id, "summary");
    zr_log_file_name(paths->verbose, sizeof paths->verbose, cluster->log_dir, node_id, "verbose");
    config->summary_log = paths->summary;
    config->verbose_log = paths->verbose;
    config->door = (zr_http_door_config_t) { cluster->max_pending, cluster->max_in_flight_per_client,
        cluster->max_connections_per_client, cluster->header_timeout_ms, cluster->retry_after_s };
    if (me && me->role == ZR_ROLE_GATEWAY && cluster->tokens_file[0])
        config->tokens_file = cluster->tokens_file;   /* jobs come in at the gateway only */
}

static char *copy_or_null(const char *text)
{
    return text ? strdup(text) : NULL;
}

static zsock_t *bind_pages(const char *endpoint, char **error)
{
    zsock_t *pages = zsock_new(ZMQ_PULL);
    zsock_set_linger(pages, 0);
    if (zsock_bind(pages, "%s", endpoint) == 0)
        return pages;
    zsock_destroy(&pages);
    if (asprintf(error, "cannot bind %s", endpoint) < 0)
        *error = NULL;
    return NULL;
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
    char reason[600];
    if (config->tokens_file && !(self->tokens = zr_http_tokens_load(config->tokens_file, reason, sizeof reason))) {
        *error = strdup(reason);
        return self;
    }
    zr_http_server_config_t server_config = {
        .bind_address = self->bind_address, .port = config->port,
        .body_limit = config->body_limit ? config->body_limit : ZR_HTTP_BODY_LIMIT_DEFAULT,
        .connection_timeout_s = config->connection_timeout_s > 0 ? config->connection_timeout_s : 60,
        .job_timeout_ms = config->job_timeout_ms > 0 ? config->job_timeout_ms : 0,
        .summary_log = self->summary_log, .verbose_log = self->verbose_log,
        .tokens = self->tokens, .door = config->door,
    };
    self->server = zr_http_server_new(&server_config, pipe, self->log, error);
    if (self->server && config->pages_endpoint && !(self->pages = bind_pages(config->pages_endpoint, error)))
        zr_http_server_destroy(&self->server);
    if (self->server && self->tokens)
        zr_info(self->log, "jobs need one of the %zu bearer tokens of %s", zr_http_tokens_count(self->tokens),
                config->tokens_file);
    return self;
}

static void front_destroy(zr_http_front_t **self_p)
{
    zr_http_front_t *self = *self_p;
    zr_http_server_destroy(&self->server);
    zsock_destroy(&self->pages);
    zr_http_tokens_destroy(&self->tokens);
    zr_log_close(&self->log);
    free(self->bind_address);
    free(self->summary_log);
    free(self->verbose_log);
    free(self);
    *self_p = NULL;
}

/* A page or metrics from another actor; anything else on that endpoint is ignored. */
static void handle_pages(zr_http_front_t *self)
{
    zr_front_msg_t msg;
    for (int handled = 0; handled < PIPE_BATCH && (zsock_events(self->pages) & ZMQ_POLLIN); handled++) {
        if (!zr_inproc_front_recv(self->pages, &msg))
            return;
        if (msg.kind == ZR_FRONT_PAGE)
            zr_http_server_set_page(self->server, msg.path, (unsigned) msg.status, msg.text, msg.type, msg.json);
        else if (msg.kind == ZR_FRONT_METRICS)
            zr_http_server_set_owner_metrics(self->server, msg.text);
        else
            zr_warn(self->log, "unexpected message on the pages endpoint dropped");
        zr_inproc_front_fini(&msg);
    }
}

static void handle_pipe_message(zr_http_front_t *self)
{
    zr_front_msg_t msg;
    if (!zr_inproc_front_recv(self->pipe, &msg) || msg.kind == ZR_FRONT_TERM)
        self->terminated = true;   /* told to stop, interrupted, or the context is gone */
    else if (msg.kind == ZR_FRONT_RESULT)
        zr_http_server_deliver_result(self->server, &msg.frame, &msg.result);
    else if (msg.kind == ZR_FRONT_FAIL)
        zr_http_server_deliver_failure(self->server, msg.id, msg.status, msg.text);
    else if (msg.kind == ZR_FRONT_PAGE)
        zr_http_server_set_page(self->server, msg.path, (unsigned) msg.status, msg.text, msg.type, msg.json);
    else if (msg.kind == ZR_FRONT_METRICS)
        zr_http_server_set_owner_metrics(self->server, msg.text);
    else
        zr_warn(self->log, "malformed or unknown message from the owner dropped");
    zr_inproc_front_fini(&msg);
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
            { NULL, zr_http_server_watch_fd(self->server), ZMQ_POLLIN, 0 },
            { self->pages ? zsock_resolve(self->pages) : NULL, 0, ZMQ_POLLIN, 0 },
        };
        int ready = zmq_poll(items, self->pages ? 4 : 3, zr_http_server_timeout(self->server));
        if (ready < 0 && zmq_errno() != EINTR) {
            zr_error(self->log, "poll failed: %s", zmq_strerror(zmq_errno()));
            break;
        }
        if (ready > 0 && (items[0].revents & ZMQ_POLLIN))
            handle_pipe(self);
        if (ready > 0 && (items[2].revents & ZMQ_POLLIN))
            zr_http_server_clients_gone(self->server);
        if (ready > 0 && self->pages && (items[3].revents & ZMQ_POLLIN))
            handle_pages(self);
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
    zr_actor_name("http-front");
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

static zactor_t *front_for(const zr_config_t *cluster, int node_id, const char *pages, char *err,
                           size_t err_size)
{
    zr_http_front_config_t config;
    zr_http_front_paths_t paths;
    zr_http_front_config_from_cluster(&config, &paths, cluster, node_id);
    config.pages_endpoint = pages;
    char *error = NULL;
    zactor_t *front = zr_http_front_new(&config, NULL, &error);
    if (!front)
        snprintf(err, err_size, "cannot serve HTTP on %s:%d: %s", config.bind_address, config.port,
                 error ? error : "unknown error");
    free(error);
    return front;
}

zactor_t *zr_http_front_for_node(const zr_config_t *cluster, int node_id, char *err, size_t err_size)
{
    return front_for(cluster, node_id, NULL, err, err_size);
}

zactor_t *zr_http_front_for_env(const zr_env_t *env, char *err, size_t err_size)
{
    char pages[256];
    return front_for(env->config, env->node_id, zr_inproc_endpoint(env, ZR_INPROC_PAGES, pages), err, err_size);
}
