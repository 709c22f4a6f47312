/* zr_event_kinds: names of the event kinds listed in zr_event_kinds.h, and the reverse lookup.
 * Pure: two table walks. */
#include "runtime/zr_event_kinds.h"
#include <string.h>

static const char *const names[ZR_EVENT_KIND_COUNT] = {
#define ZR_EVENT_NAME(id, name, fields) name,
    ZR_EVENT_KINDS(ZR_EVENT_NAME)
#undef ZR_EVENT_NAME
};

const char *zr_event_kind_name(zr_event_kind_t kind)
{
    return (unsigned) kind < ZR_EVENT_KIND_COUNT ? names[kind] : NULL;
}

int zr_event_kind_parse(const char *name)
{
    for (int kind = 0; kind < ZR_EVENT_KIND_COUNT; kind++)
        if (strcmp(names[kind], name) == 0)
            return kind;
    return -1;
}
