/* zr_config: the cluster file (ZPL, read with czmq's zconfig), validated into plain structs.
 * Every problem is reported as one line naming the file, the key and what is wrong. */
#ifndef ZR_CONFIG_H
#define ZR_CONFIG_H
#include <stddef.h>
#include "runtime/zr_timings.h"

#define ZR_CONFIG_MAX_NODES 64

typedef enum { ZR_ROLE_PEER, ZR_ROLE_GATEWAY } zr_node_role_t;

typedef struct {
    int id;
    zr_node_role_t role;
    char host[256];     /* as written */
    char ipv4[16];      /* resolved */
    int udp_port;       /* election and gossip (DISH) */
    int tcp_port;       /* work (ROUTER): always udp_port + 2 (udp_port + 1: socket events) */
    int http_port;      /* logs, metrics, health; the gateway's public API */
} zr_node_config_t;

typedef struct {
    char log_dir[512];
    int log_level;                 /* zr_log_level_t */
    zr_timings_t timings;          /* derived from the base interval unless the file sets them */
    int queue_deadline_ms;         /* gateway: how long a request waits for a leader */
    long body_limit;               /* largest accepted request body, bytes */
    int runner_jvms;
    int runner_spare_jvms;
    int runner_wall_ms;
    int runner_heap_mb;
    long runner_output_limit;
    int runner_max_threads;
    int runner_jobs_per_jvm;
    int runner_nice;               /* JVMs run SCHED_BATCH at this nice level, below the node */
    int runner_c1_only;            /* 1: the JVMs' JIT stops at C1 (-XX:TieredStopAtLevel=1) */
    int runner_idle_warm_up_jobs;  /* each JVM's warm-up jobs on idle CPU after ready; 0: none */
    /* members only (runtime/zr_keys.h): the key directory `zrun keygen` made, or insecure */
    char keys_dir[512];            /* empty: not set (a process then refuses to start) */
    int insecure;                  /* 1: no CURVE, no datagram authentication (loudly logged) */
    /* the public door (the gateway's and zrun serve's HTTP front) */
    char tokens_file[512];         /* empty: no bearer tokens required */
    int max_pending;               /* jobs held at once; more get 503 + Retry-After */
    int max_in_flight_per_client;  /* jobs one client address has in flight; more get 429 */
    int max_connections_per_client;/* open connections per client address; more are refused */
    int header_timeout_ms;         /* a connection must send its headers within this */
    int retry_after_s;             /* the Retry-After of 429 and 503 */
    zr_node_config_t nodes[ZR_CONFIG_MAX_NODES];
    size_t node_count;
} zr_config_t;

/* Defaults for everything but the nodes (which a file must list). */
void zr_config_defaults(zr_config_t *config);
/* Loads and validates a file; NULL with "<path>: <key>: <problem>" in err. */
zr_config_t *zr_config_load(const char *path, char *err, size_t err_size);
/* The same from text in memory; name is used in error messages. */
zr_config_t *zr_config_parse(const char *text, const char *name, char *err, size_t err_size);
void zr_config_destroy(zr_config_t **self_p);

const zr_node_config_t *zr_config_node(const zr_config_t *self, int id);
/* The node's index in nodes[], or -1 if the file has no such id. */
int zr_config_index(const zr_config_t *self, int64_t id);
/* Number of nodes that vote (every node but the gateway). */
size_t zr_config_voter_count(const zr_config_t *self);

#endif
