/* zr_event_line: logfmt lines for events: writing (quoting only where needed), parsing in place
 * (unquoting), kind/request/node filters and seq gap detection. Pure string work. */
#include "runtime/zr_event_line.h"
#include "runtime/zr_event_kinds.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool bare_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || strchr("_.:/@+,-", c) != NULL;
}

static bool needs_quotes(const char *value)
{
    if (!*value)
        return true;
    for (const char *c = value; *c; c++)
        if (!bare_char(*c))
            return true;
    return false;
}

/* The value quoted and escaped into out (room bytes with the NUL), cut short with "..." if it
 * does not fit; false if not even the quotes fit. */
static bool quote(const char *value, char *out, size_t room)
{
    if (room < 3)
        return false;
    size_t used = 0;
    out[used++] = '"';
    for (const char *c = value; *c; c++) {
        char escaped[3] = { *c, 0, 0 };
        if (*c == '"' || *c == '\\')
            escaped[0] = '\\', escaped[1] = *c;
        else if (*c == '\n')
            escaped[0] = '\\', escaped[1] = 'n';
        else if ((unsigned char) *c < 0x20)
            escaped[0] = ' ';
        size_t length = strlen(escaped);
        if (used + length + 2 > room) {   /* closing quote and NUL */
            if (used >= 4)
                memcpy(out + used - 3, "...", 3);
            break;
        }
        memcpy(out + used, escaped, length);
        used += length;
    }
    out[used++] = '"';
    out[used] = 0;
    return true;
}

bool zr_event_line_append(char *out, size_t size, const char *key, const char *value)
{
    size_t used = strlen(out);
    size_t key_length = strlen(key);
    if (used + key_length + 3 > size)   /* " key=" and at least the NUL */
        return false;
    char *at = out + used;
    *at++ = ' ';
    memcpy(at, key, key_length);
    at += key_length;
    *at++ = '=';
    size_t room = size - (size_t) (at - out);
    if (!needs_quotes(value) && strlen(value) + 1 <= room) {
        strcpy(at, value);
        return true;
    }
    if (!quote(value, at, room)) {   /* quoted, and cut short if it does not fit */
        out[used] = 0;
        return false;
    }
    return true;
}

/* Appends ready-made logfmt fields, cut at the last whole field that fits. */
static void append_fields(char *out, size_t size, const char *fields)
{
    size_t used = strlen(out), length = strlen(fields);
    if (used + 1 + length + 1 <= size) {
        out[used] = ' ';
        memcpy(out + used + 1, fields, length + 1);
        return;
    }
    size_t keep = size - used - 2;
    while (keep > 0 && fields[keep] != ' ')
        keep--;
    if (keep == 0)
        return;
    out[used] = ' ';
    memcpy(out + used + 1, fields, keep);
    out[used + 1 + keep] = 0;
}

size_t zr_event_line_format(char *out, size_t size, const char *kind, int64_t node, int64_t t_ms,
                            uint64_t seq, const char *fields, const char *reason)
{
    if (size == 0)
        return 0;
    int length = snprintf(out, size, "kind=%s node=%" PRId64 " t=%" PRId64 " seq=%" PRIu64,
                          kind, node, t_ms, seq);
    if (length < 0 || (size_t) length >= size) {
        out[0] = 0;
        return 0;
    }
    if (fields && *fields)
        append_fields(out, size, fields);
    if (reason && *reason)
        zr_event_line_append(out, size, "reason", reason);
    return strlen(out);
}

/* ---- parsing ---- */

/* Reads a quoted value starting at *p (on the opening quote), unescaping in place; the value
 * ends up NUL-terminated at its start + 1. Returns the value, or NULL if the quote never ends. */
static char *unquote(char **p)
{
    char *read = *p + 1, *value = read, *write = read;
    while (*read && *read != '"') {
        if (*read == '\\' && read[1]) {
            read++;
            *write++ = *read == 'n' ? '\n' : *read;
        } else
            *write++ = *read;
        read++;
    }
    if (*read != '"')
        return NULL;
    *write = 0;
    *p = read + 1;
    return value;
}

/* The next key=value pair from *p; false at the end or on bad syntax (*p set to NULL then). */
static bool next_pair(char **p, char **key, char **value)
{
    while (**p == ' ')
        (*p)++;
    if (!**p)
        return false;
    char *equals = strchr(*p, '=');
    char *space = strchr(*p, ' ');
    if (!equals || (space && space < equals) || equals == *p) {
        *p = NULL;
        return false;
    }
    *key = *p;
    *equals = 0;
    *p = equals + 1;
    if (**p == '"') {
        if (!(*value = unquote(p)) || (**p && **p != ' ')) {
            *p = NULL;
            return false;
        }
    } else {
        *value = *p;
        *p += strcspn(*p, " ");
    }
    if (**p)
        *(*p)++ = 0;
    return true;
}

