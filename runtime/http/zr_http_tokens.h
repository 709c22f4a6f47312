/* zr_http_tokens: the bearer tokens the public door accepts (one per line of a tokens file) and
 * the check of an Authorization header against them, in constant time. */
#ifndef ZR_HTTP_TOKENS_H
#define ZR_HTTP_TOKENS_H
#include <stddef.h>

#define ZR_TOKEN_MIN_LENGTH 16
#define ZR_TOKEN_MAX_LENGTH 512

typedef struct zr_http_tokens zr_http_tokens_t;

typedef enum {
    ZR_TOKEN_OK = 0,
    ZR_TOKEN_MISSING,     /* no Authorization header */
    ZR_TOKEN_MALFORMED,   /* not "Bearer <token>" */
    ZR_TOKEN_UNKNOWN,     /* a bearer token that is not one of ours */
} zr_token_verdict_t;

/* The tokens of a file: one per line, surrounding blanks trimmed, blank lines and lines starting
 * with '#' skipped; each 16..512 visible ASCII characters without spaces. NULL with
 * "<path>: <problem>" (naming the line) in err; a file with no token is an error too. */
zr_http_tokens_t *zr_http_tokens_load(const char *path, char *err, size_t err_size);
/* The same from text in memory (name appears in errors). */
zr_http_tokens_t *zr_http_tokens_parse(const char *text, const char *name, char *err, size_t err_size);
void zr_http_tokens_destroy(zr_http_tokens_t **self_p);
size_t zr_http_tokens_count(const zr_http_tokens_t *self);

/* Checks an Authorization header value (NULL: absent). Every known token is compared, always,
 * by its SHA-256, in constant time: the answer's timing tells nothing about the tokens. */
zr_token_verdict_t zr_http_tokens_check(const zr_http_tokens_t *self, const char *authorization);
/* The one-line reason a 401 carries. */
const char *zr_token_verdict_reason(zr_token_verdict_t verdict);

#endif
