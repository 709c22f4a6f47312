/* zr_http_routes: maps method and path to an answer; every response carries X-Request-Id.
 * Jobs are checked early (method, Content-Type, Content-Length), streamed in bounded, then suspended. */
#include "runtime/http/zr_http_routes.h"
#include "runtime/http/zr_http_guard.h"
#include "runtime/http/zr_http_headers.h"
#include "runtime/http/zr_http_response.h"
#include "runtime/http/zr_http_server.h"
#include <stdio.h>
#include <string.h>

#define JAVA_SOURCE "text/x-java-source"
#define ALLOW_JOB "POST"
#define ALLOW_INFO "GET, HEAD"
#define ZR_HTTP_DRAIN_MAX (16u * 1024 * 1024)   /* body bytes read and dropped past the limit */

static const char *header(struct MHD_Connection *connection, const char *name)
{
    return MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
}

/* Queues the response (adding X-Request-Id and, if given, Allow), counts it, releases it. */
static enum MHD_Result queue(zr_http_server_t *server, zr_http_request_t *request,
                             unsigned status, struct MHD_Response *response, uint64_t body_bytes,
                             const char *allow)
{
    char id[24];
    snprintf(id, sizeof id, "%llu", (unsigned long long) request->id);
    MHD_add_response_header(response, "X-Request-Id", id);
    if (allow)
        MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, allow);
    enum MHD_Result queued = MHD_queue_response(request->connection, status, response);
    MHD_destroy_response(response);
    if (queued == MHD_YES) {
        request->state = ZR_HTTP_REPLIED;
        zr_http_metrics_count_response(server->metrics, status, body_bytes);
    }
    if (queued == MHD_YES)
        zr_debug(server->log, "request %llu: %u", (unsigned long long) request->id, status);
    else
        zr_warn(server->log, "request %llu: could not queue its %u response",
                (unsigned long long) request->id, status);
    return queued;
}

static enum MHD_Result reply_text(zr_http_server_t *server, zr_http_request_t *request,
                                  unsigned status, const char *text, size_t length, const char *allow)
{
    return queue(server, request, status, zr_http_response_text(text, length), length, allow);
}

static enum MHD_Result reply_json(zr_http_server_t *server, zr_http_request_t *request,
                                  unsigned status, char *json)
{
    size_t length = strlen(json);
    return queue(server, request, status, zr_http_response_json(json), length, NULL);
}

/* A one-line reason, or its JSON form if asked for; *length gets the body's size. */
static struct MHD_Response *reason_response(const zr_http_request_t *request, unsigned status,
                                            const char *reason, size_t *length)
{
    if (!request->want_json) {
        *length = strlen(reason);
        return zr_http_response_text(reason, *length);
    }
    char *json = zr_http_error_json(request->id, status >= 500 ? "UNAVAILABLE" : "REJECTED", reason);
    *length = strlen(json);
    return zr_http_response_json(json);
}

/* An answer that is not a job result: a one-line reason, or its JSON form if asked for. */
static enum MHD_Result reply_reason(zr_http_server_t *server, zr_http_request_t *request,
                                    unsigned status, const char *reason, const char *allow)
{
    size_t length;
    struct MHD_Response *response = reason_response(request, status, reason, &length);
    return queue(server, request, status, response, length, allow);
}

/* The door's refusals (401, 429, 503): a reason and the header that tells what to do. */
static enum MHD_Result reply_refusal(zr_http_server_t *server, zr_http_request_t *request,
                                     unsigned status, const char *reason, const char *header,
                                     const char *value)
{
    size_t length;
    struct MHD_Response *response = reason_response(request, status, reason, &length);
    MHD_add_response_header(response, header, value);
    return queue(server, request, status, response, length, NULL);
}

static enum MHD_Result reply_too_large(zr_http_server_t *server, zr_http_request_t *request)
{
    char reason[128];
    snprintf(reason, sizeof reason, "request body larger than the limit of %zu bytes",
             server->config.body_limit);
    return reply_reason(server, request, MHD_HTTP_CONTENT_TOO_LARGE, reason, NULL);
}

/* The owner's answer to a job, once its connection has been resumed. */
static enum MHD_Result reply_answer(zr_http_server_t *server, zr_http_request_t *request)
{
    zr_work_result_msg_t result;
    if (!request->result)
        return reply_reason(server, request, (unsigned) request->fail_status, request->fail_reason, NULL);
    if (zr_work_result_msg_decode(zframe_data(request->result), zframe_size(request->result),
                                  &result) != ZR_DECODE_OK)
        return reply_reason(server, request, MHD_HTTP_INTERNAL_SERVER_ERROR, "malformed result", NULL);
    if (request->want_json)
        return reply_json(server, request, result.http_status, zr_http_result_json(request->id, &result));
    return reply_text(server, request, result.http_status, result.body.data, result.body.size, NULL);
}

