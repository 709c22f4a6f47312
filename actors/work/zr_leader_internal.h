/* zr_leader_internal: the leader actor's state, shared by its files: zr_leader.c (gateways,
 * worker links, results, acks) and zr_leader_recovery.c (gathering what workers hold). */
#ifndef ZR_LEADER_INTERNAL_H
#define ZR_LEADER_INTERNAL_H
#include "actors/work/zr_roles.h"
#include "actors/work/zr_dispatch.h"
#include "proto/zr_proto.h"
#include "runtime/zr_event.h"
#include "runtime/zr_log.h"

typedef struct {
    int64_t id;
    zsock_t *dealer;             /* NULL for the leader's own worker: it is the jobs link */
    zr_work_ack_msg_t *ack;      /* results forwarded since the last flush, to acknowledge */
} worker_link_t;

typedef struct {
    zr_role_args_t role;
    const zr_env_t *env;
    zr_dispatch_t *dispatch;
    zsock_t *link;                                  /* the TCP relay: gateways talk here */
    zsock_t *jobs;                                  /* the node's own worker */
    worker_link_t own;                              /* its acks */
    worker_link_t workers[ZR_CONFIG_MAX_NODES];
    size_t worker_count;
    zhash_t *gateway_routes;                        /* gateway id -> its identity at our ROUTER */
    zpoller_t *poller;
    zr_log_t *log;
    zr_proto_msg_t *decoded;                        /* scratch: a WORK_ACK is 8 kB */
    uint64_t fenced, malformed;
    bool recovery_reported;
    int64_t next_hello_ask;                         /* when workers that never said hello are asked again */
    zr_events_t *events;
} leader_t;

/* Sends an encoded message to worker id (the leader's own id: its own worker). */
void leader_send_to_worker(leader_t *self, int64_t id, zframe_t **frame);
/* The leader has worker id's result of the job: the worker may forget it (sent in batches). */
void leader_acknowledge(leader_t *self, int64_t worker_id, int64_t gateway_id, uint64_t request_id);
/* A completed request's cached answer, stamped with our id and epoch, to its gateway. */
void leader_answer_from_cache(leader_t *self, int64_t gateway_id, uint64_t request_id);

/* Asks the workers the dispatch core names (all at first, then the silent ones again). */
void leader_recovery_ask(leader_t *self);
/* Asks one worker (e.g. one that joined later: it says its slots, and may hold results). */
void leader_recovery_ask_one(leader_t *self, int64_t worker_id);
/* One RECOVERY_ANSWER from worker_id: its entry goes into the dispatch core. */
void leader_recovery_answer(leader_t *self, int64_t worker_id, const zr_recovery_answer_msg_t *answer);
/* Asks again, once per fail period, the workers that have not said their slots (a node still
 * warming up holds the request until its worker runs). Returns when to call it next, or -1. */
int64_t leader_ask_untold(leader_t *self);
/* Logs the recovery's outcome once it is over. */
void leader_recovery_report(leader_t *self);

#endif
