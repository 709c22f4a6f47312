/* zr_runner_pool: an actor that keeps warm, contained JVMs and runs compile-and-run jobs.
 * Its pipe speaks zr_inproc.h's runner-pool messages: RUN a WORK_REQUEST, one RESULT back. */
#ifndef ZR_RUNNER_POOL_H
#define ZR_RUNNER_POOL_H
#include <czmq.h>
#include <stdbool.h>
#include <stddef.h>
#include "runtime/zr_config.h"

typedef struct {
    int jvms;                 /* warm JVMs running jobs at once */
    int spare_jvms;           /* warm JVMs more, kept idle: a killed or recycled one is replaced at once */
    int wall_ms;              /* time limit for one job (compile + run) */
    int heap_mb;              /* -Xmx of each JVM */
    size_t output_limit;      /* bytes a job may print (stdout + stderr) */
    int max_threads;          /* threads a job may start */
    int jobs_per_jvm;         /* a JVM is recycled after this many jobs */
    int nice;                 /* 0..19: JVMs run this much below the node's own threads */
    bool c1_only;             /* the JIT stops at C1: far less compiling, for many JVMs on few cores */
    int idle_warm_up_jobs;    /* each JVM's burst of warm-up jobs after ready, on idle CPU, until its
                                 first job (as root: the pool must raise it again); 0: none */
    const char *java;         /* path of the java launcher */
    const char *classes_dir;  /* where the runner's .class files are */
    const char *scratch_dir;  /* the only place jobs may write files */
    const char *log_dir;      /* NULL: no log file */
    int node_id;              /* names the log file and fills result.worker_id */
    bool no_security_manager; /* tests: run jobs as JDK 24 would (no SecurityManager): the OS walls
                                 and recycling alone must contain them */
    const char *event_prefix; /* the process's inproc prefix: JVM starts, recycles and kills go
                                 to its monitor as events (runtime/zr_event.h); NULL: none */
} zr_runner_config_t;

void zr_runner_config_defaults(zr_runner_config_t *config);
/* The runner settings of node_id in a cluster file (its runner section, log dir, node id). */
void zr_runner_config_from_cluster(zr_runner_config_t *config, const zr_config_t *cluster, int node_id);

/* Starts the JVMs; returns NULL (and logs why) if they cannot be started.
 * Usage:  zr_inproc_run(pool, &request);   then zr_inproc_reply_recv(pool, &reply) -> RESULT
 * Also:   zstr_send(pool, "STATS") -> POOL_STATS (zr_pool_stats_t) for /metrics. */
zactor_t *zr_runner_pool_new(const zr_runner_config_t *config);

#endif
