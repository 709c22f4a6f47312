/* zr_heartbeat: gossip shell. Feeds gossip from the UDP receiver into the core, posts its
 * messages to the UDP sender, logs its facts in the contract's words, announces failures. */
#include "actors/gossip/zr_heartbeat.h"
#include "actors/gossip/zr_gossip.h"
#include "actors/gossip/zr_gossip_text.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_inproc.h"
#include "runtime/zr_log.h"
#include "runtime/zr_udp_bus.h"

typedef struct {
    const zr_env_t *env;
    zr_gossip_t *gossip;
    zsock_t *incoming, *udp_out, *members;
    zr_log_t *log, *summary, *verbose;
    zr_gossip_msg_t *scratch;       /* decoded message: 1.3 KB, kept off the stack */
    uint64_t malformed;
} heartbeat_t;

/* Each fact goes where the contract says: RECEIVED to the verbose log, UPDATED to the summary
 * log, FAILED to the summary log and stdout, CLEANED to the actor's own debug log. */
static void write_facts(heartbeat_t *self)
{
    zr_gossip_fact_t fact;
    char line[2048];
    while (zr_gossip_next_fact(self->gossip, &fact)) {
        zr_gossip_fact_text(&fact, line, sizeof line);
        if (fact.kind == ZR_GOSSIP_FACT_RECEIVED)
            zr_log_fact(self->verbose, false, "%s", line);
        else if (fact.kind == ZR_GOSSIP_FACT_UPDATED)
            zr_log_fact(self->summary, false, "%s", line);
        else if (fact.kind == ZR_GOSSIP_FACT_FAILED)
            zr_log_fact(self->summary, true, "%s", line);
        else
            zr_debug(self->log, "%s", line);
    }
}

static void flush(heartbeat_t *self)
{
    zr_gossip_output_t out;
    while (zr_gossip_next_output(self->gossip, &out)) {
        uint8_t buffer[ZR_UDP_MAX_PAYLOAD];
        size_t length = 0;
        if (zr_gossip_msg_encode(&out.msg, buffer, sizeof buffer, &length) == ZR_ENCODE_OK)
            zr_inproc_udp_post(self->udp_out, (int) out.to_id, ZR_GROUP_GOSSIP, buffer, length);
    }
    write_facts(self);
    zr_member_event_t failure = { .state = ZR_MEMBER_FAILED };
    while (zr_gossip_next_failure(self->gossip, &failure.id))
        zr_inproc_member_publish(self->members, &failure);
}

static void from_network(heartbeat_t *self)
{
    zr_gossip_msg_t *msg = self->scratch;
    zframe_t *payload = zr_inproc_udp_in_recv(self->incoming);
    if (payload && zr_gossip_msg_decode(zframe_data(payload), zframe_size(payload), msg) == ZR_DECODE_OK)
        zr_gossip_receive(self->gossip, msg, zr_env_now(self->env));
    else
        self->malformed++;
    zframe_destroy(&payload);
}

static bool handle_pipe(heartbeat_t *self, zsock_t *pipe)
{
    zr_inproc_command_t command;
    bool go_on = zr_inproc_command_recv(pipe, &command) && !zr_inproc_is(&command, ZR_CMD_TERM);
    if (zr_inproc_is(&command, ZR_CMD_STATS)) {
        zr_gossip_stats_t stats;
        zr_gossip_stats(self->gossip, &stats);
        zstr_sendf(pipe, "zrun_gossip_received_total %llu\nzrun_gossip_merged_total %llu\n"
                   "zrun_gossip_dropped_total{reason=\"from_failed\"} %llu\n"
                   "zrun_gossip_dropped_total{reason=\"malformed\"} %llu\n"
                   "zrun_gossip_failures_total %llu\nzrun_gossip_heartbeat_seq %llu\n",
                   (unsigned long long) stats.received, (unsigned long long) stats.merged,
                   (unsigned long long) stats.from_failed, (unsigned long long) self->malformed,
                   (unsigned long long) stats.failures, (unsigned long long) stats.heartbeat_seq);
    }
    zr_inproc_command_fini(&command);
    return go_on;
}

static int heartbeat_start(heartbeat_t *self, char *err, size_t size)
{
    const zr_config_t *config = self->env->config;
    int node_id = self->env->node_id;
    int64_t ids[ZR_CONFIG_MAX_NODES];
    for (size_t i = 0; i < config->node_count; i++)
        ids[i] = config->nodes[i].id;
    zr_gossip_config_t gossip = { .self_id = node_id, .server_ids = ids,
                                  .server_count = config->node_count };
    zr_gossip_config_timings(&gossip, &config->timings);
    gossip.first_seq = (uint64_t) zr_clock_wall_ms();   /* a restarted node's sequence goes up */
    gossip.random_seed = (uint64_t) zr_clock_wall_ms() * 31 + (uint64_t) node_id;
    self->gossip = zr_gossip_new(&gossip, zr_env_now(self->env));
    if (!self->gossip) {
        snprintf(err, size, "invalid gossip timings (base %d ms, fail %d ms, cleanup %d ms)",
                 config->timings.base_interval_ms, config->timings.fail_after_ms,
                 config->timings.cleanup_after_ms);
        return -1;
    }
    self->scratch = calloc(1, sizeof *self->scratch);
    self->log = zr_log_open(config->log_dir, node_id, "heartbeat");
    self->summary = zr_log_open(config->log_dir, node_id, "summary");
    self->verbose = zr_log_open(config->log_dir, node_id, "verbose");
    self->incoming = zr_inproc_udp_in_subscribe(self->env, ZR_MSG_GOSSIP);
    self->udp_out = zr_inproc_udp_out_connect(self->env);
    self->members = zr_inproc_bind(self->env, ZMQ_PUB, ZR_INPROC_MEMBERS, err, size);
    return self->members ? 0 : -1;
}

static void heartbeat_stop(heartbeat_t *self)
{
    zsock_destroy(&self->members);
    zsock_destroy(&self->udp_out);
    zsock_destroy(&self->incoming);
    zr_log_close(&self->verbose);
    zr_log_close(&self->summary);
    zr_log_close(&self->log);
    free(self->scratch);
    zr_gossip_destroy(&self->gossip);
}

static int poll_timeout(heartbeat_t *self)
{
    return zr_clock_poll_timeout(&self->env->clock, zr_gossip_next_deadline(self->gossip));
}

void zr_heartbeat_actor(zsock_t *pipe, void *args)
{
    heartbeat_t self = { .env = args };
    char err[256] = "";
    if (heartbeat_start(&self, err, sizeof err) != 0) {
        heartbeat_stop(&self);
        zr_actor_failed(pipe, err);
        return;
    }
    zpoller_t *poller = zpoller_new(pipe, self.incoming, NULL);
    zr_actor_ready(pipe);
    for (bool running = true; running;) {
        void *which = zpoller_wait(poller, poll_timeout(&self));
        if (which == self.incoming)
            from_network(&self);
        else if (which == pipe)
            running = handle_pipe(&self, pipe);
        else if (zpoller_terminated(poller))
            running = false;
        zr_gossip_tick(self.gossip, zr_env_now(self.env));
        flush(&self);
    }
    zpoller_destroy(&poller);
    heartbeat_stop(&self);
}