/* The door for a job that passed every other check: a slot, or 429/503 (sent once the body is in). */
static enum MHD_Result check_door(zr_http_server_t *server, zr_http_request_t *request)
{
    zr_door_verdict_t verdict = zr_http_door_admit(server->door, request->client);
    if (verdict == ZR_DOOR_ADMIT) {
        request->admitted = true;
        return MHD_YES;   /* wait for the body */
    }
    const zr_http_door_config_t *limits = zr_http_door_config(server->door);
    char reason[160];
    if (verdict == ZR_DOOR_CLIENT_BUSY)
        snprintf(reason, sizeof reason, "too many requests: %s has %d jobs in flight already; retry later",
                 request->client, limits->max_in_flight_per_client);
    else
        snprintf(reason, sizeof reason, "the queue is full (%d jobs); retry later", limits->max_pending);
    zr_http_request_refuse(request, verdict == ZR_DOOR_CLIENT_BUSY ? 429 : MHD_HTTP_SERVICE_UNAVAILABLE, reason);
    return MHD_YES;
}

/* A REFUSED request, its body read: 401 says how to authenticate, 429 and 503 when to retry. */
static enum MHD_Result reply_refused(zr_http_server_t *server, zr_http_request_t *request)
{
    char retry[16];
    snprintf(retry, sizeof retry, "%d", zr_http_door_config(server->door)->retry_after_s);
    bool unauthorized = request->fail_status == MHD_HTTP_UNAUTHORIZED;
    return reply_refusal(server, request, (unsigned) request->fail_status, request->fail_reason,
                         unauthorized ? MHD_HTTP_HEADER_WWW_AUTHENTICATE : MHD_HTTP_HEADER_RETRY_AFTER,
                         unauthorized ? "Bearer realm=\"zrun\"" : retry);
}

/* POST /compileandrun before its body: reject what can be rejected from the headers alone. */
static enum MHD_Result check_job_headers(zr_http_server_t *server, zr_http_request_t *request,
                                         const char *method)
{
    zr_token_verdict_t token = server->config.tokens
        ? zr_http_tokens_check(server->config.tokens, header(request->connection, MHD_HTTP_HEADER_AUTHORIZATION))
        : ZR_TOKEN_OK;
    if (token != ZR_TOKEN_OK) {
        zr_http_request_refuse(request, MHD_HTTP_UNAUTHORIZED, zr_token_verdict_reason(token));
        return MHD_YES;   /* 401 once the body is in */
    }
    if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
        return reply_reason(server, request, MHD_HTTP_METHOD_NOT_ALLOWED,
                            "method not allowed: use POST", ALLOW_JOB);
    if (!zr_http_media_type_is(header(request->connection, MHD_HTTP_HEADER_CONTENT_TYPE), JAVA_SOURCE))
        return reply_reason(server, request, MHD_HTTP_BAD_REQUEST,
                            "Content-Type must be " JAVA_SOURCE, NULL);
    uint64_t length;
    if (zr_http_content_length(header(request->connection, MHD_HTTP_HEADER_CONTENT_LENGTH), &length) == 0
        && length > server->config.body_limit)
        return reply_too_large(server, request);
    return check_door(server, request);
}

static enum MHD_Result reply_metrics(zr_http_server_t *server, zr_http_request_t *request)
{
    char *lines = NULL;
    size_t lines_size = 0;
    FILE *out = open_memstream(&lines, &lines_size);
    zr_http_guard_metrics(server, out);
    fputs(server->owner_metrics ? server->owner_metrics : "", out);
    fclose(out);
    char *text = zr_http_metrics_render(server->metrics, zhashx_size(server->pending), lines);
    free(lines);
    size_t length = strlen(text);
    return queue(server, request, MHD_HTTP_OK, zr_http_response_metrics(text), length, NULL);
}

static enum MHD_Result reply_log(zr_http_server_t *server, zr_http_request_t *request,
                                 const char *path, const char *which)
{
    uint64_t size = 0;
    struct MHD_Response *response = zr_http_response_file(path, &size);
    if (response)
        return queue(server, request, MHD_HTTP_OK, response, size, NULL);
    char reason[64];
    snprintf(reason, sizeof reason, "no %s log on this node", which);
    return reply_reason(server, request, MHD_HTTP_NOT_FOUND, reason, NULL);
}

static bool is_read_method(const char *method)
{
    return strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
}

/* The read-only paths; returns -1 (as an MHD_Result it cannot be) if url is none of them. */
static int route_info(zr_http_server_t *server, zr_http_request_t *request, const char *url,
                      const char *method)
{
    bool healthz = strcmp(url, "/healthz") == 0, metrics = strcmp(url, "/metrics") == 0;
    bool summary = strcmp(url, "/logs/summary") == 0, verbose = strcmp(url, "/logs/verbose") == 0;
    if (!healthz && !metrics && !summary && !verbose)
        return -1;
    if (!is_read_method(method))
        return reply_reason(server, request, MHD_HTTP_METHOD_NOT_ALLOWED,
                            "method not allowed: use GET", ALLOW_INFO);
    if (healthz)
        return reply_text(server, request, MHD_HTTP_OK, "ok", 2, NULL);
    if (metrics)
        return reply_metrics(server, request);
    return summary ? reply_log(server, request, server->config.summary_log, "summary")
                   : reply_log(server, request, server->config.verbose_log, "verbose");
}

