/* zr_http_tokens: tokens kept only as SHA-256 digests; a header's token is hashed and compared
 * with every digest (sodium_memcmp), without stopping at a match. */
#include "runtime/http/zr_http_tokens.h"
#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DIGEST crypto_hash_sha256_BYTES

struct zr_http_tokens {
    size_t count;
    unsigned char (*digests)[DIGEST];
};

static bool is_token_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f;
}

/* The line's token, trimmed, in place; NULL for a blank or comment line. */
static char *line_token(char *line)
{
    while (*line == ' ' || *line == '\t')
        line++;
    size_t length = strlen(line);
    while (length && isspace((unsigned char) line[length - 1]))
        line[--length] = 0;
    return *line && *line != '#' ? line : NULL;
}

static int check_token(const char *token, const char *name, int line, char *err, size_t err_size)
{
    size_t length = strlen(token);
    for (size_t i = 0; i < length; i++)
        if (!is_token_char((unsigned char) token[i])) {
            snprintf(err, err_size, "%s: line %d: a token is visible ASCII without spaces", name, line);
            return -1;
        }
    if (length < ZR_TOKEN_MIN_LENGTH || length > ZR_TOKEN_MAX_LENGTH) {
        snprintf(err, err_size, "%s: line %d: a token has %d..%d characters, not %zu", name, line,
                 ZR_TOKEN_MIN_LENGTH, ZR_TOKEN_MAX_LENGTH, length);
        return -1;
    }
    return 0;
}

static void add_digest(zr_http_tokens_t *self, const char *token)
{
    self->digests = realloc(self->digests, (self->count + 1) * sizeof *self->digests);
    if (!self->digests)
        abort();
    crypto_hash_sha256(self->digests[self->count++], (const unsigned char *) token, strlen(token));
}

zr_http_tokens_t *zr_http_tokens_parse(const char *text, const char *name, char *err, size_t err_size)
{
    if (sodium_init() < 0) {
        snprintf(err, err_size, "%s: libsodium cannot initialise", name);
        return NULL;
    }
    zr_http_tokens_t *self = calloc(1, sizeof *self);
    char *copy = strdup(text), *line = copy;
    int rc = 0;
    for (int number = 1; line && rc == 0; number++) {
        char *end = strchr(line, '\n');
        if (end)
            *end = 0;
        char *token = line_token(line);
        if (token && (rc = check_token(token, name, number, err, err_size)) == 0)
            add_digest(self, token);
        line = end ? end + 1 : NULL;
    }
    sodium_memzero(copy, strlen(text));
    free(copy);
    if (rc == 0 && self->count == 0) {
        snprintf(err, err_size, "%s: no token in the file", name);
        rc = -1;
    }
    if (rc != 0)
        zr_http_tokens_destroy(&self);
    return self;
}

zr_http_tokens_t *zr_http_tokens_load(const char *path, char *err, size_t err_size)
{
    FILE *file = fopen(path, "r");
    if (!file) {
        snprintf(err, err_size, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 20;
    char *text = malloc(cap);
    if (!text)
        abort();
    size_t size = fread(text, 1, cap - 1, file);
    bool whole = feof(file);
    fclose(file);
    text[size] = 0;
    zr_http_tokens_t *self = whole ? zr_http_tokens_parse(text, path, err, err_size) : NULL;
    if (!whole)
        snprintf(err, err_size, "%s: larger than 1 MiB; not a tokens file", path);
    sodium_memzero(text, size);
    free(text);
    return self;
}

void zr_http_tokens_destroy(zr_http_tokens_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->digests);
    free(*self_p);
    *self_p = NULL;
}

size_t zr_http_tokens_count(const zr_http_tokens_t *self)
{
    return self->count;
}

/* "Bearer <token>" (scheme case-insensitive, RFC 6750): the token, or NULL. */
static const char *bearer_token(const char *authorization)
{
    if (strncasecmp(authorization, "Bearer ", 7) != 0)
        return NULL;
    const char *token = authorization + 7;
    while (*token == ' ')
        token++;
    for (const char *c = token; *c; c++)
        if (!is_token_char((unsigned char) *c))
            return NULL;
    return *token ? token : NULL;
}

zr_token_verdict_t zr_http_tokens_check(const zr_http_tokens_t *self, const char *authorization)
{
    if (!authorization)
        return ZR_TOKEN_MISSING;
    const char *token = bearer_token(authorization);
    if (!token || strlen(token) > ZR_TOKEN_MAX_LENGTH)
        return ZR_TOKEN_MALFORMED;
    unsigned char digest[DIGEST];
    crypto_hash_sha256(digest, (const unsigned char *) token, strlen(token));
    int matches = 0;
    for (size_t i = 0; i < self->count; i++)
        matches |= sodium_memcmp(digest, self->digests[i], DIGEST) == 0;
    return matches ? ZR_TOKEN_OK : ZR_TOKEN_UNKNOWN;
}

const char *zr_token_verdict_reason(zr_token_verdict_t verdict)
{
    switch (verdict) {
    case ZR_TOKEN_OK: return "ok";
    case ZR_TOKEN_MISSING: return "unauthorized: send Authorization: Bearer <token>";
    case ZR_TOKEN_MALFORMED: return "unauthorized: the Authorization header is not Bearer <token>";
    default: return "unauthorized: unknown token";
    }
}
