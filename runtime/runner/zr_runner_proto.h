/* zr_runner_proto: the byte framing between the runner pool and one runner JVM (runtime/java/Runner.java).
 * Pure: builds job frame headers and parses reply frames out of a byte buffer, trusting no length. */
#ifndef ZR_RUNNER_PROTO_H
#define ZR_RUNNER_PROTO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZR_RUNNER_JOB_HEADER 12        /* u32 length | u64 job id, then the source */
#define ZR_RUNNER_FLAG_RECYCLE 1       /* the JVM asks to be replaced after this answer */

typedef enum {
    ZR_RUNNER_REPLY_PARTIAL,           /* not a whole frame yet: read more */
    ZR_RUNNER_REPLY_READY,             /* warm-up done, the JVM takes jobs */
    ZR_RUNNER_REPLY_DONE,              /* one job's answer */
    ZR_RUNNER_REPLY_BAD,               /* malformed or oversized: the JVM cannot be trusted */
} zr_runner_reply_kind_t;

typedef struct {
    zr_runner_reply_kind_t kind;
    size_t frame_size;                 /* bytes of the buffer this frame used */
    uint32_t warmup_ms;                /* READY */
    uint64_t job_id;                   /* DONE, and below */
    uint8_t status;                    /* zr_job_status_t numbering, OK..LIMIT */
    uint8_t flags;
    uint32_t compile_ms, run_ms;
    const uint8_t *body, *out, *err;   /* point into the parsed buffer */
    size_t body_len, out_len, err_len;
} zr_runner_reply_t;

/* Writes the 12-byte header of a job frame; returns -1 if the source is too long to frame. */
int zr_runner_proto_job_header(uint8_t header[ZR_RUNNER_JOB_HEADER], uint64_t job_id, size_t source_len);

/* Parses the first frame of data[0..len). Frames longer than max_frame are BAD at once,
 * before they are buffered. Fills reply and returns its kind. */
zr_runner_reply_kind_t zr_runner_proto_parse(const uint8_t *data, size_t len, size_t max_frame,
                                             zr_runner_reply_t *reply);

#endif
