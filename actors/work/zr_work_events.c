/* zr_work_events: request.assigned / reassigned / recovered / completed events and their
 * log lines ("request <id>: ..."), so one request can be followed through the leader. */
#include "actors/work/zr_work_events.h"
#include "proto/zr_job_status.h"

void zr_work_events_assigned(zr_events_t *events, zr_log_t *log, const zr_dispatch_assignment_t *out)
{
    bool again = out->attempt > 1;
    zr_event_emit(events, again ? ZR_EVENT_REQUEST_REASSIGNED : ZR_EVENT_REQUEST_ASSIGNED,
                  "request=%llu gateway=%lld worker=%lld epoch=%llu attempt=%u",
                  (unsigned long long) out->request_id, (long long) out->gateway_id,
                  (long long) out->worker_id, (unsigned long long) out->epoch, out->attempt);
    zr_log_write(log, again ? ZR_LOG_INFO : ZR_LOG_DEBUG, "request %llu: %s to worker %lld (attempt %u)",
                 (unsigned long long) out->request_id, again ? "reassigned" : "assigned",
                 (long long) out->worker_id, out->attempt);
}

void zr_work_events_recovered(zr_events_t *events, zr_log_t *log, int64_t worker_id, int64_t gateway_id,
                              uint64_t request_id, bool running)
{
    const char *as = running ? "running" : "result";
    zr_event_emit(events, ZR_EVENT_REQUEST_RECOVERED, "request=%llu gateway=%lld worker=%lld as=%s",
                  (unsigned long long) request_id, (long long) gateway_id, (long long) worker_id, as);
    zr_info(log, "request %llu: recovered from worker %lld (%s)", (unsigned long long) request_id,
            (long long) worker_id, running ? "still running there: waiting for it" : "finished there");
}

void zr_work_events_completed(zr_events_t *events, zr_log_t *log, const zr_work_result_msg_t *result)
{
    const char *status = zr_job_status_name((zr_job_status_t) result->status);
    zr_event_emit(events, ZR_EVENT_REQUEST_COMPLETED,
                  "request=%llu gateway=%lld worker=%lld status=%s compile_ms=%u run_ms=%u",
                  (unsigned long long) result->request_id, (long long) result->gateway_id,
                  (long long) result->worker_id, status, result->compile_ms, result->run_ms);
    zr_debug(log, "request %llu: %s from worker %lld (compile %u ms, run %u ms), to gateway %lld",
             (unsigned long long) result->request_id, status, (long long) result->worker_id,
             result->compile_ms, result->run_ms, (long long) result->gateway_id);
}
