/* test_http_harness: a fake owner for the HTTP front, and libcurl / raw-socket clients.
 * Header-only (like test_support.h) so each HTTP test program stays a single source file.
 *
 * The fake owner is an actor that owns the front and answers each JOB as its source says:
 *   "ok TEXT" 200 TEXT | "compile TEXT" / "runtime TEXT" / "limit TEXT" 400 TEXT
 *   "full" 200 "42" with stdout, stderr, worker 5, compile_ms 7, run_ms 3
 *   "fail N TEXT"  FAIL with status N
 *   "hold TEXT"    kept until `hold` jobs are held, then all answered (ok TEXT) in scrambled order
 *   "park TEXT"    kept and reported to the test as "PARKED"; answered on "RELEASE"
 *   anything else  200 with the source echoed back
 * Test -> fake: "HOLD" n | "RELEASE" (replies "RELEASED" after answering) | "METRICS" lines
 *               | "PAGE" path status plain json (passed on to the front)
 *               | "GONE" (replies how many GONE the front sent: clients that hung up). */
#ifndef TEST_HTTP_HARNESS_H
#define TEST_HTTP_HARNESS_H
#include "runtime/http/zr_http_front.h"
#include "runtime/zr_inproc.h"
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---------- the fake owner ---------- */

typedef struct {
    uint64_t id;
    char *text;
} fake_job_t;

typedef struct {
    zsock_t *pipe;
    zactor_t *front;
    zlistx_t *held;      /* fake_job_t, "hold" */
    zlistx_t *parked;    /* fake_job_t, "park" */
    size_t hold_target;
    size_t gone;         /* GONE messages from the front */
} fake_owner_t;

static inline void fake_job_destroy(void **item)
{
    fake_job_t *job = *item;
    free(job->text);
    free(job);
    *item = NULL;
}

static inline zlistx_t *fake_job_list(void)
{
    zlistx_t *list = zlistx_new();
    zlistx_set_destructor(list, fake_job_destroy);
    return list;
}

/* A result as a runner pool would send it: standalone (gateway 0, leader 0), worker 0. */
static inline zr_work_result_msg_t fake_result(uint64_t id, zr_job_status_t status, const char *text)
{
    return (zr_work_result_msg_t) { .request_id = id, .status = status,
                                    .http_status = (uint16_t) zr_job_status_http(status),
                                    .body = { text, strlen(text) } };
}

static inline void fake_answer(fake_owner_t *self, uint64_t id, zr_job_status_t status, const char *text)
{
    zr_work_result_msg_t result = fake_result(id, status, text);
    zr_inproc_result_send(self->front, &result);
}

static inline void fake_answer_full(fake_owner_t *self, uint64_t id)
{
    zr_work_result_msg_t result = fake_result(id, ZR_JOB_OK, "42");
    result.out = (zr_wire_bytes_t) { "out\n", 4 };
    result.err = (zr_wire_bytes_t) { "err\n", 4 };
    result.worker_id = 5;
    result.compile_ms = 7;
    result.run_ms = 3;
    zr_inproc_result_send(self->front, &result);
}

static inline void fake_keep(zlistx_t *list, uint64_t id, const char *text)
{
    fake_job_t *job = calloc(1, sizeof *job);
    job->id = id;
    job->text = strdup(text);
    zlistx_add_end(list, job);
}

/* Answers every job in the list: odd positions from the back, then even ones from the front. */
static inline void fake_answer_scrambled(fake_owner_t *self, zlistx_t *list)
{
    size_t count = zlistx_size(list), position = 0;
    fake_job_t **jobs = calloc(count ? count : 1, sizeof *jobs);
    for (fake_job_t *job = zlistx_first(list); job; job = zlistx_next(list))
        jobs[position++] = job;
    for (size_t i = count; i-- > 0; )
        if (i % 2)
            fake_answer(self, jobs[i]->id, ZR_JOB_OK, jobs[i]->text);
    for (size_t i = 0; i < count; i++)
        if (!(i % 2))
            fake_answer(self, jobs[i]->id, ZR_JOB_OK, jobs[i]->text);
    free(jobs);
    zlistx_purge(list);
}

static inline bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

static inline void fake_on_job(fake_owner_t *self, uint64_t id, const char *source)
{
    const char *rest = strchr(source, ' ') ? strchr(source, ' ') + 1 : "";
    if (starts_with(source, "ok "))
        fake_answer(self, id, ZR_JOB_OK, rest);
    else if (starts_with(source, "compile "))
        fake_answer(self, id, ZR_JOB_COMPILE_ERROR, rest);
    else if (starts_with(source, "runtime "))
        fake_answer(self, id, ZR_JOB_RUNTIME_ERROR, rest);
    else if (starts_with(source, "limit "))
        fake_answer(self, id, ZR_JOB_LIMIT, rest);
    else if (strcmp(source, "full") == 0)
        fake_answer_full(self, id);
    else if (starts_with(source, "fail ")) {
        const char *reason = strchr(rest, ' ') ? strchr(rest, ' ') + 1 : "";
        zr_inproc_fail_send(self->front, id, atoi(rest), reason);
    }
    else if (starts_with(source, "hold ")) {
        fake_keep(self->held, id, rest);
        if (zlistx_size(self->held) >= self->hold_target)
            fake_answer_scrambled(self, self->held);
    }
    else if (starts_with(source, "park ")) {
        fake_keep(self->parked, id, rest);
        zstr_send(self->pipe, "PARKED");
    }
    else
        fake_answer(self, id, ZR_JOB_OK, source);
}

