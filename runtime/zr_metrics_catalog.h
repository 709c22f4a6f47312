/* zr_metrics_catalog: every metric family zrun exports, in one list: name, type, label, help.
 * The one source of truth for /metrics: actors add samples by id, the renderer adds the rest. */
#ifndef ZR_METRICS_CATALOG_H
#define ZR_METRICS_CATALOG_H

/* X(id, name, type, label name or NULL, help). Types: COUNTER, GAUGE, HISTOGRAM (in seconds).
 * Families are rendered in this order, each one contiguous; a family may carry one label
 * (histograms add `le`). To add a metric: one line here, one zr_metrics_add() where it lives. */
#define ZR_METRICS_CATALOG(X)                                                                      \
    /* the HTTP front (runtime/http) */                                                            \
    X(HTTP_RESPONSES, "zrun_http_responses_total", COUNTER, "code", "HTTP responses sent, by status code.") \
    X(HTTP_IN_FLIGHT, "zrun_http_requests_in_flight", GAUGE, NULL, "Jobs accepted and waiting for their result.") \
    X(HTTP_BODY_IN, "zrun_http_request_body_bytes_total", COUNTER, NULL, "Request body bytes received.") \
    X(HTTP_BODY_OUT, "zrun_http_response_body_bytes_total", COUNTER, NULL, "Response body bytes queued.") \
    X(HTTP_ABORTED, "zrun_http_connections_aborted_total", COUNTER, NULL, "Requests whose connection ended before the response was sent.") \
    X(HTTP_RESULTS_DROPPED, "zrun_http_results_dropped_total", COUNTER, NULL, "Job results that arrived for a request no longer waiting.") \
    /* the process */                                                                              \
    X(NODE_STATE, "zrun_node_state", GAUGE, "state", "1 for the election state this process is in (LOOKING, FOLLOWING, LEADING, OBSERVER), 0 for the others.") \
    X(INSECURE, "zrun_insecure", GAUGE, NULL, "1 when the cluster runs without keys (cluster/insecure = 1): no CURVE, no datagram authentication.") \
    X(NODE_INCARNATION, "zrun_node_incarnation", GAUGE, NULL, "The incarnation this process is (wall-clock ms at its start or its last rejoin).") \
    /* the election (actors/election) */                                                           \
    X(ELECTION_EPOCH, "zrun_election_epoch", GAUGE, NULL, "Epoch of the leader this process knows (0 while none).") \
    X(ELECTION_LEADER, "zrun_election_leader", GAUGE, NULL, "Id of the leader this process knows, -1 while none.") \
    X(ELECTIONS, "zrun_elections_total", COUNTER, NULL, "Elections this process took part in that ended (it left LOOKING).") \
    X(ELECTION_DURATION, "zrun_election_duration_seconds", HISTOGRAM, NULL, "Time from entering LOOKING to following or leading.") \
    X(ELECTION_DROPPED, "zrun_election_dropped_total", COUNTER, "reason", "Election notifications dropped, by reason.") \
    X(ELECTION_REJOINS, "zrun_election_rejoins_total", COUNTER, NULL, "Times the election started afresh because this process rejoined as a new incarnation.") \
    /* failure detection (actors/gossip) */                                                        \
    X(HEARTBEATS_SENT, "zrun_heartbeats_sent_total", COUNTER, NULL, "Gossip messages sent; each carries this process's heartbeat.") \
    X(HEARTBEATS_RECEIVED, "zrun_heartbeats_received_total", COUNTER, NULL, "Gossip messages received; each carries its sender's heartbeat.") \
    X(GOSSIP_MERGED, "zrun_gossip_merged_total", COUNTER, NULL, "Gossip rows that raised a member's heartbeat sequence.") \
    X(GOSSIP_DROPPED, "zrun_gossip_dropped_total", COUNTER, "reason", "Gossip messages ignored, by reason.") \
    X(GOSSIP_SUSPICIONS, "zrun_gossip_suspicions_total", COUNTER, NULL, "Members this process suspected of having failed.") \
    X(GOSSIP_REFUTATIONS, "zrun_gossip_refutations_total", COUNTER, NULL, "Suspicions cleared by a newer heartbeat.") \
    X(GOSSIP_FAILURES, "zrun_gossip_failures_total", COUNTER, NULL, "Members this process declared failed.") \
    X(GOSSIP_JOINS, "zrun_gossip_joins_total", COUNTER, NULL, "Members heard for the first time, or as a new incarnation.") \
    X(GOSSIP_REJOINS, "zrun_gossip_rejoins_total", COUNTER, NULL, "Times this process came back as a new incarnation.") \
    X(GOSSIP_STALLS, "zrun_gossip_stalls_total", COUNTER, NULL, "Times this process found itself paused or starved (timers restarted).") \
    X(GOSSIP_LOCAL_HEALTH, "zrun_gossip_local_health", GAUGE, NULL, "Local health score (0: healthy; higher: this process trusts its own verdicts less).") \
    X(GOSSIP_HEARTBEAT_SEQ, "zrun_gossip_heartbeat_seq", GAUGE, NULL, "This process's own heartbeat sequence.") \
    X(PEER_HEARTBEAT_AGE, "zrun_gossip_peer_heartbeat_age_seconds", GAUGE, "peer", "Time since a member's heartbeat sequence last went up here.") \
    X(PEER_INCARNATION, "zrun_gossip_peer_incarnation", GAUGE, "peer", "The member's incarnation this process knows (0: never heard).") \
    X(PEER_SUSPECTED, "zrun_gossip_peer_suspected", GAUGE, "peer", "1 while this process suspects the member.") \
    X(PEER_FAILED, "zrun_gossip_peer_failed", GAUGE, "peer", "1 once this process declared the member's current incarnation failed.") \
    /* transport (actors/transport) */                                                             \
    X(UDP_RECEIVED, "zrun_udp_received_total", COUNTER, NULL, "Datagrams read from the DISH.") \
    X(UDP_DELIVERED, "zrun_udp_delivered_total", COUNTER, NULL, "Datagrams that passed every check and went to the actors.") \
    X(UDP_DROPPED, "zrun_udp_dropped_total", COUNTER, "reason", "Datagrams dropped, by reason.") \
    X(UDP_SENT, "zrun_udp_sent_total", COUNTER, NULL, "Datagrams sent.") \
    X(UDP_REFUSED, "zrun_udp_send_refused_total", COUNTER, "reason", "Datagrams not sent, by reason.") \
    X(TCP_RELAYED, "zrun_tcp_relayed_total", COUNTER, "direction", "Work messages relayed between the TCP port and the role actor.") \
    X(TCP_DROPPED, "zrun_tcp_dropped_total", COUNTER, "reason", "TCP messages dropped, by reason.") \
    X(TCP_BACKLOG, "zrun_tcp_backlog", GAUGE, NULL, "Work messages held while no role actor is attached.") \
    X(TCP_HANDSHAKE_FAILED, "zrun_tcp_handshake_failed_total", COUNTER, "reason", "CURVE handshakes on the work port that failed, by reason (auth: the key is not a member's).") \
    X(MONITOR_SOCKETS, "zrun_monitor_sockets", GAUGE, NULL, "TCP sockets whose libzmq events are republished.") \
    X(EVENTS_PUBLISHED, "zrun_events_published_total", COUNTER, "kind", "Events published on the monitor port, by kind.") \
    X(EVENTS_DROPPED, "zrun_events_dropped_total", COUNTER, "reason", "Events lost before the monitor port, by reason (a slow subscriber's own losses show as gaps in seq).") \
    X(EVENTS_REQUEST_SUBSCRIBED, "zrun_events_request_subscribed", GAUGE, NULL, "1 while a subscriber of the monitor port would receive request events (only then are they sent).") \
    X(MONITOR_PEER_DROPPED, "zrun_monitor_peer_messages_dropped_total", COUNTER, NULL, "Messages a monitor subscriber sent that were not subscriptions.") \
    /* work (actors/work) */                                                                       \
    X(LEADER_ASSIGNED, "zrun_leader_assigned_total", COUNTER, "worker", "Requests the leader assigned, by worker (reassignments included).") \
    X(LEADER_COMPLETED, "zrun_leader_completed_total", COUNTER, "worker", "Results the leader accepted, by worker.") \
    X(LEADER_IN_FLIGHT, "zrun_leader_in_flight", GAUGE, NULL, "Requests queued or assigned at the leader.") \
    X(LEADER_REASSIGNED, "zrun_leader_reassigned_total", COUNTER, "reason", "Requests taken back from a worker and given to another, by reason.") \
    X(LEADER_RECOVERED, "zrun_leader_recovered_results_total", COUNTER, NULL, "Finished results this leader collected from workers when it took over.") \
    X(LEADER_ADOPTED, "zrun_leader_adopted_jobs_total", COUNTER, NULL, "Jobs this leader found running at workers when it took over (or at a worker back as a new incarnation), and waited for instead of running again.") \
    X(LEADER_RECOVERY_LATE, "zrun_leader_recovery_late_workers_total", COUNTER, NULL, "Workers that had not answered the recovery request by its deadline.") \
    X(LEADER_RECOVERY_SECONDS, "zrun_leader_recovery_seconds", GAUGE, NULL, "How long this leader's recovery took before it handed out work.") \
    X(LEADER_DROPPED, "zrun_leader_dropped_total", COUNTER, "reason", "Messages the leader dropped, by reason.") \
    X(WORKER_JOBS, "zrun_worker_jobs_total", COUNTER, "outcome", "Work requests at this node, by what became of them: accepted (by the follower, from a leader), answered (results the follower sent back), started (by the worker, on the runner pool), joined (already running), from_held (answered from a finished result), handed_over (finished results handed to a new leader in its recovery).") \
    X(WORKER_DROPPED, "zrun_worker_dropped_total", COUNTER, "reason", "Messages the follower or the worker dropped, by reason.") \
    X(WORKER_RUNNING, "zrun_worker_running", GAUGE, NULL, "Jobs this node's worker runs now.") \
    X(WORKER_HELD, "zrun_worker_held_results", GAUGE, NULL, "Finished results this node holds until the leader acknowledges them or a new leader collects them.") \
    X(WORKER_HELD_BYTES, "zrun_worker_held_result_bytes", GAUGE, NULL, "Bytes of the held results.") \
    X(WORKER_RELEASED, "zrun_worker_released_results_total", COUNTER, "how", "Held results let go, by how: acknowledged (by the leader that has them), dropped (over the bounds).") \
    /* the runner pool (runtime/runner) */                                                         \
    X(RUNNER_JOBS, "zrun_runner_jobs_total", COUNTER, "outcome", "Jobs this process's runner pool ran, by outcome.") \
    X(RUNNER_JVMS, "zrun_runner_jvms", GAUGE, NULL, "Warm JVMs the runner pool keeps (its size).") \
    X(RUNNER_JVMS_BUSY, "zrun_runner_jvms_busy", GAUGE, NULL, "JVMs running a job.") \
    X(RUNNER_JVMS_IDLE, "zrun_runner_jvms_idle", GAUGE, NULL, "JVMs ready for a job.") \
    X(RUNNER_JVMS_STARTING, "zrun_runner_jvms_starting", GAUGE, NULL, "JVMs warming up.") \
    X(RUNNER_QUEUED, "zrun_runner_queued", GAUGE, NULL, "Jobs waiting for a JVM.") \
    X(RUNNER_TIMEOUTS, "zrun_runner_timeouts_total", COUNTER, NULL, "Jobs killed at the wall-time limit.") \
    X(RUNNER_JVM_STARTS, "zrun_runner_jvm_starts_total", COUNTER, NULL, "JVMs started (the first ones and every restart).") \
    X(RUNNER_JVM_DEATHS, "zrun_runner_jvm_deaths_total", COUNTER, NULL, "JVMs that died or were killed (limits, malformed replies).") \
    X(RUNNER_JVM_RECYCLES, "zrun_runner_jvm_recycles_total", COUNTER, NULL, "JVMs replaced after their job quota or a job that left threads or files.") \
    X(RUNNER_RSS, "zrun_runner_rss_bytes", GAUGE, NULL, "Resident memory of the pool's JVMs.") \
    X(RUNNER_COMPILE, "zrun_runner_compile_seconds", HISTOGRAM, NULL, "Compile time of each job, as the JVM measured it.") \
    X(RUNNER_RUN, "zrun_runner_run_seconds", HISTOGRAM, NULL, "run() time of each job, as the JVM measured it.") \
    X(RUNNER_RECENT_P50, "zrun_runner_recent_execution_p50_seconds", GAUGE, NULL, "Median compile + run time of the latest 100 jobs.") \
    /* the gateway (actors/gateway) */                                                             \
    X(GATEWAY_REQUESTS, "zrun_gateway_requests_total", COUNTER, NULL, "Requests the gateway accepted.") \
    X(GATEWAY_DURATION, "zrun_gateway_request_duration_seconds", HISTOGRAM, NULL, "End-to-end time of answered requests, accepted to answer.") \
    X(GATEWAY_PENDING, "zrun_gateway_pending", GAUGE, NULL, "Requests accepted and not answered yet.") \
    X(GATEWAY_QUEUE, "zrun_gateway_waiting_for_leader", GAUGE, NULL, "Requests queued while no leader is known (the queue depth).") \
    X(GATEWAY_RESENT, "zrun_gateway_resent_total", COUNTER, NULL, "Requests sent again to a new leader.") \
    X(GATEWAY_EXPIRED, "zrun_gateway_expired_total", COUNTER, NULL, "Requests answered 503 after waiting too long for a leader.") \
    X(GATEWAY_CANCELLED, "zrun_gateway_cancelled_total", COUNTER, NULL, "Requests dropped because their client hung up before the answer.") \
    X(GATEWAY_DROPPED, "zrun_gateway_dropped_total", COUNTER, "reason", "Answers the gateway dropped, by reason.") \
    /* the gateway's status collector (actors/observe) */                                         \
    X(STATUS_POLLS, "zrun_status_node_reads_total", COUNTER, "result", "Members' GET /node answers the status collector read, by result (ok, failed).") \
    X(STATUS_EVENTS, "zrun_status_event_lines_total", COUNTER, "result", "Monitor-port lines the status collector read, by result (ok, unreadable).")

typedef enum { ZR_METRIC_COUNTER, ZR_METRIC_GAUGE, ZR_METRIC_HISTOGRAM } zr_metric_type_t;

typedef enum {
#define ZR_METRIC_ENUM(id, name, type, label, help) ZR_M_##id,
    ZR_METRICS_CATALOG(ZR_METRIC_ENUM)
#undef ZR_METRIC_ENUM
    ZR_METRICS_COUNT
} zr_metric_id_t;

typedef struct {
    const char *name;
    zr_metric_type_t type;
    const char *label;    /* NULL: no label */
    const char *help;
} zr_metric_def_t;

/* The catalog entry of id (NULL if out of range). */
const zr_metric_def_t *zr_metric_def(zr_metric_id_t id);

#endif
