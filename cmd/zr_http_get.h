/* zr_http_get: one blocking HTTP GET with libcurl for the client commands (`zrun status`):
 * the status code and the body as a NUL-terminated string, with a short timeout. */
#ifndef ZR_HTTP_GET_H
#define ZR_HTTP_GET_H

/* GETs url with the given Accept header (NULL: none). Returns the HTTP status, or -1 with a
 * one-line reason in *body if the request failed. *body is malloc'ed; the caller frees it. */
long zr_http_get(const char *url, const char *accept, char **body);

#endif
