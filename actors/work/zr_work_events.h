/* zr_work_events: what the leader tells about each request, in one call per step: an event on
 * the monitor port and a log line, both naming the request (assigned, reassigned, completed). */
#ifndef ZR_WORK_EVENTS_H
#define ZR_WORK_EVENTS_H
#include "actors/work/zr_dispatch.h"
#include "proto/zr_work_result_msg.h"
#include "runtime/zr_event.h"
#include "runtime/zr_log.h"

/* An assignment from the dispatch core: attempt 1 is request.assigned, later ones reassigned. */
void zr_work_events_assigned(zr_events_t *events, zr_log_t *log, const zr_dispatch_assignment_t *out);
/* A new leader's recovery found the request finished (running false) or running at worker_id. */
void zr_work_events_recovered(zr_events_t *events, zr_log_t *log, int64_t worker_id, int64_t gateway_id,
                              uint64_t request_id, bool running);
/* A result the leader accepted and forwards to the gateway. */
void zr_work_events_completed(zr_events_t *events, zr_log_t *log, const zr_work_result_msg_t *result);

#endif
