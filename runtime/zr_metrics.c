/* zr_metrics: samples in an array (a few hundred at most), summed on duplicate add, sorted by
 * catalog order at render time so every family is contiguous with its HELP and TYPE. */
#include "runtime/zr_metrics.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { PART_VALUE, PART_BUCKET, PART_SUM, PART_COUNT } part_t;

typedef struct {
    uint16_t id;
    uint8_t part;
    uint8_t has_label;
    char label[ZR_METRIC_LABEL_MAX];
    double le;            /* PART_BUCKET: the upper bound (INFINITY: +Inf) */
    double value;
} sample_t;

struct zr_metrics {
    sample_t *samples;
    size_t count, capacity;
    uint64_t refused;
};

static const zr_metric_def_t catalog[ZR_METRICS_COUNT] = {
#define ZR_METRIC_DEF(id, name, type, label, help) { name, ZR_METRIC_##type, label, help },
    ZR_METRICS_CATALOG(ZR_METRIC_DEF)
#undef ZR_METRIC_DEF
};

const zr_metric_def_t *zr_metric_def(zr_metric_id_t id)
{
    return (unsigned) id < ZR_METRICS_COUNT ? &catalog[id] : NULL;
}

zr_metrics_t *zr_metrics_new(void)
{
    zr_metrics_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    return self;
}

void zr_metrics_destroy(zr_metrics_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->samples);
    free(*self_p);
    *self_p = NULL;
}

static bool same_series(const sample_t *a, const sample_t *b)
{
    return a->id == b->id && a->part == b->part && a->has_label == b->has_label
        && (!a->has_label || strcmp(a->label, b->label) == 0)
        && (a->part != PART_BUCKET || a->le == b->le);
}

static void put(zr_metrics_t *self, const sample_t *sample)
{
    for (size_t i = 0; i < self->count; i++)
        if (same_series(&self->samples[i], sample)) {
            self->samples[i].value += sample->value;
            return;
        }
    if (self->count == self->capacity) {
        self->capacity = self->capacity ? 2 * self->capacity : 64;
        self->samples = realloc(self->samples, self->capacity * sizeof *self->samples);
        if (!self->samples)
            abort();
    }
    self->samples[self->count++] = *sample;
}

/* A sample of id with the label filled in; false (counted) if the label does not fit the family. */
static bool make(zr_metrics_t *self, zr_metric_id_t id, const char *label, part_t part, sample_t *out)
{
    const zr_metric_def_t *def = zr_metric_def(id);
    bool histogram_part = part != PART_VALUE;
    if (!def || (def->label == NULL) != (label == NULL)
        || histogram_part != (def->type == ZR_METRIC_HISTOGRAM)) {
        self->refused++;
        return false;
    }
    memset(out, 0, sizeof *out);   /* padding too: the set travels as bytes */
    out->id = (uint16_t) id;
    out->part = (uint8_t) part;
    out->has_label = label != NULL;
    if (label)
        snprintf(out->label, sizeof out->label, "%s", label);
    return true;
}

void zr_metrics_add(zr_metrics_t *self, zr_metric_id_t id, const char *label, double value)
{
    sample_t sample;
    if (make(self, id, label, PART_VALUE, &sample)) {
        sample.value = value;
        put(self, &sample);
    }
}

void zr_metrics_add_id(zr_metrics_t *self, zr_metric_id_t id, int64_t label, double value)
{
    char text[24];
    snprintf(text, sizeof text, "%" PRId64, label);
    zr_metrics_add(self, id, text, value);
}

static void add_part(zr_metrics_t *self, const sample_t *base, part_t part, double le, double value)
{
    sample_t sample = *base;
    sample.part = (uint8_t) part;
    sample.le = le;
    sample.value = value;
    put(self, &sample);
}

void zr_metrics_histogram(zr_metrics_t *self, zr_metric_id_t id, const char *label,
                          const zr_histogram_t *histogram)
{
    sample_t base;
    if (!make(self, id, label, PART_BUCKET, &base))
        return;
    for (size_t i = 0; i < ZR_HISTOGRAM_BOUNDS; i++)
        add_part(self, &base, PART_BUCKET, zr_histogram_bounds[i],
                 (double) zr_histogram_cumulative(histogram, i));
    add_part(self, &base, PART_BUCKET, INFINITY, (double) histogram->count);
    add_part(self, &base, PART_SUM, 0, histogram->sum);
    add_part(self, &base, PART_COUNT, 0, (double) histogram->count);
}

void zr_metrics_merge(zr_metrics_t *self, const zr_metrics_t *from)
{
    for (size_t i = 0; from && i < from->count; i++)
        put(self, &from->samples[i]);
    if (from)
        self->refused += from->refused;
}

static bool label_is(const sample_t *sample, const char *label)
{
    return label ? sample->has_label && strcmp(sample->label, label) == 0 : !sample->has_label;
}

bool zr_metrics_get(const zr_metrics_t *self, zr_metric_id_t id, const char *label, double *value)
{
    for (size_t i = 0; i < self->count; i++) {
        const sample_t *s = &self->samples[i];
        if (s->id == id && s->part == PART_VALUE && label_is(s, label)) {
            *value = s->value;
            return true;
        }
    }
    return false;
}

bool zr_metrics_sum(const zr_metrics_t *self, zr_metric_id_t id, double *value)
{
    bool found = false;
    double total = 0;
    for (size_t i = 0; i < self->count; i++)
        if (self->samples[i].id == id && self->samples[i].part == PART_VALUE) {
            total += self->samples[i].value;
            found = true;
        }
    if (found)
        *value = total;
    return found;
}

