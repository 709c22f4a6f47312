/* zr_inproc: the contract between the actors of one process: who an actor is (zr_env_t), where
 * its neighbours listen (one per-process prefix), and every message they exchange, typed. */
#ifndef ZR_INPROC_H
#define ZR_INPROC_H
#include <czmq.h>
#include <stdbool.h>
#include <stdint.h>
#include "proto/zr_proto.h"
#include "runtime/zr_clock.h"
#include "runtime/zr_config.h"
#include "runtime/zr_event_kinds.h"
#include "runtime/zr_histogram.h"
#include "runtime/zr_keys.h"
#include "runtime/zr_metrics.h"

/* ==== who an actor is ====================================================================
 * Every actor of a node or gateway gets the same environment: the cluster file, its node id,
 * the incarnation it started as (wall-clock ms at start: it grows across restarts), the prefix
 * of its process's inproc endpoints (several nodes can live in one test process, each under its
 * own prefix), the clock it reads time from, and whether a monitor actor reads socket events
 * in this process (libzmq blocks a monitored socket whose events nobody reads), and the keys it
 * proves membership with (NULL: no CURVE, no datagram authentication; the process actor loads
 * them, and allows NULL only with cluster/insecure = 1). */
typedef struct {
    const zr_config_t *config;
    int node_id;
    uint64_t incarnation;
    char prefix[64];
    zr_clock_t clock;
    bool monitored;
    const zr_keys_t *keys;
} zr_env_t;

/* prefix NULL: "zrun-<node_id>"; incarnation now (wall ms); the monotonic clock; no monitor. */
void zr_env_init(zr_env_t *env, const zr_config_t *config, int node_id, const char *prefix);
int64_t zr_env_now(const zr_env_t *env);
/* This node's entry in the cluster file (NULL if it has none). */
const zr_node_config_t *zr_env_me(const zr_env_t *env);

/* ==== where neighbours listen ============================================================
 * "inproc://<prefix>-<name>"; the binding side is named first. */
typedef enum {
    ZR_INPROC_UDP_IN,         /* UDP receiver PUB -> SUB by message type (udp_in_*) */
    ZR_INPROC_UDP_OUT,        /* producers PUSH -> UDP sender PULL (udp_post) */
    ZR_INPROC_MEMBERS,        /* heartbeat PUB -> SUB: membership changes (member_*) */
    ZR_INPROC_LEADER,         /* peer server PUB -> SUB: state and known leader (leader_*) */
    ZR_INPROC_WORK,           /* TCP server DEALER <-> the role actor's DEALER (work_*) */
    ZR_INPROC_MONITOR,        /* socket owners PUSH -> monitor actor PULL (monitor_*) */
    ZR_INPROC_EVENTS,         /* any actor PUSH -> monitor actor PULL: cluster events (event_*) */
    ZR_INPROC_PAGES,          /* any actor PUSH -> HTTP front PULL: PAGE and METRICS (pages_*) */
    ZR_INPROC_JOBS,           /* the node's worker DEALER <-> the role actor's DEALER (jobs_*) */
} zr_inproc_endpoint_t;

/* Writes the endpoint into buf (256 bytes) and returns buf. */
const char *zr_inproc_endpoint(const zr_env_t *env, zr_inproc_endpoint_t which, char buf[256]);
/* A socket of `type` (linger 0) bound to the endpoint; NULL with the reason in err. */
zsock_t *zr_inproc_bind(const zr_env_t *env, int type, zr_inproc_endpoint_t which, char *err,
                        size_t err_size);
/* A socket of `type` (linger 0) connected to the endpoint (inproc may connect before bind). */
zsock_t *zr_inproc_connect(const zr_env_t *env, int type, zr_inproc_endpoint_t which);

/* ==== published streams ==================================================================
 * Validated datagrams: [type u8][the encoded message]. Subscribers pick one message type. */
int zr_inproc_udp_in_publish(zsock_t *pub, zr_msg_type_t type, const uint8_t *data, size_t size);
zsock_t *zr_inproc_udp_in_subscribe(const zr_env_t *env, zr_msg_type_t type);
/* The encoded message (caller destroys), NULL if what arrived is not one. */
zframe_t *zr_inproc_udp_in_recv(zsock_t *sub);

