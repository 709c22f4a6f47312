/* zr_http_server: runs libmicrohttpd in external-epoll mode with suspend/resume, no threads.
 * Owns the daemon and the table of requests whose connections wait, suspended, for the owner. */
#include "runtime/http/zr_http_server.h"
#include "runtime/http/zr_http_guard.h"
#include "runtime/http/zr_http_routes.h"
#include "runtime/zr_inproc.h"
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#define DAEMON_FLAGS (MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO | MHD_USE_ERROR_LOG)
#define EXPIRY_CHECK_MS 1000   /* at most this long between deadline checks of waiting jobs */

static void pending_key(char *key, size_t size, uint64_t id)
{
    snprintf(key, size, "%llu", (unsigned long long) id);
}

/* MHD's error log goes to the front's log; the last line is kept to explain a failed start. A line
 * that repeats (e.g. a connection refused at the limit, once per connection of a flood) is
 * written at most once a second, with how many were left out. */
static void log_mhd_message(void *cls, const char *format, va_list args)
{
    zr_http_server_t *self = cls;
    char line[sizeof self->last_mhd_error];
    vsnprintf(line, sizeof line, format, args);
    size_t length = strlen(line);
    while (length && (line[length - 1] == '\n' || line[length - 1] == '\r'))
        line[--length] = 0;
    int64_t now = zr_clock_now_ms(&self->clock);
    if (strcmp(line, self->last_mhd_error) == 0 && now - self->mhd_logged_at < 1000) {
        self->mhd_repeats++;
        return;
    }
    if (self->mhd_repeats)
        zr_warn(self->log, "libmicrohttpd: (%llu more like the last line)", (unsigned long long) self->mhd_repeats);
    self->mhd_repeats = 0;
    self->mhd_logged_at = now;
    snprintf(self->last_mhd_error, sizeof self->last_mhd_error, "%s", line);
    zr_warn(self->log, "libmicrohttpd: %s", self->last_mhd_error);
}

static char *start_error(zr_http_server_t *self, const char *what)
{
    char *error = NULL;
    if (asprintf(&error, "cannot listen on %s:%d: %s", self->config.bind_address,
                 self->config.port, self->last_mhd_error[0] ? self->last_mhd_error : what) < 0)
        abort();
    return error;
}

static int start_daemon(zr_http_server_t *self, char **error)
{
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t) self->config.port) };
    if (inet_pton(AF_INET, self->config.bind_address, &address.sin_addr) != 1) {
        *error = start_error(self, "not an IPv4 address");
        return -1;
    }
    /* The door: per-client connection cap (accept policy), header deadlines (notifications). */
    self->daemon = MHD_start_daemon(DAEMON_FLAGS, (uint16_t) self->config.port, zr_http_guard_accept, self,
        zr_http_routes_access, self,
        MHD_OPTION_EXTERNAL_LOGGER, log_mhd_message, self,   /* must be the first option */
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &address,
        MHD_OPTION_NOTIFY_COMPLETED, zr_http_routes_completed, self,
        MHD_OPTION_NOTIFY_CONNECTION, zr_http_guard_notify, self,
        MHD_OPTION_CONNECTION_LIMIT, zr_http_guard_raise_file_limit(),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) self->config.connection_timeout_s,
        MHD_OPTION_END);
    if (!self->daemon) {
        *error = start_error(self, strerror(errno));
        return -1;
    }
    const union MHD_DaemonInfo *epoll = MHD_get_daemon_info(self->daemon, MHD_DAEMON_INFO_EPOLL_FD);
    const union MHD_DaemonInfo *port = MHD_get_daemon_info(self->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (!epoll || !port) {
        *error = start_error(self, "no epoll descriptor");
        return -1;
    }
    self->epoll_fd = epoll->epoll_fd;
    self->port = port->port;
    return 0;
}

static void page_destroy(void **item)
{
    zr_http_page_t *page = *item;
    free(page->plain);
    free(page->plain_type);
    free(page->json);
    free(page);
    *item = NULL;
}

zr_http_server_t *zr_http_server_new(const zr_http_server_config_t *config, zsock_t *pipe,
                                     zr_log_t *log, char **error)
{
    zr_http_server_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->config = *config;
    self->pipe = pipe;
    self->log = log;
    self->clock = zr_clock_monotonic();
    self->pending = zhashx_new();
    self->metrics = zr_http_metrics_new();
    self->pages = zhashx_new();
    zhashx_set_destructor(self->pages, page_destroy);
    self->door = zr_http_door_new(&config->door);
    self->watch = zr_http_watch_new();
    if (!self->watch) {
        *error = start_error(self, "no epoll set for waiting connections");
        zr_http_server_destroy(&self);
        return NULL;
    }
    if (start_daemon(self, error) != 0) {
        zr_http_server_destroy(&self);
        return NULL;
    }
    zr_info(log, "listening on %s:%d, body limit %zu bytes", config->bind_address, self->port,
            config->body_limit);
    return self;
}

