/* zr_http_headers: media-type matching and Content-Length parsing for the HTTP front.
 * No allocation and no MHD: plain string scanning, unit-tested on its own. */
#include "runtime/http/zr_http_headers.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *skip_blanks(const char *text, const char *end)
{
    while (text < end && (*text == ' ' || *text == '\t'))
        text++;
    return text;
}

static const char *trim_end(const char *start, const char *end)
{
    while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return end;
}

/* Compares the media type at [start, end) (parameters included) with media_type. */
static bool media_range_is(const char *start, const char *end, const char *media_type)
{
    const char *semicolon = memchr(start, ';', (size_t) (end - start));
    const char *type_end = trim_end(start, semicolon ? semicolon : end);
    start = skip_blanks(start, type_end);
    size_t length = (size_t) (type_end - start);
    return length == strlen(media_type) && strncasecmp(start, media_type, length) == 0;
}

/* True if the parameters of a media range at [start, end) include q=0 (q=0.0, q=0.000). */
static bool has_zero_quality(const char *start, const char *end)
{
    for (const char *p = memchr(start, ';', (size_t) (end - start)); p; ) {
        p = skip_blanks(p + 1, end);
        if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            const char *digit = p + 2;
            if (digit >= end || *digit != '0')
                return false;
            for (digit++; digit < end && (*digit == '0' || *digit == '.'); digit++)
                ;
            return skip_blanks(digit, end) == end || *skip_blanks(digit, end) == ';';
        }
        p = memchr(p, ';', (size_t) (end - p));
    }
    return false;
}

bool zr_http_media_type_is(const char *value, const char *media_type)
{
    return value && media_range_is(value, value + strlen(value), media_type);
}

bool zr_http_accepts(const char *accept, const char *media_type)
{
    if (!accept)
        return false;
    const char *end = accept + strlen(accept);
    for (const char *start = accept; start <= end; ) {
        const char *comma = memchr(start, ',', (size_t) (end - start));
        const char *range_end = comma ? comma : end;
        if (media_range_is(start, range_end, media_type) && !has_zero_quality(start, range_end))
            return true;
        start = range_end + 1;
    }
    return false;
}

int zr_http_content_length(const char *value, uint64_t *length)
{
    if (!value)
        return -1;
    const char *end = value + strlen(value);
    const char *p = skip_blanks(value, end);
    end = trim_end(p, end);
    if (p == end)
        return -1;
    uint64_t total = 0;
    for (; p < end; p++) {
        uint64_t digit = (uint64_t) (*p - '0');
        if (!isdigit((unsigned char) *p) || total > (UINT64_MAX - digit) / 10)
            return -1;
        total = total * 10 + digit;
    }
    *length = total;
    return 0;
}
