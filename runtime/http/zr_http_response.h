/* zr_http_response: builds the HTTP front's response bodies and MHD response objects.
 * Plain text, the contract's JSON form of a job result or error, and log files. */
#ifndef ZR_HTTP_RESPONSE_H
#define ZR_HTTP_RESPONSE_H
#include "proto/zr_work_result_msg.h"
#include <stddef.h>
#include <stdint.h>

struct MHD_Response;

/* The contract's JSON body for a job result:
 * {"request_id","status","result","error","stdout","stderr","worker","compile_ms","run_ms"}.
 * "result" is set for OK and null otherwise; "error" the other way round. Caller frees. */
char *zr_http_result_json(uint64_t request_id, const zr_work_result_msg_t *result);

/* The same shape for an answer that is not a job result (a rejected request, a failure):
 * status is a word such as "REJECTED" or "UNAVAILABLE", error the reason. Caller frees. */
char *zr_http_error_json(uint64_t request_id, const char *status, const char *reason);

/* A text/plain response holding a copy of the bytes. */
struct MHD_Response *zr_http_response_text(const char *text, size_t length);
/* A response holding a copy of the bytes with that Content-Type (NULL: text/plain). */
struct MHD_Response *zr_http_response_typed(const char *body, size_t length, const char *type);
/* An application/json response that takes ownership of json (malloc'ed, NUL-terminated). */
struct MHD_Response *zr_http_response_json(char *json);
/* A text/plain response streaming a file; NULL if it cannot be opened. *size gets its size. */
struct MHD_Response *zr_http_response_file(const char *path, uint64_t *size);
/* A Prometheus exposition response taking ownership of text (malloc'ed). */
struct MHD_Response *zr_http_response_metrics(char *text);

#endif
