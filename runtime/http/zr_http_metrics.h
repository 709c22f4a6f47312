/* zr_http_metrics: the HTTP front's counters and their Prometheus text exposition.
 * Counts responses by status, bytes in and out, aborted connections; the owner adds its own lines. */
#ifndef ZR_HTTP_METRICS_H
#define ZR_HTTP_METRICS_H
#include <stddef.h>
#include <stdint.h>

typedef struct zr_http_metrics zr_http_metrics_t;

zr_http_metrics_t *zr_http_metrics_new(void);
void zr_http_metrics_destroy(zr_http_metrics_t **self_p);

/* One response queued with this HTTP status and body size. */
void zr_http_metrics_count_response(zr_http_metrics_t *self, unsigned status, uint64_t body_bytes);
/* Request body bytes received. */
void zr_http_metrics_count_request_bytes(zr_http_metrics_t *self, uint64_t bytes);
/* A connection that ended before its response was fully sent. */
void zr_http_metrics_count_aborted(zr_http_metrics_t *self);
/* A job result (or failure) whose client had already gone. */
void zr_http_metrics_count_dropped(zr_http_metrics_t *self);

uint64_t zr_http_metrics_responses(const zr_http_metrics_t *self, unsigned status);

/* Renders the exposition text: this front's metrics, in_flight as a gauge, then owner_lines
 * (already in exposition format, may be NULL) verbatim. The caller frees the text. */
char *zr_http_metrics_render(const zr_http_metrics_t *self, size_t in_flight,
                             const char *owner_lines);

#endif
