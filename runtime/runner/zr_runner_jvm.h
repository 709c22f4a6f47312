/* zr_runner_jvm: one runner JVM process seen from the pool: spawn it jailed, feed it jobs, read answers.
 * Owns the process, its two pipes (non-blocking on this side) and their byte buffers. */
#ifndef ZR_RUNNER_JVM_H
#define ZR_RUNNER_JVM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "runtime/runner/zr_runner_proto.h"

typedef struct {
    const char *java;          /* absolute path of the launcher */
    const char *classes_dir;   /* runtime/runner/java built: zrun-runner.jar and its archive */
    const char *extra_flags;   /* more java flags, space-separated (benchmarks of flag sets); NULL: none */
    const char *workdir;       /* this JVM's own scratch directory (exists) */
    const char *log_path;      /* the JVM's stdout/stderr; NULL: /dev/null */
    int heap_mb;
    size_t output_limit;
    int max_threads;
    int nice;                  /* 0..19: the JVM's nice level (the node's threads stay at theirs) */
    int cgroup_fds[2];         /* cgroup.procs to join, or -1 */
    bool no_security_manager;  /* the runner installs none (as on JDK 24) */
    bool background;           /* a spare: only idle CPU (SCHED_IDLE) from its start */
    int idle_warm_up_jobs;     /* warm-up jobs more after ready, until the first job (on idle CPU) */
    bool c1_only;              /* -XX:TieredStopAtLevel=1 */
} zr_runner_jvm_spec_t;

typedef struct zr_runner_jvm zr_runner_jvm_t;

/* Forks and execs the JVM inside its jail (zr_runner_jail). NULL with a reason in err on failure. */
zr_runner_jvm_t *zr_runner_jvm_spawn(const zr_runner_jvm_spec_t *spec, char *err, size_t err_size);
/* kill -9, reap, close. *wait_status (if not NULL) gets waitpid's status: how the JVM ended. */
void zr_runner_jvm_destroy(zr_runner_jvm_t **self_p, int *wait_status);

pid_t zr_runner_jvm_pid(const zr_runner_jvm_t *self);
int zr_runner_jvm_read_fd(const zr_runner_jvm_t *self);
int zr_runner_jvm_write_fd(const zr_runner_jvm_t *self);

/* Queues a job frame; zr_runner_jvm_flush writes it as the pipe accepts. -1 if unframeable. */
int zr_runner_jvm_send(zr_runner_jvm_t *self, uint64_t job_id, const void *source, size_t source_len);
/* Writes queued bytes without blocking. 0, or -1 if the JVM is gone. */
int zr_runner_jvm_flush(zr_runner_jvm_t *self);
bool zr_runner_jvm_writing(const zr_runner_jvm_t *self);
/* Reads what the JVM has written, without blocking. 0, or -1 on end of file or error. */
int zr_runner_jvm_fill(zr_runner_jvm_t *self);
/* The next buffered reply; its pointers stay valid until zr_runner_jvm_consume. */
zr_runner_reply_kind_t zr_runner_jvm_reply(zr_runner_jvm_t *self, zr_runner_reply_t *reply);
void zr_runner_jvm_consume(zr_runner_jvm_t *self, const zr_runner_reply_t *reply);

/* A spare taken into service: every thread of the JVM from SCHED_IDLE to the work's SCHED_BATCH at
 * nice (raising a policy needs CAP_SYS_NICE). 0, or -1 if a thread could not be moved. */
int zr_runner_jvm_to_work_priority(const zr_runner_jvm_t *self, int nice);
/* A ready JVM that has not taken a job yet: every thread to SCHED_IDLE, where it runs its warm-up
 * jobs on CPU no one else wants. 0, or -1 if a thread could not be moved. */
int zr_runner_jvm_to_idle_cpu(const zr_runner_jvm_t *self);

/* Resident memory of the JVM in KiB (from /proc), or -1. */
long zr_runner_jvm_rss_kb(const zr_runner_jvm_t *self);

#endif
