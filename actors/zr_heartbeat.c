/* zr_heartbeat: gossip shell. Feeds gossip from the UDP receiver into the core, posts its
 * messages to the UDP sender, logs its facts in the contract's words, announces failures. */
#include "actors/zr_heartbeat.h"
#include "actors/zr_gossip.h"
#include "actors/zr_gossip_text.h"
#include "actors/zr_udp_actors.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_clock.h"
#include "runtime/zr_log.h"

#define NEVER_HEARD_GRACE_MS (1000LL * 3600 * 24 * 365 * 100)   /* a century: never */

typedef struct {
    zr_heartbeat_args_t args;
    zr_clock_t clock;
    zr_gossip_t *gossip;
    zsock_t *incoming, *udp_out, *failures;
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
            zr_udp_sender_post(self->udp_out, (int) out.to_id, ZR_GROUP_GOSSIP, buffer, length);
    }
    write_facts(self);
    int64_t failed;
    while (zr_gossip_next_failure(self->gossip, &failed))
        zstr_sendf(self->failures, "FAILED %lld", (long long) failed);
}

static void from_network(heartbeat_t *self)
{
    zr_gossip_msg_t *msg = self->scratch;
    zmsg_t *frames = zmsg_recv(self->incoming);
    zframe_t *payload = frames ? zmsg_last(frames) : NULL;
    if (payload && zr_gossip_msg_decode(zframe_data(payload), zframe_size(payload), msg) == ZR_DECODE_OK)
        zr_gossip_receive(self->gossip, msg, zr_clock_now_ms(&self->clock));
    else
        self->malformed++;
    zmsg_destroy(&frames);
}

static bool handle_pipe(heartbeat_t *self, zsock_t *pipe)
{
    char *command = zstr_recv(pipe);
    bool go_on = command && !zr_actor_is_term(command);
    if (command && streq(command, "STATS")) {
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
    zstr_free(&command);
    return go_on;
}

static int heartbeat_start(heartbeat_t *self, char *err, size_t size)
{
    const zr_config_t *config = self->args.config;
    int64_t ids[ZR_CONFIG_MAX_NODES];
    for (size_t i = 0; i < config->node_count; i++)
        ids[i] = config->nodes[i].id;
    zr_gossip_config_t gossip = { .self_id = self->args.node_id, .server_ids = ids,
                                  .server_count = config->node_count };
    zr_gossip_config_timings(&gossip, config->base_interval_ms);
    gossip.fail_after_ms = config->fail_after_ms;
    gossip.cleanup_after_ms = config->cleanup_after_ms;
    /* A member never heard from has not started yet; it has not failed. Declaring it failed
     * would exclude it for good (crash-stop) when it starts late, e.g. a gateway started
     * after the nodes of a slow machine. Only a heartbeat that stops counts. */
    gossip.startup_grace_ms = NEVER_HEARD_GRACE_MS;
    gossip.first_seq = (uint64_t) zr_clock_wall_ms();   /* a restarted node's sequence goes up */
    gossip.random_seed = (uint64_t) zr_clock_wall_ms() * 31 + (uint64_t) self->args.node_id;
    self->clock = zr_clock_monotonic();
    self->gossip = zr_gossip_new(&gossip, zr_clock_now_ms(&self->clock));
    if (!self->gossip) {
        snprintf(err, size, "invalid gossip timings (base %d ms, fail %d ms, cleanup %d ms)",
                 config->base_interval_ms, config->fail_after_ms, config->cleanup_after_ms);
        return -1;
    }
    self->scratch = calloc(1, sizeof *self->scratch);
    self->log = zr_log_open(config->log_dir, self->args.node_id, "heartbeat");
    self->summary = zr_log_open(config->log_dir, self->args.node_id, "summary");
    self->verbose = zr_log_open(config->log_dir, self->args.node_id, "verbose");
    self->incoming = zr_udp_receiver_subscribe(self->args.node_id, ZR_MSG_GOSSIP);
    self->udp_out = zr_udp_sender_connect(self->args.node_id);
    self->failures = zsock_new(ZMQ_PUB);
    zsock_set_linger(self->failures, 0);
    if (zsock_bind(self->failures, "inproc://zrun-%d-failures", self->args.node_id) != 0) {
        snprintf(err, size, "cannot bind inproc://zrun-%d-failures", self->args.node_id);
        return -1;
    }
    return 0;
}

static void heartbeat_stop(heartbeat_t *self)
{
    zsock_destroy(&self->failures);
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
    return zr_clock_poll_timeout(&self->clock, zr_gossip_next_deadline(self->gossip));
}

void zr_heartbeat_actor(zsock_t *pipe, void *args)
{
    heartbeat_t self = { .args = *(zr_heartbeat_args_t *) args };
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
        zr_gossip_tick(self.gossip, zr_clock_now_ms(&self.clock));
        flush(&self);
    }
    zpoller_destroy(&poller);
    heartbeat_stop(&self);
}

zsock_t *zr_heartbeat_subscribe_failures(int node_id)
{
    return zr_actor_subscribe("FAILED ", 7, "inproc://zrun-%d-failures", node_id);
}

int64_t zr_heartbeat_failed_id(zsock_t *failures)
{
    char *text = zstr_recv(failures);
    long long id = -1;
    if (!text || sscanf(text, "FAILED %lld", &id) != 1)
        id = -1;
    zstr_free(&text);
    return id;
}