static enum MHD_Result reply_page(zr_http_server_t *server, zr_http_request_t *request,
                                  const zr_http_page_t *page, const char *method)
{
    if (!is_read_method(method))
        return reply_reason(server, request, MHD_HTTP_METHOD_NOT_ALLOWED,
                            "method not allowed: use GET", ALLOW_INFO);
    if (request->want_json && page->json)
        return reply_json(server, request, page->status, strdup(page->json));
    size_t length = strlen(page->plain);
    return queue(server, request, page->status,
                 zr_http_response_typed(page->plain, length, page->plain_type), length, NULL);
}

/* First call for a request: only the headers are known. */
static enum MHD_Result route(zr_http_server_t *server, zr_http_request_t *request,
                             const char *url, const char *method)
{
    zr_debug(server->log, "request %llu: %s %s", (unsigned long long) request->id, method, url);
    if (strcmp(url, "/compileandrun") == 0)
        return check_job_headers(server, request, method);
    int answered = route_info(server, request, url, method);
    if (answered >= 0)
        return (enum MHD_Result) answered;
    zr_http_page_t *page = zhashx_lookup(server->pages, url);
    if (page)
        return reply_page(server, request, page, method);
    return reply_reason(server, request, MHD_HTTP_NOT_FOUND,
                        "not found: the paths are /compileandrun, /healthz, /metrics, /logs/summary, /logs/verbose",
                        NULL);
}

/* A piece of the job's body. Past the limit nothing more is kept; since MHD (0.9.75) cannot
 * queue a response before the body ends, a bounded excess is drained so the client still gets
 * its 413, and a connection that sends more than that is closed. */
static enum MHD_Result receive(zr_http_server_t *server, zr_http_request_t *request,
                               const char *data, size_t *size)
{
    zr_http_metrics_count_request_bytes(server->metrics, *size);
    request->received += *size;
    if (request->state == ZR_HTTP_RECEIVING)
        zr_http_request_append(request, data, *size);
    *size = 0;
    return request->received - request->body_len > ZR_HTTP_DRAIN_MAX ? MHD_NO : MHD_YES;
}

enum MHD_Result zr_http_routes_access(void *cls, struct MHD_Connection *connection,
                                      const char *url, const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **request_p)
{
    zr_http_server_t *server = cls;
    zr_http_request_t *request = *request_p;
    if (!request) {
        request = zr_http_request_new(connection, server->config.body_limit);
        request->want_json = zr_http_accepts(header(connection, MHD_HTTP_HEADER_ACCEPT), "application/json");
        *request_p = request;
        zr_door_conn_t *conn = zr_http_guard_conn(connection);
        if (conn) {   /* its headers came in time */
            zr_http_door_headers_done(server->door, conn);
            snprintf(request->client, sizeof request->client, "%s", zr_door_conn_client(conn));
        }
        return route(server, request, url, method);
    }
    if (request->state == ZR_HTTP_GONE)
        return MHD_NO;   /* its client hung up while it waited: close the connection */
    if (*upload_data_size)
        return receive(server, request, upload_data, upload_data_size);
    if (request->state == ZR_HTTP_ANSWERED)
        return reply_answer(server, request);
    if (request->state == ZR_HTTP_REFUSED)
        return reply_refused(server, request);
    if (request->state != ZR_HTTP_RECEIVING)
        return MHD_YES;
    if (request->too_large)
        return reply_too_large(server, request);
    zr_http_server_submit(server, request);
    return MHD_YES;
}

void zr_http_routes_completed(void *cls, struct MHD_Connection *connection, void **request_p,
                              enum MHD_RequestTerminationCode how)
{
    zr_http_server_t *server = cls;
    zr_http_request_t *request = *request_p;
    if (!request)
        return;
    if (request->state == ZR_HTTP_WAITING)
        zr_http_server_forget(server, request);
    if (request->admitted)
        zr_http_door_release(server->door, request->client);
    zr_door_conn_t *conn = zr_http_guard_conn(connection);
    if (conn)   /* keep-alive: the next request's headers are due from now */
        zr_http_door_request_done(server->door, conn, zr_clock_now_ms(&server->clock));
    if (how != MHD_REQUEST_TERMINATED_COMPLETED_OK) {
        zr_http_metrics_count_aborted(server->metrics);
        zr_info(server->log, "request %llu: connection ended before the response was sent (%d)",
                (unsigned long long) request->id, (int) how);
    }
    zr_http_request_destroy(&request);
    *request_p = NULL;
}
