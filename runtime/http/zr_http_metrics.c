/* zr_http_metrics: counters owned by the HTTP front actor (single thread, no locks).
 * Rendering follows the Prometheus text format: HELP and TYPE lines, one sample per line. */
#include "runtime/http/zr_http_metrics.h"
#include <stdio.h>
#include <stdlib.h>

#define STATUS_MIN 100
#define STATUS_MAX 599

struct zr_http_metrics {
    uint64_t responses[STATUS_MAX - STATUS_MIN + 1];
    uint64_t responses_other;     /* statuses outside 100..599 (should not happen) */
    uint64_t request_bytes;
    uint64_t response_bytes;
    uint64_t aborted;
    uint64_t dropped;
};

zr_http_metrics_t *zr_http_metrics_new(void)
{
    zr_http_metrics_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    return self;
}

void zr_http_metrics_destroy(zr_http_metrics_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

void zr_http_metrics_count_response(zr_http_metrics_t *self, unsigned status, uint64_t body_bytes)
{
    if (status >= STATUS_MIN && status <= STATUS_MAX)
        self->responses[status - STATUS_MIN]++;
    else
        self->responses_other++;
    self->response_bytes += body_bytes;
}

void zr_http_metrics_count_request_bytes(zr_http_metrics_t *self, uint64_t bytes)
{
    self->request_bytes += bytes;
}

void zr_http_metrics_count_aborted(zr_http_metrics_t *self) { self->aborted++; }
void zr_http_metrics_count_dropped(zr_http_metrics_t *self) { self->dropped++; }

uint64_t zr_http_metrics_responses(const zr_http_metrics_t *self, unsigned status)
{
    return status >= STATUS_MIN && status <= STATUS_MAX ? self->responses[status - STATUS_MIN] : 0;
}

static void render_header(FILE *out, const char *name, const char *type, const char *help)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void render_single(FILE *out, const char *name, const char *type, const char *help,
                          uint64_t value)
{
    render_header(out, name, type, help);
    fprintf(out, "%s %llu\n", name, (unsigned long long) value);
}

static void render_responses(FILE *out, const zr_http_metrics_t *self)
{
    render_header(out, "zrun_http_responses_total", "counter", "HTTP responses sent, by status code.");
    for (unsigned status = STATUS_MIN; status <= STATUS_MAX; status++)
        if (self->responses[status - STATUS_MIN])
            fprintf(out, "zrun_http_responses_total{code=\"%u\"} %llu\n", status,
                    (unsigned long long) self->responses[status - STATUS_MIN]);
    if (self->responses_other)
        fprintf(out, "zrun_http_responses_total{code=\"other\"} %llu\n",
                (unsigned long long) self->responses_other);
}

char *zr_http_metrics_render(const zr_http_metrics_t *self, size_t in_flight,
                             const char *owner_lines)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    if (!out)
        abort();
    render_responses(out, self);
    render_single(out, "zrun_http_requests_in_flight", "gauge",
                  "Jobs accepted and waiting for their result.", in_flight);
    render_single(out, "zrun_http_request_body_bytes_total", "counter",
                  "Request body bytes received.", self->request_bytes);
    render_single(out, "zrun_http_response_body_bytes_total", "counter",
                  "Response body bytes queued.", self->response_bytes);
    render_single(out, "zrun_http_connections_aborted_total", "counter",
                  "Requests whose connection ended before the response was sent.", self->aborted);
    render_single(out, "zrun_http_results_dropped_total", "counter",
                  "Job results that arrived for a request no longer waiting.", self->dropped);
    if (owner_lines)
        fputs(owner_lines, out);
    fclose(out);
    return text;
}
