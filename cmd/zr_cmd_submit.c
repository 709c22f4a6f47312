/* zr_cmd_submit: `zrun submit [--url URL] FILE.java...` posts each file to URL/compileandrun
 * with libcurl and prints each response body; exit 0 all 200, 1 any 400, 2 any other failure. */
#include "cmd/zr_commands.h"
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUBMIT_DEFAULT_URL "http://127.0.0.1:8888"
#define SUBMIT_CONNECT_TIMEOUT_S 10L

typedef enum { SUBMIT_OK = 0, SUBMIT_REJECTED = 1, SUBMIT_FAILED = 2 } submit_outcome_t;

typedef struct {
    const char *url;
    bool json;
} submit_options_t;

typedef struct {
    char *data;
    size_t length;
} submit_buffer_t;

static void submit_usage(FILE *out)
{
    fprintf(out, "usage: zrun submit [--url URL] [--json] FILE.java...\n"
                 "  Sends each file to URL/compileandrun (default " SUBMIT_DEFAULT_URL ") and prints\n"
                 "  the response body. --json asks for the JSON form. Exit status: 0 if every answer\n"
                 "  was 200, 1 if any was 400, 2 on any other failure.\n");
}

/* Returns 0 to submit, 1 after --help, -1 on a usage error (already reported). */
static int parse_submit_options(int argc, char **argv, submit_options_t *o)
{
    static const struct option longs[] = {
        { "url", required_argument, 0, 'u' }, { "json", no_argument, 0, 'j' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    *o = (submit_options_t) { .url = SUBMIT_DEFAULT_URL };
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":h", longs, NULL)) != -1;) {
        if (c == 'h') {
            submit_usage(stdout);
            return 1;
        }
        if (c == 'u')
            o->url = optarg;
        else if (c == 'j')
            o->json = true;
        else {
            fprintf(stderr, c == ':' ? "zrun submit: %s needs a value\n"
                                     : "zrun submit: unknown option '%s' (see zrun submit --help)\n",
                    argv[optind - 1]);
            return -1;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "zrun submit: no FILE.java given (see zrun submit --help)\n");
        return -1;
    }
    if (strncmp(o->url, "http://", 7) != 0 && strncmp(o->url, "https://", 8) != 0) {
        fprintf(stderr, "zrun submit: --url must start with http:// or https://, not '%s'\n", o->url);
        return -1;
    }
    return 0;
}

/* Reads a whole file; returns -1 (errno set) if it cannot. */
static int read_file(const char *path, submit_buffer_t *buffer)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return -1;
    char chunk[65536];
    size_t n;
    buffer->data = NULL;
    buffer->length = 0;
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0) {
        char *grown = realloc(buffer->data, buffer->length + n);
        if (!grown)
            abort();
        buffer->data = grown;
        memcpy(buffer->data + buffer->length, chunk, n);
        buffer->length += n;
    }
    int failed = ferror(file), saved = errno;
    fclose(file);
    if (failed) {
        free(buffer->data);
        errno = saved ? saved : EIO;
        return -1;
    }
    return 0;
}

static size_t collect(char *data, size_t size, size_t count, void *arg)
{
    submit_buffer_t *body = arg;
    size_t length = size * count;
    char *grown = realloc(body->data, body->length + length);
    if (!grown)
        abort();
    body->data = grown;
    memcpy(body->data + body->length, data, length);
    body->length += length;
    return length;
}

/* POSTs source; returns the HTTP status, or -1 with the curl error in error. */
static long post_source(const submit_options_t *o, const submit_buffer_t *source,
                        submit_buffer_t *body, char *error)
{
    char *url = NULL;
    size_t base = strlen(o->url);
    while (base && o->url[base - 1] == '/')
        base--;
    if (asprintf(&url, "%.*s/compileandrun", (int) base, o->url) < 0)
        abort();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: text/x-java-source");
    headers = curl_slist_append(headers, "Expect:");   /* no 100-continue round trip */
    if (o->json)
        headers = curl_slist_append(headers, "Accept: application/json");
    CURL *easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, source->data ? source->data : "");
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) source->length);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, SUBMIT_CONNECT_TIMEOUT_S);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
    error[0] = 0;
    CURLcode code = curl_easy_perform(easy);
    long status = -1;
    if (code == CURLE_OK)
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    else if (!error[0])
        snprintf(error, CURL_ERROR_SIZE, "%s", curl_easy_strerror(code));
    curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
    free(url);
    return status;
}

/* Prints the body as it came, plus a newline if it lacks one so answers do not run together. */
static void print_body(const submit_buffer_t *body)
{
    fwrite(body->data, 1, body->length, stdout);
    if (body->length && body->data[body->length - 1] != '\n')
        fputc('\n', stdout);
    fflush(stdout);
}

static submit_outcome_t submit_file(const submit_options_t *o, const char *path)
{
    submit_buffer_t source, body = { 0 };
    if (read_file(path, &source) != 0) {
        fprintf(stderr, "zrun submit: cannot read %s: %s\n", path, strerror(errno));
        return SUBMIT_FAILED;
    }
    char error[CURL_ERROR_SIZE];
    long status = post_source(o, &source, &body, error);
    free(source.data);
    if (status < 0) {
        fprintf(stderr, "zrun submit: %s: %s\n", path, error);
        free(body.data);
        return SUBMIT_FAILED;
    }
    print_body(&body);
    free(body.data);
    if (status == 200 || status == 400)
        return status == 200 ? SUBMIT_OK : SUBMIT_REJECTED;
    fprintf(stderr, "zrun submit: %s: HTTP %ld\n", path, status);
    return SUBMIT_FAILED;
}

int zr_cmd_submit(int argc, char **argv)
{
    submit_options_t options;
    int parsed = parse_submit_options(argc, argv, &options);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "zrun submit: libcurl did not initialise\n");
        return 2;
    }
    submit_outcome_t worst = SUBMIT_OK;
    for (int i = optind; i < argc; i++) {
        submit_outcome_t outcome = submit_file(&options, argv[i]);
        if (outcome > worst)
            worst = outcome;
    }
    curl_global_cleanup();
    return (int) worst;
}