/* MHD must not be stopped with suspended connections: answer them, let MHD send what it can. */
static void release_waiting(zr_http_server_t *self)
{
    zlistx_t *ids = zhashx_keys(self->pending);
    for (char *key = zlistx_first(ids); key; key = zlistx_next(ids))
        zr_http_server_deliver_failure(self, strtoull(key, NULL, 10), 503, "server shutting down");
    zlistx_destroy(&ids);
    zr_http_server_run(self);
}

void zr_http_server_destroy(zr_http_server_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zr_http_server_t *self = *self_p;
    if (self->daemon) {
        release_waiting(self);
        MHD_stop_daemon(self->daemon);   /* closes every connection: the door's books empty */
    }
    zr_http_door_destroy(&self->door);
    zr_http_watch_destroy(&self->watch);
    zhashx_destroy(&self->pending);
    zhashx_destroy(&self->pages);
    zr_http_metrics_destroy(&self->metrics);
    free(self->owner_metrics);
    free(self);
    *self_p = NULL;
}

static int64_t expiry_interval(const zr_http_server_t *self)
{
    return self->config.job_timeout_ms < EXPIRY_CHECK_MS ? self->config.job_timeout_ms : EXPIRY_CHECK_MS;
}

static bool checks_deadlines(const zr_http_server_t *self)
{
    return self->config.job_timeout_ms > 0 && zhashx_size(self->pending) > 0;
}

int zr_http_server_timeout(zr_http_server_t *self)
{
    MHD_UNSIGNED_LONG_LONG mhd;
    int64_t timeout = MHD_get_timeout(self->daemon, &mhd) == MHD_YES
                    ? (mhd > INT_MAX ? INT_MAX : (int64_t) mhd) : -1;
    int64_t now = zr_clock_now_ms(&self->clock), headers_due = zr_http_door_next_deadline(self->door);
    int64_t checks[] = { checks_deadlines(self) ? self->next_expiry_ms : -1, headers_due };
    for (size_t i = 0; i < 2; i++) {
        int64_t until = checks[i] < 0 ? -1 : checks[i] <= now ? 0 : checks[i] - now;
        if (until >= 0 && (timeout < 0 || until < timeout))
            timeout = until;
    }
    return (int) timeout;
}

/* Jobs the owner left unanswered past their deadline get 504; a late answer is then dropped. */
static void expire_waiting(zr_http_server_t *self)
{
    int64_t now = zr_clock_now_ms(&self->clock);
    if (!checks_deadlines(self) || now < self->next_expiry_ms)
        return;
    self->next_expiry_ms = now + expiry_interval(self);
    zlistx_t *expired = zlistx_new();
    for (zr_http_request_t *request = zhashx_first(self->pending); request;
         request = zhashx_next(self->pending))
        if (request->deadline_ms <= now)
            zlistx_add_end(expired, request);
    char reason[96];
    snprintf(reason, sizeof reason, "no answer within %d ms", self->config.job_timeout_ms);
    for (zr_http_request_t *request = zlistx_first(expired); request; request = zlistx_next(expired)) {
        zr_warn(self->log, "request %llu: %s", (unsigned long long) request->id, reason);
        zr_http_server_deliver_failure(self, request->id, MHD_HTTP_GATEWAY_TIMEOUT, reason);
    }
    zlistx_destroy(&expired);
}

void zr_http_server_run(zr_http_server_t *self)
{
    expire_waiting(self);
    zr_http_guard_cut_overdue(self, zr_clock_now_ms(&self->clock));
    if (MHD_run(self->daemon) != MHD_YES)
        zr_warn(self->log, "MHD_run failed");
}