/* Datagrams to send: [peer id][group][payload]; peer ZR_INPROC_BROADCAST: every peer. */
#define ZR_INPROC_BROADCAST (-1)
zsock_t *zr_inproc_udp_out_connect(const zr_env_t *env);
int zr_inproc_udp_post(zsock_t *push, int peer_id, int group, const uint8_t *data, size_t size);
/* The sender's side: false (nothing set) if the message is malformed. payload is the caller's. */
bool zr_inproc_udp_take(zsock_t *pull, int *peer_id, int *group, zframe_t **payload);

/* Membership: a peer's state as the failure detector sees it, for one incarnation of it (each
 * start of a process is a new incarnation; a failed one never comes back). */
typedef enum { ZR_MEMBER_ALIVE, ZR_MEMBER_SUSPECT, ZR_MEMBER_FAILED } zr_member_state_t;
typedef struct {
    int64_t id;
    uint64_t incarnation;
    zr_member_state_t state;
} zr_member_event_t;

/* The election as this process sees it: its state and the leader it knows (-1: none). */
typedef struct {
    zr_peer_state_t state;
    int64_t leader_id;
    uint64_t epoch;
} zr_leader_view_t;

/* The heartbeat actor publishes membership changes, the peer server its view; anyone listens. */
int zr_inproc_member_publish(zsock_t *pub, const zr_member_event_t *event);
int zr_inproc_leader_publish(zsock_t *pub, const zr_leader_view_t *view);
zsock_t *zr_inproc_members_subscribe(const zr_env_t *env);
zsock_t *zr_inproc_leader_subscribe(const zr_env_t *env);
/* False (nothing set) if what arrived is not one. */
bool zr_inproc_member_recv(zsock_t *sub, zr_member_event_t *event);
bool zr_inproc_leader_recv(zsock_t *sub, zr_leader_view_t *view);

/* ==== the work link: the role actor and the node's TCP server ============================
 * Both ways a message is [peer identity at the ROUTER][one encoded proto message]; the role
 * actor says ATTACH when it starts and DETACH when it stops (the server holds messages
 * meanwhile). */
zsock_t *zr_inproc_work_link_open(const zr_env_t *env);
void zr_inproc_work_link_close(zsock_t **link_p);
/* Sends [identity][payload]; takes the payload, copies the identity. */
int zr_inproc_work_send(zsock_t *link, zframe_t *identity, zframe_t **payload);
/* The next message from the link: true with both frames (the caller's), false if malformed. */
bool zr_inproc_work_recv(zsock_t *link, zframe_t **identity, zframe_t **payload);
/* The TCP server's side of ATTACH/DETACH: 1 attach, 0 detach, -1 not a control message. */
int zr_inproc_work_control(zmsg_t *msg);

/* ==== the jobs link: the role actor and the node's worker =================================
 * Both ways a message is one frame, one encoded proto message. Role actor -> worker:
 * WORK_REQUEST (run it, once), WORK_ACK (forget these results), RECOVERY_REQUEST (hand over
 * what you hold); worker -> role actor: WORK_RESULT, RECOVERY_ANSWER. ATTACH and DETACH as on
 * the work link (zr_inproc_work_control): the worker (a ROUTER) answers only the role actor
 * attached last, never one that is going; while none is attached it only holds. */
zsock_t *zr_inproc_jobs_link_open(const zr_env_t *env);
void zr_inproc_jobs_link_close(zsock_t **link_p);

/* ==== socket events for the monitor actor ================================================= */
/* Hands a PAIR connected to a socket's libzmq monitor endpoint, and the socket's name. */
int zr_inproc_monitor_register(const zr_env_t *env, zsock_t *pair, const char *name);
bool zr_inproc_monitor_take(zsock_t *control, zsock_t **pair, char **name);

/* ==== cluster events for the monitor actor =================================================
 * Any actor -> monitor (ZR_INPROC_EVENTS): [kind][t_ms][fields][reason][dropped]: fields are
 * logfmt ("key=value ..."), reason free text ("" if none), dropped the events that sender
 * could not hand over since its previous one (its queue was full). runtime/zr_event.h is the
 * API actors use; the monitor adds node and seq and publishes the line (zr_event_line.h). */
typedef struct {
    zr_event_kind_t kind;
    int64_t t_ms;
    char *fields, *reason;    /* owned until zr_inproc_event_fini */
    uint64_t dropped;
} zr_inproc_event_t;

/* A PUSH to the monitor that never blocks (sends fail when its queue of `hwm` is full). */
zsock_t *zr_inproc_events_connect(const zr_env_t *env, int hwm);
/* -1 (nothing sent) if the monitor's queue is full or gone. */
int zr_inproc_event_send(zsock_t *push, const zr_inproc_event_t *event);
/* false (nothing to free) if what arrived is not an event. */
bool zr_inproc_event_take(zsock_t *pull, zr_inproc_event_t *event);
void zr_inproc_event_fini(zr_inproc_event_t *event);

