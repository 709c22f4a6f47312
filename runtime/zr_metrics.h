/* zr_metrics: a set of metric samples named by catalog id (zr_metrics_catalog.h): built by each
 * actor for STATS, merged by the process, rendered once as Prometheus text. Pure. */
#ifndef ZR_METRICS_H
#define ZR_METRICS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "runtime/zr_histogram.h"
#include "runtime/zr_metrics_catalog.h"

#define ZR_METRIC_LABEL_MAX 48   /* label values are cut to this (with the NUL) */

typedef struct zr_metrics zr_metrics_t;

zr_metrics_t *zr_metrics_new(void);
void zr_metrics_destroy(zr_metrics_t **self_p);

/* One sample. label is the value of the family's label (NULL for a family without one); a
 * sample whose label does not fit its family is refused and counted. Adding a sample that is
 * already there adds the values (so merged sets sum, and a counter may be fed in parts). */
void zr_metrics_add(zr_metrics_t *self, zr_metric_id_t id, const char *label, double value);
/* The same with a numeric label value (a worker id, a peer id). */
void zr_metrics_add_id(zr_metrics_t *self, zr_metric_id_t id, int64_t label, double value);
/* A histogram family's buckets, sum and count (label as above). */
void zr_metrics_histogram(zr_metrics_t *self, zr_metric_id_t id, const char *label,
                          const zr_histogram_t *histogram);
/* Adds every sample of from to self. */
void zr_metrics_merge(zr_metrics_t *self, const zr_metrics_t *from);

/* Reading back (for /node): the value of one sample; false if it is not there. */
bool zr_metrics_get(const zr_metrics_t *self, zr_metric_id_t id, const char *label, double *value);
/* The sum over every label value of a counter or gauge family; false if it has no sample. */
bool zr_metrics_sum(const zr_metrics_t *self, zr_metric_id_t id, double *value);
/* The label value of the sample of id whose value is `value` (the state set to 1); or NULL. */
const char *zr_metrics_label_with(const zr_metrics_t *self, zr_metric_id_t id, double value);
/* A histogram family rebuilt from its samples; false if it has none. */
bool zr_metrics_get_histogram(const zr_metrics_t *self, zr_metric_id_t id, const char *label,
                              zr_histogram_t *out);
size_t zr_metrics_size(const zr_metrics_t *self);
uint64_t zr_metrics_refused(const zr_metrics_t *self);

/* The Prometheus text exposition: for each family with samples, in catalog order, its HELP
 * and TYPE lines and then all its samples. The caller frees the text. */
char *zr_metrics_render(const zr_metrics_t *self);

/* A flat byte form to hand a set to another actor of the same process (native layout).
 * decode: NULL if the bytes are not a whole number of valid samples. */
void *zr_metrics_encode(const zr_metrics_t *self, size_t *size);
zr_metrics_t *zr_metrics_decode(const void *data, size_t size);

#endif