static bool parse_number(const char *text, bool is_signed, void *out)
{
    char *end = NULL;
    if (!*text)
        return false;
    if (is_signed)
        *(int64_t *) out = strtoll(text, &end, 10);
    else
        *(uint64_t *) out = strtoull(text, &end, 10);
    return *end == 0;
}

static bool parse_head(char **p, zr_event_line_t *out)
{
    static const char *const head[] = { "kind", "node", "t", "seq" };
    char *key, *value;
    for (size_t i = 0; i < 4; i++) {
        if (!next_pair(p, &key, &value) || strcmp(key, head[i]) != 0)
            return false;
        if (i == 0)
            out->kind = value;
        else if (!parse_number(value, i < 3, i == 1 ? (void *) &out->node
                                                    : i == 2 ? (void *) &out->t_ms : (void *) &out->seq))
            return false;
    }
    return *out->kind != 0;
}

bool zr_event_line_parse(char *line, zr_event_line_t *out)
{
    memset(out, 0, sizeof *out);
    line[strcspn(line, "\r\n")] = 0;
    char *p = line, *key, *value;
    if (!parse_head(&p, out))
        return false;
    while (p && next_pair(&p, &key, &value))
        if (out->count < ZR_EVENT_FIELDS_MAX) {
            out->keys[out->count] = key;
            out->values[out->count++] = value;
        }
    return p != NULL;
}

const char *zr_event_line_get(const zr_event_line_t *event, const char *key)
{
    if (strcmp(key, "kind") == 0)
        return event->kind;
    for (size_t i = 0; i < event->count; i++)
        if (strcmp(event->keys[i], key) == 0)
            return event->values[i];
    return NULL;
}

size_t zr_event_line_rest(const zr_event_line_t *event, char *out, size_t size)
{
    if (size == 0)
        return 0;
    out[0] = 0;
    for (size_t i = 0; i < event->count; i++)
        if (!zr_event_line_append(out, size, event->keys[i], event->values[i]))
            break;
    size_t length = strlen(out);
    if (length > 0 && out[0] == ' ')
        memmove(out, out + 1, length--);
    return length;
}

/* ---- filters ---- */

void zr_event_filter_init(zr_event_filter_t *filter)
{
    memset(filter, 0, sizeof *filter);
    filter->node = -1;
}

/* name is kind itself or a dotted ancestor of it ("request" of "request.assigned"). */
static bool kind_under(const char *kind, const char *name)
{
    size_t length = strlen(name);
    return strncmp(kind, name, length) == 0 && (kind[length] == 0 || kind[length] == '.');
}

static bool known_kind_or_group(const char *name)
{
    for (int kind = 0; kind < ZR_EVENT_KIND_COUNT; kind++)
        if (kind_under(zr_event_kind_name((zr_event_kind_t) kind), name))
            return true;
    return false;
}

bool zr_event_filter_kinds(zr_event_filter_t *filter, const char *list, char *bad, size_t bad_size)
{
    char copy[512];
    snprintf(copy, sizeof copy, "%s", list);
    for (char *save = NULL, *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        if (!known_kind_or_group(name) || filter->kind_count == 16 || strlen(name) >= 32) {
            snprintf(bad, bad_size, "%s", name);
            return false;
        }
        snprintf(filter->kinds[filter->kind_count++], 32, "%s", name);
    }
    return true;
}

bool zr_event_filter_match(const zr_event_filter_t *filter, const zr_event_line_t *event)
{
    bool kind_ok = filter->kind_count == 0;
    for (size_t i = 0; i < filter->kind_count && !kind_ok; i++)
        kind_ok = kind_under(event->kind, filter->kinds[i]);
    const char *request = zr_event_line_get(event, "request");
    bool request_ok = !filter->request || (request && strcmp(request, filter->request) == 0);
    return kind_ok && request_ok && (filter->node < 0 || filter->node == event->node);
}

uint64_t zr_event_gap_check(zr_event_gap_t *gap, uint64_t seq)
{
    uint64_t missed = gap->seen && seq > gap->last + 1 ? seq - gap->last - 1 : 0;
    gap->seen = true;
    gap->last = seq;
    return missed;
}

bool zr_event_throttle(zr_event_throttle_t *throttle, int64_t now_ms, uint64_t *count)
{
    int64_t period = throttle->period_ms > 0 ? throttle->period_ms : 1000;
    if (throttle->emitted && now_ms - throttle->last_ms < period) {
        throttle->held++;
        return false;
    }
    *count = throttle->held + 1;
    throttle->held = 0;
    throttle->emitted = true;
    throttle->last_ms = now_ms;
    return true;
}