/* ==== actor pipes: commands from the owner ================================================
 * Every command is [name][arguments]; zr_inproc_command_recv decodes the ones below, and any
 * other (e.g. "$TERM") arrives with its name only. */
#define ZR_CMD_TERM "$TERM"
#define ZR_CMD_STATS "STATS"              /* -> zr_inproc_stats_reply: a metric set */
#define ZR_CMD_METRICS "METRICS"          /* text: lines to add to the actor's /metrics */
#define ZR_CMD_WORKER "WORKER"            /* pointer: the node's worker (a zactor), ready for jobs */
#define ZR_CMD_WORKER_UP "WORKER_UP"      /* id: a peer heard for the first time may work */
#define ZR_CMD_WORKER_DOWN "WORKER_DOWN"  /* id: a worker failed */
#define ZR_CMD_WORKER_BACK "WORKER_BACK"  /* id: a live worker came back as a new incarnation */
#define ZR_CMD_RUN "RUN"                  /* frame: a WORK_REQUEST for the runner pool */
#define ZR_CMD_REPORT "REPORT"            /* metric set: the process's merged figures */

typedef struct {
    char name[16];
    int64_t id;           /* WORKER_UP, WORKER_DOWN, WORKER_BACK */
    void *pointer;        /* WORKER */
    char *text;           /* METRICS: owned until zr_inproc_command_fini */
    zframe_t *frame;      /* RUN: owned until zr_inproc_command_fini */
    zr_metrics_t *metrics;   /* REPORT: owned until zr_inproc_command_fini */
} zr_inproc_command_t;

/* False if nothing could be read (interrupted): the actor ends as on $TERM. A command whose
 * arguments are malformed arrives with an empty name (ignore it). */
bool zr_inproc_command_recv(zsock_t *pipe, zr_inproc_command_t *command);
void zr_inproc_command_fini(zr_inproc_command_t *command);
bool zr_inproc_is(const zr_inproc_command_t *command, const char *name);

int zr_inproc_send_id(void *actor, const char *name, int64_t id);
int zr_inproc_send_worker(void *peer_server, zactor_t *worker);
int zr_inproc_send_metrics(void *actor, const char *lines);
/* Sends STATS and waits for the actor's samples (caller destroys; NULL if none came or the
 * answer was malformed). The reply takes the set (and sends an empty one for NULL). */
zr_metrics_t *zr_inproc_stats(void *actor);
int zr_inproc_stats_reply(zsock_t *pipe, zr_metrics_t **set);
/* For an actor whose pipe takes only STATS and $TERM: receives one command and answers STATS
 * with the set stats(self) builds. False when the actor must end. */
typedef zr_metrics_t *(zr_inproc_stats_fn)(void *self);
bool zr_inproc_serve_stats(zsock_t *pipe, zr_inproc_stats_fn *stats, void *self);
/* REPORT: hands a copy of the process's merged figures to an actor that renders from them. */
int zr_inproc_send_report(void *actor, const zr_metrics_t *set);

/* ==== the runner pool =====================================================================
 * owner -> pool: RUN [WORK_REQUEST]: exactly one RESULT comes back, echoing the request's
 *                gateway id, request id, leader id and epoch, with worker id = the node's;
 *                STATS: one POOL_STATS comes back.
 * pool -> owner: RESULT [WORK_RESULT] | POOL_STATS [zr_pool_stats_t]. */
typedef struct {
    uint32_t jvms, idle, busy, starting, queued;
    uint64_t jobs, ok, compile_errors, runtime_errors, limits, internal, timeouts, deaths, spawns;
    uint64_t recycles;
    int64_t rss_kb;
    zr_histogram_t compile, run;   /* as the JVMs measured each job */
    double recent_p50_ms;          /* compile + run, latest jobs; < 0 while there are none */
} zr_pool_stats_t;

int zr_inproc_run(void *pool, const zr_work_request_msg_t *request);
/* The same with an already encoded WORK_REQUEST frame (taken), e.g. one that came over TCP. */
int zr_inproc_run_forward(void *pool, zframe_t **frame);
int zr_inproc_pool_stats_reply(zsock_t *pipe, const zr_pool_stats_t *stats);
/* Asks the pool for its figures; POOL_STATS arrives among its RESULTs (zr_inproc_reply_recv). */
int zr_inproc_pool_stats_request(void *pool);
/* The pool's figures as samples (zrun_runner_*), for whoever owns the pool's pipe. */
void zr_pool_stats_metrics(const zr_pool_stats_t *stats, zr_metrics_t *set);

