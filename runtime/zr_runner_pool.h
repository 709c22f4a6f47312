/* zr_runner_pool: an actor that keeps warm, contained JVMs and runs compile-and-run jobs.
 * Owner protocol: send "RUN" id(uint64) source(bytes); exactly one "RESULT" comes back per RUN. */
#ifndef ZR_RUNNER_POOL_H
#define ZR_RUNNER_POOL_H
#include <czmq.h>
#include <stddef.h>

typedef struct {
    int jvms;                 /* warm JVMs kept running */
    int wall_ms;              /* time limit for one job (compile + run) */
    int heap_mb;              /* -Xmx of each JVM */
    size_t output_limit;      /* bytes a job may print (stdout + stderr) */
    int max_threads;          /* threads a job may start */
    int jobs_per_jvm;         /* a JVM is recycled after this many jobs */
    const char *java;         /* path of the java launcher */
    const char *classes_dir;  /* where the runner's .class files are */
    const char *scratch_dir;  /* the only place jobs may write files */
    const char *log_dir;      /* NULL: no log file */
    int node_id;              /* names the log file and fills result.worker_id */
} zr_runner_config_t;

void zr_runner_config_defaults(zr_runner_config_t *config);

/* Starts the JVMs; returns NULL (and logs why) if they cannot be started.
 * Usage:  zsock_send(pool, "s8b", "RUN", (uint64_t) id, source, source_len);
 *         zmsg_t *reply = zmsg_recv(pool);  -> "RESULT" ... (see zr_job.h)
 * Also:   zstr_send(pool, "STATS") -> one string frame "key=value ..." for /metrics. */
zactor_t *zr_runner_pool_new(const zr_runner_config_t *config);

#endif
