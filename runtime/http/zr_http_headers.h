/* zr_http_headers: pure parsers for the few request headers the HTTP front looks at.
 * Content-Type and Accept media types (with parameters), and a strict Content-Length. */
#ifndef ZR_HTTP_HEADERS_H
#define ZR_HTTP_HEADERS_H
#include <stdbool.h>
#include <stdint.h>

/* True if the Content-Type value names media_type, ignoring case, surrounding blanks
 * and parameters ("text/x-java-source; charset=utf-8"). NULL value: false. */
bool zr_http_media_type_is(const char *value, const char *media_type);

/* True if the Accept value lists media_type itself (not a wildcard) with q > 0.
 * NULL value: false. */
bool zr_http_accepts(const char *accept, const char *media_type);

/* Parses a Content-Length value: decimal digits only, surrounding blanks allowed.
 * Returns 0 and sets *length, or -1 if the value is not a valid length. */
int zr_http_content_length(const char *value, uint64_t *length);

#endif