const char *zr_metrics_label_with(const zr_metrics_t *self, zr_metric_id_t id, double value)
{
    for (size_t i = 0; i < self->count; i++) {
        const sample_t *s = &self->samples[i];
        if (s->id == id && s->part == PART_VALUE && s->has_label && s->value == value)
            return s->label;
    }
    return NULL;
}

/* One bucket's cumulative count into the histogram's per-bucket form. */
static void take_bucket(zr_histogram_t *out, double le, double cumulative)
{
    for (size_t i = 0; i < ZR_HISTOGRAM_BOUNDS; i++)
        if (zr_histogram_bounds[i] == le) {
            uint64_t below = i > 0 ? zr_histogram_cumulative(out, i - 1) : 0;
            out->buckets[i] = (uint64_t) cumulative > below ? (uint64_t) cumulative - below : 0;
        }
}

bool zr_metrics_get_histogram(const zr_metrics_t *self, zr_metric_id_t id, const char *label,
                              zr_histogram_t *out)
{
    bool found = false;
    *out = (zr_histogram_t) { 0 };
    for (size_t i = 0; i < self->count; i++) {   /* buckets come in ascending order */
        const sample_t *s = &self->samples[i];
        if (s->id != id || s->part == PART_VALUE || !label_is(s, label))
            continue;
        found = true;
        if (s->part == PART_BUCKET)
            take_bucket(out, s->le, s->value);
        else if (s->part == PART_SUM)
            out->sum = s->value;
        else
            out->count = (uint64_t) s->value;
    }
    return found;
}

size_t zr_metrics_size(const zr_metrics_t *self) { return self->count; }
uint64_t zr_metrics_refused(const zr_metrics_t *self) { return self->refused; }

/* ---- rendering ---- */

static void write_escaped(FILE *out, const char *text, bool help)
{
    for (const char *c = text; *c; c++) {
        if (*c == '\\')
            fputs("\\\\", out);
        else if (*c == '\n')
            fputs("\\n", out);
        else if (*c == '"' && !help)
            fputs("\\\"", out);
        else
            fputc(*c, out);
    }
}

static void write_number(FILE *out, double value)
{
    if (isinf(value))
        fputs(value > 0 ? "+Inf" : "-Inf", out);
    else if (isnan(value))
        fputs("NaN", out);
    else if (value == floor(value) && fabs(value) < 1e15)
        fprintf(out, "%.0f", value);
    else
        fprintf(out, "%.9g", value);
}

static void write_sample(FILE *out, const zr_metric_def_t *def, const sample_t *s)
{
    static const char *const suffix[] = { "", "_bucket", "_sum", "_count" };
    fprintf(out, "%s%s", def->name, suffix[s->part]);
    bool bucket = s->part == PART_BUCKET;
    if (s->has_label || bucket)
        fputc('{', out);
    if (s->has_label) {
        fprintf(out, "%s=\"", def->label);
        write_escaped(out, s->label, false);
        fputc('"', out);
    }
    if (bucket) {
        fputs(s->has_label ? ",le=\"" : "le=\"", out);
        write_number(out, s->le);
        fputc('"', out);
    }
    if (s->has_label || bucket)
        fputc('}', out);
    fputc(' ', out);
    write_number(out, s->value);
    fputc('\n', out);
}

static void render_family(FILE *out, const zr_metrics_t *self, uint16_t id)
{
    static const char *const types[] = { "counter", "gauge", "histogram" };
    const zr_metric_def_t *def = &catalog[id];
    bool header = false;
    for (size_t i = 0; i < self->count; i++) {
        if (self->samples[i].id != id)
            continue;
        if (!header) {
            fprintf(out, "# HELP %s ", def->name);
            write_escaped(out, def->help, true);
            fprintf(out, "\n# TYPE %s %s\n", def->name, types[def->type]);
            header = true;
        }
        write_sample(out, def, &self->samples[i]);
    }
}

char *zr_metrics_render(const zr_metrics_t *self)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    if (!out)
        abort();
    for (uint16_t id = 0; id < ZR_METRICS_COUNT; id++)
        render_family(out, self, id);
    fclose(out);
    return text;
}

/* ---- the byte form ---- */

void *zr_metrics_encode(const zr_metrics_t *self, size_t *size)
{
    *size = self->count * sizeof(sample_t);
    void *bytes = malloc(*size ? *size : 1);
    if (!bytes)
        abort();
    if (self->count)
        memcpy(bytes, self->samples, *size);
    return bytes;
}

static bool valid(const sample_t *s)
{
    const zr_metric_def_t *def = zr_metric_def((zr_metric_id_t) s->id);
    return def && s->part <= PART_COUNT && (s->part != PART_VALUE) == (def->type == ZR_METRIC_HISTOGRAM)
        && (s->has_label != 0) == (def->label != NULL) && s->has_label <= 1
        && memchr(s->label, 0, sizeof s->label) != NULL;
}

zr_metrics_t *zr_metrics_decode(const void *data, size_t size)
{
    if (size % sizeof(sample_t) != 0)
        return NULL;
    zr_metrics_t *self = zr_metrics_new();
    for (size_t i = 0; i < size / sizeof(sample_t); i++) {
        sample_t sample;
        memcpy(&sample, (const uint8_t *) data + i * sizeof sample, sizeof sample);
        if (!valid(&sample)) {
            zr_metrics_destroy(&self);
            return NULL;
        }
        put(self, &sample);
    }
    return self;
}