static inline void fake_on_front(fake_owner_t *self)
{
    zr_reply_t reply;
    zr_reply_kind_t kind = zr_inproc_reply_recv(self->front, &reply);
    if (kind == ZR_REPLY_JOB) {
        char *text = zframe_strdup(reply.frame);
        fake_on_job(self, reply.job_id, text);
        free(text);
    }
    self->gone += kind == ZR_REPLY_GONE;
    zr_inproc_reply_fini(&reply);
}

/* Returns false on $TERM. */
static inline bool fake_on_test(fake_owner_t *self)
{
    char *command = NULL, *argument = NULL;
    zmsg_t *msg = zmsg_recv(self->pipe);
    command = zmsg_popstr(msg);
    argument = zmsg_popstr(msg);
    bool go_on = command && !streq(command, "$TERM");
    if (go_on && streq(command, "HOLD"))
        self->hold_target = (size_t) atoi(argument);
    else if (go_on && streq(command, "RELEASE")) {
        fake_answer_scrambled(self, self->parked);
        zstr_send(self->pipe, "RELEASED");
    }
    else if (go_on && streq(command, "METRICS"))
        zr_inproc_send_metrics(self->front, argument);
    else if (go_on && streq(command, "PAGE")) {
        char *status = zmsg_popstr(msg), *plain = zmsg_popstr(msg), *json = zmsg_popstr(msg);
        zr_inproc_page_send(self->front, argument, atoi(status), plain, json);
        free(status);
        free(plain);
        free(json);
    }
    else if (go_on && streq(command, "GONE"))
        zstr_sendf(self->pipe, "%zu", self->gone);
    if (go_on && !streq(command, "RELEASE") && !streq(command, "GONE"))
        zsock_signal(self->pipe, 0);
    free(command);
    free(argument);
    zmsg_destroy(&msg);
    return go_on;
}

static inline void fake_owner_actor(zsock_t *pipe, void *args)
{
    char *error = NULL;
    int port = -1;
    fake_owner_t self = { .pipe = pipe, .held = fake_job_list(), .parked = fake_job_list(),
                          .hold_target = 1 };
    self.front = zr_http_front_new(args, &port, &error);
    zsock_signal(pipe, 0);
    zsock_send(pipe, "is", self.front ? port : -1, error ? error : "");
    free(error);
    zpoller_t *poller = zpoller_new(pipe, self.front, NULL);
    while (self.front) {
        void *which = zpoller_wait(poller, -1);
        if (which == self.front)
            fake_on_front(&self);
        else if (which != pipe || !fake_on_test(&self))
            break;
    }
    zpoller_destroy(&poller);
    zactor_destroy(&self.front);
    zlistx_destroy(&self.held);
    zlistx_destroy(&self.parked);
}

/* Starts a fake owner whose front listens on a free port of 127.0.0.1. */
static inline zactor_t *fake_owner_start(zr_http_front_config_t *config, int *port)
{
    config->port = 0;
    config->bind_address = "127.0.0.1";
    zactor_t *owner = zactor_new(fake_owner_actor, config);
    char *error = NULL;
    if (zsock_recv(owner, "is", port, &error) != 0 || *port <= 0) {
        fprintf(stderr, "front did not start: %s\n", error ? error : "?");
        abort();
    }
    free(error);
    return owner;
}

static inline void fake_owner_command(zactor_t *owner, const char *command, const char *argument)
{
    zstr_sendx(owner, command, argument, NULL);
    zsock_wait(owner);
}

/* ---------- libcurl client ---------- */

typedef struct {
    CURLcode code;
    long status;
    char *body;
    size_t body_len;
    char request_id[64];
    char allow[64];
    char content_type[128];
    char retry_after[16];
    char www_authenticate[64];
    struct curl_slist *headers;   /* request headers, freed with the reply */
    char *upload;                 /* chunked upload source, if any */
    size_t upload_len, upload_sent;
} http_reply_t;

static inline size_t http_collect_body(char *data, size_t size, size_t count, void *arg)
{
    http_reply_t *reply = arg;
    size_t length = size * count;
    reply->body = realloc(reply->body, reply->body_len + length + 1);
    memcpy(reply->body + reply->body_len, data, length);
    reply->body_len += length;
    reply->body[reply->body_len] = 0;
    return length;
}

static inline void http_copy_header(const char *line, size_t length, const char *name, char *out, size_t size)
{
    size_t name_len = strlen(name);
    if (length <= name_len + 1 || strncasecmp(line, name, name_len) != 0 || line[name_len] != ':')
        return;
    const char *value = line + name_len + 1;
    while (*value == ' ')
        value++;
    size_t value_len = length - (size_t) (value - line);
    while (value_len && (value[value_len - 1] == '\r' || value[value_len - 1] == '\n'))
        value_len--;
    snprintf(out, size, "%.*s", (int) value_len, value);
}