void zr_http_server_submit(zr_http_server_t *self, zr_http_request_t *request)
{
    char key[24];
    pending_key(key, sizeof key, request->id);
    int64_t now = zr_clock_now_ms(&self->clock);
    if (zhashx_size(self->pending) == 0)
        self->next_expiry_ms = now + expiry_interval(self);
    zhashx_insert(self->pending, key, request);
    request->state = ZR_HTTP_WAITING;
    request->deadline_ms = self->config.job_timeout_ms > 0 ? now + self->config.job_timeout_ms : 0;
    MHD_suspend_connection(request->connection);
    const union MHD_ConnectionInfo *fd = MHD_get_connection_info(request->connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (fd && zr_http_watch_add(self->watch, fd->connect_fd, request->id) == 0)
        request->fd = fd->connect_fd;   /* MHD no longer polls it: we watch for a hang-up */
    if (zr_inproc_job_send(self->pipe, request->id, request->body ? request->body : "",
                           request->body_len) != 0)
        zr_error(self->log, "request %llu: cannot pass the job to the owner",
                 (unsigned long long) request->id);
    free(request->body);   /* the owner has it now; keep nothing big while waiting */
    request->body = NULL;
    request->body_cap = 0;
}

static void unwatch(zr_http_server_t *self, zr_http_request_t *request)
{
    zr_http_watch_remove(self->watch, request->fd);
    request->fd = -1;
}

void zr_http_server_forget(zr_http_server_t *self, zr_http_request_t *request)
{
    char key[24];
    pending_key(key, sizeof key, request->id);
    zhashx_delete(self->pending, key);
    unwatch(self, request);
}

/* Removes and returns the request waiting for this id, or NULL. */
static zr_http_request_t *take(zr_http_server_t *self, uint64_t id)
{
    char key[24];
    pending_key(key, sizeof key, id);
    zr_http_request_t *request = zhashx_lookup(self->pending, key);
    if (request) {
        zhashx_delete(self->pending, key);
        unwatch(self, request);
    }
    return request;
}

/* The same for an answer from the owner: NULL (counted) if nobody waits (client gone, stray id). */
static zr_http_request_t *take_waiting(zr_http_server_t *self, uint64_t id)
{
    zr_http_request_t *request = take(self, id);
    if (!request) {
        zr_http_metrics_count_dropped(self->metrics);
        zr_info(self->log, "answer for request %llu dropped: nobody waits for it",
                (unsigned long long) id);
    }
    return request;
}

void zr_http_server_deliver_result(zr_http_server_t *self, zframe_t **frame,
                                   const zr_work_result_msg_t *result)
{
    zr_http_request_t *request = take_waiting(self, result->request_id);
    if (!request) {
        zframe_destroy(frame);
        return;
    }
    zr_http_request_set_result(request, frame);
    MHD_resume_connection(request->connection);
}

void zr_http_server_deliver_failure(zr_http_server_t *self, uint64_t id, int status,
                                    const char *reason)
{
    zr_http_request_t *request = take_waiting(self, id);
    if (!request)
        return;
    zr_http_request_set_failure(request, status >= 400 && status <= 599 ? status : 500, reason);
    MHD_resume_connection(request->connection);
}

int zr_http_server_watch_fd(const zr_http_server_t *self)
{
    return zr_http_watch_fd(self->watch);
}

/* Each waiting job whose client hung up: the owner hears GONE (it may drop the job), and the
 * connection is resumed only to be closed (routes: a GONE request ends it). */
void zr_http_server_clients_gone(zr_http_server_t *self)
{
    uint64_t id;
    while (zr_http_watch_next_gone(self->watch, &id)) {
        zr_http_request_t *request = take(self, id);
        if (!request)
            continue;
        request->state = ZR_HTTP_GONE;
        self->clients_gone++;
        zr_inproc_gone_send(self->pipe, id);
        zr_info(self->log, "request %llu: the client hung up while it waited", (unsigned long long) id);
        MHD_resume_connection(request->connection);
    }
}

void zr_http_server_set_owner_metrics(zr_http_server_t *self, const char *lines)
{
    free(self->owner_metrics);
    size_t length = strlen(lines);
    bool newline = length == 0 || lines[length - 1] == '\n';
    if (asprintf(&self->owner_metrics, "%s%s", lines, newline ? "" : "\n") < 0)
        abort();
}

/* A copy of text, or NULL if text is NULL or empty. */
static char *copy_unless_empty(const char *text)
{
    char *copy = text && *text ? strdup(text) : NULL;
    if (text && *text && !copy)
        abort();
    return copy;
}

void zr_http_server_set_page(zr_http_server_t *self, const char *path, unsigned status,
                             const char *plain, const char *plain_type, const char *json)
{
    zr_http_page_t *page = calloc(1, sizeof *page);
    if (!page)
        abort();
    page->status = status;
    page->plain = strdup(plain);
    page->plain_type = copy_unless_empty(plain_type);
    page->json = copy_unless_empty(json);
    if (!page->plain)
        abort();
    zhashx_update(self->pages, path, page);
}
