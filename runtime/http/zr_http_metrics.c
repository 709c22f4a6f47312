/* zr_http_metrics: counters owned by the HTTP front actor (single thread, no locks).
 * Rendered through the metrics catalog: HELP and TYPE lines, one sample per line. */
#include "runtime/http/zr_http_metrics.h"
#include "runtime/zr_metrics.h"
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

/* The front's own families through the catalog (runtime/zr_metrics_catalog.h), then the
 * owner's text: the process's families, rendered by the same catalog (no family in both). */
char *zr_http_metrics_render(const zr_http_metrics_t *self, size_t in_flight,
                             const char *owner_lines)
{
    zr_metrics_t *set = zr_metrics_new();
    for (unsigned status = STATUS_MIN; status <= STATUS_MAX; status++)
        if (self->responses[status - STATUS_MIN])
            zr_metrics_add_id(set, ZR_M_HTTP_RESPONSES, status, (double) self->responses[status - STATUS_MIN]);
    if (self->responses_other)
        zr_metrics_add(set, ZR_M_HTTP_RESPONSES, "other", (double) self->responses_other);
    zr_metrics_add(set, ZR_M_HTTP_IN_FLIGHT, NULL, (double) in_flight);
    zr_metrics_add(set, ZR_M_HTTP_BODY_IN, NULL, (double) self->request_bytes);
    zr_metrics_add(set, ZR_M_HTTP_BODY_OUT, NULL, (double) self->response_bytes);
    zr_metrics_add(set, ZR_M_HTTP_ABORTED, NULL, (double) self->aborted);
    zr_metrics_add(set, ZR_M_HTTP_RESULTS_DROPPED, NULL, (double) self->dropped);
    char *own = zr_metrics_render(set);
    zr_metrics_destroy(&set);
    if (!owner_lines || !*owner_lines)
        return own;
    char *text = NULL;
    if (asprintf(&text, "%s%s", own, owner_lines) < 0)
        abort();
    free(own);
    return text;
}
