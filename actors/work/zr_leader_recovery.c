/* zr_leader_recovery: a new leader gathers what its workers hold before it hands out work:
 * RECOVERY_REQUEST to each, and every RECOVERY_ANSWER entry fed to the dispatch core. */
#include "actors/work/zr_leader_internal.h"
#include "actors/work/zr_work_events.h"
#include "proto/zr_proto_frame.h"

void leader_recovery_ask_one(leader_t *self, int64_t worker_id)
{
    zr_proto_msg_t msg = { .type = ZR_MSG_RECOVERY_REQUEST };
    msg.recovery_request = (zr_recovery_request_msg_t) { self->env->node_id, self->role.epoch };
    zframe_t *frame = zr_proto_frame_encode(&msg);
    leader_send_to_worker(self, worker_id, &frame);
}

void leader_recovery_ask(leader_t *self)
{
    int64_t ids[ZR_CONFIG_MAX_NODES + 1];
    size_t count = zr_dispatch_recovery_due(self->dispatch, zr_env_now(self->env), ids, ZR_CONFIG_MAX_NODES + 1);
    for (size_t i = 0; i < count; i++)
        leader_recovery_ask_one(self, ids[i]);
}

/* A result the worker finished for an earlier leader: kept for the gateway's re-send, or
 * forwarded now if the gateway already asked again. */
static void recovered_result(leader_t *self, int64_t worker_id, const zr_recovery_answer_msg_t *answer)
{
    const zr_work_result_msg_t *result = &answer->result;
    zr_proto_msg_t msg = { .type = ZR_MSG_WORK_RESULT, .work_result = *result };
    zframe_t *encoded = zr_proto_frame_encode(&msg);
    if (!encoded) {
        self->malformed++;
        return;
    }
    zr_dispatch_verdict_t verdict = zr_dispatch_recovered_result(self->dispatch, worker_id, answer->leader_epoch,
        result->gateway_id, result->request_id, zframe_data(encoded), zframe_size(encoded));
    zframe_destroy(&encoded);
    if (verdict != ZR_DISPATCH_STALE_EPOCH)   /* we have it now: the worker may forget it */
        leader_acknowledge(self, worker_id, result->gateway_id, result->request_id);
    if (verdict == ZR_DISPATCH_ACCEPTED || verdict == ZR_DISPATCH_STORED)
        zr_work_events_recovered(self->events, self->log, worker_id, result->gateway_id, result->request_id, false);
    if (verdict == ZR_DISPATCH_ACCEPTED)
        leader_answer_from_cache(self, result->gateway_id, result->request_id);
}

static void recovered_running(leader_t *self, int64_t worker_id, const zr_recovery_answer_msg_t *answer)
{
    zr_dispatch_verdict_t verdict = zr_dispatch_recovered_running(self->dispatch, worker_id, answer->leader_epoch,
        answer->gateway_id, answer->request_id, zr_env_now(self->env));
    if (verdict == ZR_DISPATCH_ADOPTED)
        zr_work_events_recovered(self->events, self->log, worker_id, answer->gateway_id, answer->request_id, true);
    else
        zr_debug(self->log, "request %llu running at %lld: %s", (unsigned long long) answer->request_id,
                 (long long) worker_id, zr_dispatch_verdict_name(verdict));
}

void leader_recovery_answer(leader_t *self, int64_t worker_id, const zr_recovery_answer_msg_t *answer)
{
    if (answer->follower_id != worker_id) {
        self->malformed++;
        return;
    }
    if (answer->entry == ZR_RECOVERY_RESULT)
        recovered_result(self, worker_id, answer);
    else if (answer->entry == ZR_RECOVERY_RUNNING)
        recovered_running(self, worker_id, answer);
    if (!zr_recovery_answer_is_last(answer))
        return;
    int64_t now = zr_env_now(self->env);
    size_t lost = zr_dispatch_rejoin_answered(self->dispatch, worker_id, answer->leader_epoch, now);
    if (lost > 0)
        zr_info(self->log, "worker %lld does not run %zu requests its previous incarnation was given: "
                "they go to others", (long long) worker_id, lost);
    if (zr_dispatch_recovery_answered(self->dispatch, worker_id, answer->leader_epoch, now))
        zr_debug(self->log, "worker %lld answered the recovery (%u entries)", (long long) worker_id,
                 (unsigned) answer->total);
}

int64_t leader_ask_untold(leader_t *self)
{
    int64_t ids[ZR_CONFIG_MAX_NODES];
    size_t count = zr_dispatch_untold(self->dispatch, ids, ZR_CONFIG_MAX_NODES);
    if (count == 0 || zr_dispatch_recovering(self->dispatch))
        return -1;   /* the recovery asks everyone anyway */
    int64_t now = zr_env_now(self->env);
    if (now >= self->next_hello_ask) {
        for (size_t i = 0; i < count; i++)
            leader_recovery_ask_one(self, ids[i]);
        self->next_hello_ask = now + self->env->config->timings.fail_after_ms;
    }
    return self->next_hello_ask;
}

void leader_recovery_report(leader_t *self)
{
    if (self->recovery_reported || zr_dispatch_recovering(self->dispatch))
        return;
    self->recovery_reported = true;
    zr_dispatch_stats_t stats;
    zr_dispatch_stats(self->dispatch, &stats);
    zr_info(self->log, "recovery done in %lld ms: %llu finished results collected, %llu running jobs adopted, "
            "%llu workers late", (long long) stats.recovery_ms, (unsigned long long) stats.recovered_results,
            (unsigned long long) stats.adopted, (unsigned long long) stats.recovery_late);
}
