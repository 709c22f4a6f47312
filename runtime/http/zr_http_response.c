/* zr_http_response: JSON bodies (jansson) and MHD response construction for the HTTP front.
 * Texts that are not valid UTF-8 are made JSON-safe by replacing non-ASCII bytes with '?'. */
#include "runtime/http/zr_http_response.h"
#include <fcntl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEXT_PLAIN "text/plain; charset=utf-8"

/* A JSON string of the bytes; lossy ('?' for bytes >= 0x80) when they are not valid UTF-8. */
static json_t *json_bytes(const char *text, size_t length)
{
    json_t *string = json_stringn(text ? text : "", text ? length : 0);
    if (string)
        return string;
    char *ascii = malloc(length + 1);
    if (!ascii)
        abort();
    for (size_t i = 0; i < length; i++)
        ascii[i] = (unsigned char) text[i] >= 0x80 ? '?' : text[i];
    string = json_stringn(ascii, length);
    free(ascii);
    return string;
}

static char *dump_and_free(json_t *object)
{
    char *text = json_dumps(object, JSON_COMPACT);
    json_decref(object);
    if (!text)
        abort();
    return text;
}

char *zr_http_result_json(uint64_t request_id, const zr_work_result_msg_t *result)
{
    bool ok = result->status == ZR_JOB_OK;
    json_t *body = json_bytes(result->body.data, result->body.size);
    return dump_and_free(json_pack("{sI ss so so so so si si si}",
        "request_id", (json_int_t) request_id,
        "status", zr_job_status_name(result->status),
        "result", ok ? body : json_null(),
        "error", ok ? json_null() : body,
        "stdout", json_bytes(result->out.data, result->out.size),
        "stderr", json_bytes(result->err.data, result->err.size),
        "worker", (int) result->worker_id,
        "compile_ms", (int) result->compile_ms,
        "run_ms", (int) result->run_ms));
}

char *zr_http_error_json(uint64_t request_id, const char *status, const char *reason)
{
    return dump_and_free(json_pack("{sI ss sn so ss ss sn si si}",
        "request_id", (json_int_t) request_id,
        "status", status,
        "result",
        "error", json_bytes(reason, strlen(reason)),
        "stdout", "",
        "stderr", "",
        "worker",
        "compile_ms", 0,
        "run_ms", 0));
}

static struct MHD_Response *with_type(struct MHD_Response *response, const char *type)
{
    if (!response)
        abort();
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    return response;
}

struct MHD_Response *zr_http_response_typed(const char *body, size_t length, const char *type)
{
    return with_type(MHD_create_response_from_buffer(length, (void *) body, MHD_RESPMEM_MUST_COPY),
                     type ? type : TEXT_PLAIN);
}

struct MHD_Response *zr_http_response_text(const char *text, size_t length)
{
    return zr_http_response_typed(text, length, TEXT_PLAIN);
}

struct MHD_Response *zr_http_response_json(char *json)
{
    return with_type(MHD_create_response_from_buffer(strlen(json), json, MHD_RESPMEM_MUST_FREE),
                     "application/json");
}

struct MHD_Response *zr_http_response_metrics(char *text)
{
    return with_type(MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE),
                     "text/plain; version=0.0.4; charset=utf-8");
}

struct MHD_Response *zr_http_response_file(const char *path, uint64_t *size)
{
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    struct stat status;
    if (fd < 0)
        return NULL;
    if (fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
        close(fd);
        return NULL;
    }
    *size = (uint64_t) status.st_size;
    struct MHD_Response *response = MHD_create_response_from_fd64(*size, fd);
    if (!response) {
        close(fd);
        return NULL;
    }
    return with_type(response, TEXT_PLAIN);
}
