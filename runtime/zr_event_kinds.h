/* zr_event_kinds: every kind of event a process publishes on its monitor port, in one list.
 * To add a kind: one line here, then one zr_event_emit() where it happens (proto/PROTOCOL.md). */
#ifndef ZR_EVENT_KINDS_H
#define ZR_EVENT_KINDS_H

/* X(id, name, what the fields are). Names are dotted: a filter on "request" takes every
 * request.* kind. Every event also has node, t (wall-clock ms at the node) and seq. */
#define ZR_EVENT_KINDS(X)                                                                           \
    X(STATE, "state", "from, to: election states; epoch, leader")                                   \
    X(ELECTION_START, "election.start", "epoch: the last one known")                                \
    X(ELECTION_END, "election.end", "epoch, leader, state, duration_ms")                            \
    X(SUSPECT, "suspect", "peer, silent_ms: a member went silent")                                 \
    X(REFUTE, "refute", "peer, seq: a suspected member was heard again")                            \
    X(FAILURE, "failure", "peer, silent_ms: a member declared failed (this incarnation of it)")     \
    X(JOIN, "join", "peer, incarnation: a member heard first, or as a new incarnation")            \
    X(REJOIN, "rejoin", "incarnation, reason: this process came back as a new incarnation")        \
    X(REQUEST_RECEIVED, "request.received", "request, bytes")                                       \
    X(REQUEST_ASSIGNED, "request.assigned", "request, gateway, worker, epoch, attempt")            \
    X(REQUEST_REASSIGNED, "request.reassigned", "request, gateway, worker, epoch, attempt")        \
    X(REQUEST_RECOVERED, "request.recovered", "request, gateway, worker, as: a new leader found it finished (result) or running (running) there") \
    X(REQUEST_COMPLETED, "request.completed", "request, worker, status; at the leader compile_ms, run_ms; at the gateway latency_ms") \
    X(REQUEST_EXPIRED, "request.expired", "request, waited_ms")                                     \
    X(JVM_START, "jvm.start", "slot, pid")                                                          \
    X(JVM_RECYCLE, "jvm.recycle", "slot, reason")                                                   \
    X(JVM_KILL, "jvm.kill", "slot, request (if it ran one), reason")                                \
    X(DROP, "drop", "transport, reason, count: the drops this event stands for")                    \
    X(SOCKET, "socket", "socket, event, value, endpoint: a libzmq socket event")

typedef enum {
#define ZR_EVENT_ENUM(id, name, fields) ZR_EVENT_##id,
    ZR_EVENT_KINDS(ZR_EVENT_ENUM)
#undef ZR_EVENT_ENUM
    ZR_EVENT_KIND_COUNT
} zr_event_kind_t;

/* "election.end", ...; NULL out of range. */
const char *zr_event_kind_name(zr_event_kind_t kind);
/* The kind with that exact name; -1 if none. */
int zr_event_kind_parse(const char *name);

#endif
