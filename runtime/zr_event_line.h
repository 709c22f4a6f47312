/* zr_event_line: the text form of an event on the monitor port (logfmt: key=value pairs, the
 * first four always kind, node, t, seq) and the filters `zrun monitor` applies. Pure. */
#ifndef ZR_EVENT_LINE_H
#define ZR_EVENT_LINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZR_EVENT_FIELDS_MAX 16
#define ZR_EVENT_LINE_MAX 1024   /* longer lines are cut (at a field boundary) */

/* Writes "kind=K node=N t=T seq=S <fields> [reason=\"...\"]" into out (size bytes). fields is
 * already logfmt (may be NULL or empty); reason, when given, is quoted and escaped. Returns
 * the length written. */
size_t zr_event_line_format(char *out, size_t size, const char *kind, int64_t node, int64_t t_ms,
                            uint64_t seq, const char *fields, const char *reason);
/* Appends ` key=value` to out (value quoted if it needs it); false if it did not fit. */
bool zr_event_line_append(char *out, size_t size, const char *key, const char *value);

/* A parsed line; keys and values point into the caller's copy, which parse modifies. */
typedef struct {
    const char *kind;
    int64_t node, t_ms;
    uint64_t seq;
    size_t count;
    const char *keys[ZR_EVENT_FIELDS_MAX];
    const char *values[ZR_EVENT_FIELDS_MAX];
} zr_event_line_t;

/* false if the line is not an event (no kind, node, t and seq first, bad quoting). */
bool zr_event_line_parse(char *line, zr_event_line_t *out);
/* The value of key (kind, node, t, seq included); NULL if absent. */
const char *zr_event_line_get(const zr_event_line_t *event, const char *key);
/* The fields after seq, as "key=value ..." (quoted again where needed), for printing. */
size_t zr_event_line_rest(const zr_event_line_t *event, char *out, size_t size);

/* Which events to keep: kinds (a name takes itself and its dotted children: "request" takes
 * "request.assigned"), a request id, a node. Empty filter: everything. */
typedef struct {
    char kinds[16][32];
    size_t kind_count;
    const char *request;   /* NULL: any */
    int64_t node;          /* < 0: any */
} zr_event_filter_t;

void zr_event_filter_init(zr_event_filter_t *filter);
/* Adds the comma-separated kinds of list; false (with the offending name in bad) if one is
 * not a known kind nor a prefix of one. */
bool zr_event_filter_kinds(zr_event_filter_t *filter, const char *list, char *bad, size_t bad_size);
bool zr_event_filter_match(const zr_event_filter_t *filter, const zr_event_line_t *event);

/* Loss detection on one publisher's seq: the events missed before this one (0 for the first
 * event seen, for consecutive ones, and after a restart, where seq goes back). */
typedef struct {
    bool seen;
    uint64_t last;
} zr_event_gap_t;
uint64_t zr_event_gap_check(zr_event_gap_t *gap, uint64_t seq);

/* At most one event per period for something that may happen thousands of times a second (a
 * flood of bad datagrams): true when this occurrence should be emitted, with *count the
 * occurrences it stands for (itself and those held back since the last one). */
typedef struct {
    int64_t period_ms;
    int64_t last_ms;
    bool emitted;
    uint64_t held;
} zr_event_throttle_t;
bool zr_event_throttle(zr_event_throttle_t *throttle, int64_t now_ms, uint64_t *count);

#endif