/* ==== results: the pool's answers, the gateway's answers to its HTTP front ================ */
int zr_inproc_result_send(void *dest, const zr_work_result_msg_t *result);
/* Sends RESULT with an already encoded WORK_RESULT frame (taken). */
int zr_inproc_result_forward(void *dest, zframe_t **frame);

/* What a pool or an HTTP front owner reads: one of the messages above. */
typedef enum { ZR_REPLY_NONE, ZR_REPLY_RESULT, ZR_REPLY_POOL_STATS, ZR_REPLY_JOB,
               ZR_REPLY_GONE } zr_reply_kind_t;
typedef struct {
    zr_reply_kind_t kind;
    zframe_t *frame;            /* RESULT: the WORK_RESULT (decoded into result); JOB: the source */
    zr_work_result_msg_t result;   /* RESULT: points into frame */
    zr_pool_stats_t stats;      /* POOL_STATS */
    uint64_t job_id;            /* JOB, GONE */
} zr_reply_t;
/* Reads one message; NONE if it was none of them or malformed (counted by the caller). */
zr_reply_kind_t zr_inproc_reply_recv(void *from, zr_reply_t *reply);
void zr_inproc_reply_fini(zr_reply_t *reply);

/* ==== the HTTP front ======================================================================
 * front -> owner: once at start "READY" port | "ERROR" reason (zr_http_front_new reads it);
 *                 JOB id source   one per accepted POST /compileandrun (zr_inproc_reply_recv)
 *                 GONE id         the job's client hung up while it waited: the owner may drop it
 *                                 (an answer that still comes is dropped by the front)
 * owner -> front: RESULT (above)  answers the job whose id is the result's request id
 *                 FAIL id status reason   answers it with that HTTP status
 *                 METRICS lines   exposition lines appended to /metrics
 *                 PAGE path status plain json [type]   from now on GET path answers status
 *                                 with plain (of Content-Type type, default text/plain), or with
 *                                 json (if not empty) to Accept: application/json
 *                 $TERM           waiting clients get 503, the front ends
 * Every JOB gets exactly one RESULT or FAIL, unless GONE came first; answers may come in any
 * order. PAGE and METRICS may also come from any actor of the process through the pages endpoint
 * (a front started with zr_http_front_for_env binds it): the process publishes /metrics and
 * /node there, the gateway's status collector /status. */
int zr_inproc_job_send(zsock_t *pipe, uint64_t id, const void *source, size_t size);
int zr_inproc_gone_send(zsock_t *pipe, uint64_t id);
int zr_inproc_fail_send(void *front, uint64_t id, int status, const char *reason);
int zr_inproc_page_send(void *front, const char *path, int status, const char *plain,
                        const char *json);
/* A page with one body of that Content-Type whatever Accept says (GET / as text/html). */
int zr_inproc_typed_page_send(void *front, const char *path, int status, const char *type,
                              const char *body);

/* A PUSH to the process's front (ZR_INPROC_PAGES) that never blocks: when the front is gone
 * or slow, zr_inproc_page_send / zr_inproc_send_metrics on it fail instead. */
zsock_t *zr_inproc_pages_connect(const zr_env_t *env);

/* The front's side: one owner message, decoded. */
typedef enum { ZR_FRONT_NONE, ZR_FRONT_TERM, ZR_FRONT_RESULT, ZR_FRONT_FAIL, ZR_FRONT_METRICS,
               ZR_FRONT_PAGE } zr_front_kind_t;
typedef struct {
    zr_front_kind_t kind;
    zframe_t *frame;               /* RESULT */
    zr_work_result_msg_t result;   /* RESULT: points into frame */
    uint64_t id;                   /* FAIL */
    int status;                    /* FAIL, PAGE */
    char *text;                    /* FAIL: reason; METRICS: lines; PAGE: plain */
    char *path, *json, *type;      /* PAGE (type: NULL for text/plain) */
} zr_front_msg_t;
/* False if nothing could be read; NONE for a malformed message (ignore it). */
bool zr_inproc_front_recv(zsock_t *pipe, zr_front_msg_t *msg);
void zr_inproc_front_fini(zr_front_msg_t *msg);

#endif