static inline size_t http_collect_header(char *line, size_t size, size_t count, void *arg)
{
    http_reply_t *reply = arg;
    size_t length = size * count;
    http_copy_header(line, length, "X-Request-Id", reply->request_id, sizeof reply->request_id);
    http_copy_header(line, length, "Allow", reply->allow, sizeof reply->allow);
    http_copy_header(line, length, "Content-Type", reply->content_type, sizeof reply->content_type);
    http_copy_header(line, length, "Retry-After", reply->retry_after, sizeof reply->retry_after);
    http_copy_header(line, length, "WWW-Authenticate", reply->www_authenticate, sizeof reply->www_authenticate);
    return length;
}

static inline size_t http_chunked_source(char *buffer, size_t size, size_t count, void *arg)
{
    http_reply_t *reply = arg;
    size_t left = reply->upload_len - reply->upload_sent, room = size * count;
    size_t length = left < room ? left : room;
    memcpy(buffer, reply->upload + reply->upload_sent, length);
    reply->upload_sent += length;
    return length;
}

/* An easy handle for one request; extra_header may be NULL. chunked: no Content-Length. */
static inline CURL *http_easy(int port, const char *method, const char *path, const char *content_type,
                       const char *extra_header, const char *body, size_t body_len, bool chunked,
                       http_reply_t *reply)
{
    memset(reply, 0, sizeof *reply);
    char url[256], header[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, http_collect_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, reply);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, http_collect_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, reply);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT, 60L);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    if (content_type) {
        snprintf(header, sizeof header, "Content-Type: %s", content_type);
        reply->headers = curl_slist_append(reply->headers, header);
    }
    if (extra_header)
        reply->headers = curl_slist_append(reply->headers, extra_header);
    if (body && chunked) {
        reply->upload = malloc(body_len);
        memcpy(reply->upload, body, body_len);
        reply->upload_len = body_len;
        reply->headers = curl_slist_append(reply->headers, "Transfer-Encoding: chunked");
        curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(easy, CURLOPT_READFUNCTION, http_chunked_source);
        curl_easy_setopt(easy, CURLOPT_READDATA, reply);
    }
    else if (body) {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) body_len);
        curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, body);
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, reply->headers);
    return easy;
}

static inline void http_finish(CURL *easy, http_reply_t *reply, CURLcode code)
{
    reply->code = code;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &reply->status);
    if (!reply->body)
        reply->body = calloc(1, 1);
    curl_easy_cleanup(easy);
}

static inline void http_request(int port, const char *method, const char *path, const char *content_type,
                         const char *extra_header, const char *body, size_t body_len, bool chunked,
                         http_reply_t *reply)
{
    CURL *easy = http_easy(port, method, path, content_type, extra_header, body, body_len,
                           chunked, reply);
    http_finish(easy, reply, curl_easy_perform(easy));
}

static inline void http_get(int port, const char *path, http_reply_t *reply)
{
    http_request(port, "GET", path, NULL, NULL, NULL, 0, false, reply);
}

/* POSTs a job; json adds Accept: application/json. */
static inline void http_job(int port, const char *source, bool json, http_reply_t *reply)
{
    http_request(port, "POST", "/compileandrun", "text/x-java-source",
                 json ? "Accept: application/json" : NULL, source, strlen(source), false, reply);
}

static inline void http_reply_free(http_reply_t *reply)
{
    free(reply->body);
    free(reply->upload);
    curl_slist_free_all(reply->headers);
    memset(reply, 0, sizeof *reply);
}

/* ---------- raw TCP, for what curl will not send ---------- */

static inline int raw_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                                   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (fd < 0 || connect(fd, (struct sockaddr *) &address, sizeof address) != 0)
        abort();
    return fd;
}

/* Sends what the peer takes; a peer that closes early is not an error here. */
static inline void raw_send(int fd, const void *data, size_t length)
{
    for (size_t sent = 0; sent < length; ) {
        ssize_t n = send(fd, (const char *) data + sent, length - sent, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        sent += (size_t) n;
    }
}

/* Reads until the peer closes or deadline_ms passes; returns the bytes kept (NUL-terminated). */
static inline size_t raw_read_all(int fd, char *buffer, size_t size, int deadline_ms)
{
    size_t used = 0;
    int64_t deadline = zclock_mono() + deadline_ms;
    while (zclock_mono() < deadline) {
        struct pollfd item = { .fd = fd, .events = POLLIN };
        if (poll(&item, 1, (int) (deadline - zclock_mono())) <= 0)
            break;
        char scratch[4096];
        ssize_t n = recv(fd, scratch, sizeof scratch, 0);
        if (n <= 0)
            break;
        size_t keep = (size_t) n < size - 1 - used ? (size_t) n : size - 1 - used;
        memcpy(buffer + used, scratch, keep);
        used += keep;
    }
    buffer[used] = 0;
    return used;
}

#endif
