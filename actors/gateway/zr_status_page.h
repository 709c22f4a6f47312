/* zr_status_page: the gateway's live status page (actors/gateway/status_page.html), built into
 * the binary: the build generates the definitions from the HTML file; GET / serves it as text/html. */
#ifndef ZR_STATUS_PAGE_H
#define ZR_STATUS_PAGE_H
#include <stddef.h>

#define ZR_STATUS_PAGE_CONTENT_TYPE "text/html; charset=utf-8"

/* The page's bytes (UTF-8 HTML with inline CSS and JS), NUL-terminated; the length excludes the NUL. */
extern const char zr_status_page_html[];
extern const size_t zr_status_page_html_len;

#endif
