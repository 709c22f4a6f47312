/* zr_inproc: the environment, the endpoints and the published streams of zr_inproc.h.
 * Numbers travel as fixed-size native frames (one process, one ABI), checked for size on receipt. */
#include "runtime/zr_inproc.h"
#include "runtime/zr_inproc_frames.h"

/* ---- environment and endpoints ---------------------------------------------------------- */

void zr_env_init(zr_env_t *env, const zr_config_t *config, int node_id, const char *prefix)
{
    *env = (zr_env_t) { .config = config, .node_id = node_id, .clock = zr_clock_monotonic(),
                        .incarnation = (uint64_t) zr_clock_wall_ms() };
    if (prefix)
        snprintf(env->prefix, sizeof env->prefix, "%s", prefix);
    else
        snprintf(env->prefix, sizeof env->prefix, "zrun-%d", node_id);
}

int64_t zr_env_now(const zr_env_t *env)
{
    return zr_clock_now_ms(&env->clock);
}

const zr_node_config_t *zr_env_me(const zr_env_t *env)
{
    return zr_config_node(env->config, env->node_id);
}

const char *zr_inproc_endpoint(const zr_env_t *env, zr_inproc_endpoint_t which, char buf[256])
{
    static const char *const names[] = { "udp-in", "udp-out", "members", "leader", "work", "monitor",
                                         "events", "pages", "jobs" };
    snprintf(buf, 256, "inproc://%s-%s", env->prefix, names[which]);
    return buf;
}

zsock_t *zr_inproc_bind(const zr_env_t *env, int type, zr_inproc_endpoint_t which, char *err,
                        size_t err_size)
{
    char endpoint[256];
    zsock_t *sock = zsock_new(type);
    if (sock)
        zsock_set_linger(sock, 0);
    if (!sock || zsock_bind(sock, "%s", zr_inproc_endpoint(env, which, endpoint)) != 0) {
        snprintf(err, err_size, "cannot bind %s", zr_inproc_endpoint(env, which, endpoint));
        zsock_destroy(&sock);
    }
    return sock;
}

zsock_t *zr_inproc_connect(const zr_env_t *env, int type, zr_inproc_endpoint_t which)
{
    char endpoint[256];
    zsock_t *sock = zsock_new(type);
    zsock_set_linger(sock, 0);
    zsock_connect(sock, "%s", zr_inproc_endpoint(env, which, endpoint));
    return sock;
}

/* A SUB connected to the endpoint, subscribed to topic[0..size) (size 0: everything). */
static zsock_t *subscribe(const zr_env_t *env, zr_inproc_endpoint_t which, const void *topic,
                          size_t size)
{
    zsock_t *sub = zr_inproc_connect(env, ZMQ_SUB, which);
    zmq_setsockopt(zsock_resolve(sub), ZMQ_SUBSCRIBE, topic, size);
    return sub;
}

/* ---- validated datagrams ---------------------------------------------------------------- */

int zr_inproc_udp_in_publish(zsock_t *pub, zr_msg_type_t type, const uint8_t *data, size_t size)
{
    uint8_t topic = (uint8_t) type;
    zmsg_t *msg = zmsg_new();
    zmsg_addmem(msg, &topic, 1);
    zmsg_addmem(msg, data, size);
    return zmsg_send(&msg, pub);
}

zsock_t *zr_inproc_udp_in_subscribe(const zr_env_t *env, zr_msg_type_t type)
{
    uint8_t topic = (uint8_t) type;
    return subscribe(env, ZR_INPROC_UDP_IN, &topic, 1);
}

zframe_t *zr_inproc_udp_in_recv(zsock_t *sub)
{
    zmsg_t *msg = zmsg_recv(sub);
    zframe_t *payload = msg && zmsg_size(msg) == 2 ? zmsg_pop(msg) : NULL;
    zframe_destroy(&payload);   /* the topic */
    payload = msg && zmsg_size(msg) == 1 ? zmsg_pop(msg) : NULL;
    zmsg_destroy(&msg);
    return payload;
}

/* ---- datagrams to send ------------------------------------------------------------------ */

zsock_t *zr_inproc_udp_out_connect(const zr_env_t *env)
{
    zsock_t *push = zr_inproc_connect(env, ZMQ_PUSH, ZR_INPROC_UDP_OUT);
    zsock_set_sndhwm(push, 10000);
    return push;
}

int zr_inproc_udp_post(zsock_t *push, int peer_id, int group, const uint8_t *data, size_t size)
{
    zmsg_t *msg = zmsg_new();
    zr_frames_add_i64(msg, peer_id);
    zr_frames_add_i64(msg, group);
    zmsg_addmem(msg, data, size);
    return zmsg_send(&msg, push);
}

bool zr_inproc_udp_take(zsock_t *pull, int *peer_id, int *group, zframe_t **payload)
{
    zmsg_t *msg = zmsg_recv(pull);
    int64_t peer, group_id;
    bool ok = msg && zmsg_size(msg) == 3 && zr_frames_take_i64(msg, &peer)
              && zr_frames_take_i64(msg, &group_id);
    if (ok) {
        *peer_id = (int) peer;
        *group = (int) group_id;
        *payload = zmsg_pop(msg);
    }
    zmsg_destroy(&msg);
    return ok;
}

/* ---- membership and leader views ------------------------------------------------------- */

/* The next published message, its topic frame checked and taken: the `frames` after it, or
 * NULL (the message dropped) if it is not that topic with that many frames. */
static zmsg_t *recv_topic(zsock_t *sub, const char *topic, size_t frames)
{
    zmsg_t *msg = zmsg_recv(sub);
    zframe_t *first = msg && zmsg_size(msg) == frames + 1 ? zmsg_pop(msg) : NULL;
    bool ok = first && zframe_streq(first, topic);
    zframe_destroy(&first);
    if (!ok)
        zmsg_destroy(&msg);
    return msg;
}

int zr_inproc_member_publish(zsock_t *pub, const zr_member_event_t *event)
{
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, "MEMBER");
    zr_frames_add_i64(msg, event->id);
    zr_frames_add_u64(msg, event->incarnation);
    zr_frames_add_i64(msg, event->state);
    return zmsg_send(&msg, pub);
}

zsock_t *zr_inproc_members_subscribe(const zr_env_t *env)
{
    return subscribe(env, ZR_INPROC_MEMBERS, "MEMBER", 6);
}

bool zr_inproc_member_recv(zsock_t *sub, zr_member_event_t *event)
{
    zmsg_t *msg = recv_topic(sub, "MEMBER", 3);
    int64_t id, state;
    uint64_t incarnation;
    bool ok = msg && zr_frames_take_i64(msg, &id) && zr_frames_take_u64(msg, &incarnation)
              && zr_frames_take_i64(msg, &state) && state >= ZR_MEMBER_ALIVE && state <= ZR_MEMBER_FAILED;
    if (ok)
        *event = (zr_member_event_t) { id, incarnation, (zr_member_state_t) state };
    zmsg_destroy(&msg);
    return ok;
}

int zr_inproc_leader_publish(zsock_t *pub, const zr_leader_view_t *view)
{
    zmsg_t *msg = zmsg_new();
    zmsg_addstr(msg, "LEADER");
    zr_frames_add_i64(msg, view->state);
    zr_frames_add_i64(msg, view->leader_id);
    zr_frames_add_u64(msg, view->epoch);
    return zmsg_send(&msg, pub);
}

zsock_t *zr_inproc_leader_subscribe(const zr_env_t *env)
{
    return subscribe(env, ZR_INPROC_LEADER, "LEADER", 6);
}

bool zr_inproc_leader_recv(zsock_t *sub, zr_leader_view_t *view)
{
    zmsg_t *msg = recv_topic(sub, "LEADER", 3);
    int64_t state, leader;
    uint64_t epoch;
    bool ok = msg && zr_frames_take_i64(msg, &state) && zr_frames_take_i64(msg, &leader)
              && zr_frames_take_u64(msg, &epoch) && state >= ZR_PEER_LOOKING && state <= ZR_PEER_OBSERVER;
    if (ok)
        *view = (zr_leader_view_t) { (zr_peer_state_t) state, leader, epoch };
    zmsg_destroy(&msg);
    return ok;
}

/* ---- the work link ---------------------------------------------------------------------- */

/* A DEALER to the link's bound side, unbounded both ways, announced with ATTACH. */
static zsock_t *link_open(const zr_env_t *env, zr_inproc_endpoint_t which)
{
    zsock_t *link = zr_inproc_connect(env, ZMQ_DEALER, which);
    zsock_set_sndhwm(link, 0);
    zsock_set_rcvhwm(link, 0);
    zstr_send(link, "ATTACH");
    return link;
}

static void link_close(zsock_t **link_p)
{
    if (!link_p || !*link_p)
        return;
    zstr_send(*link_p, "DETACH");
    zsock_destroy(link_p);
}

zsock_t *zr_inproc_work_link_open(const zr_env_t *env)
{
    return link_open(env, ZR_INPROC_WORK);
}

void zr_inproc_work_link_close(zsock_t **link_p)
{
    link_close(link_p);
}

zsock_t *zr_inproc_jobs_link_open(const zr_env_t *env)
{
    return link_open(env, ZR_INPROC_JOBS);
}

void zr_inproc_jobs_link_close(zsock_t **link_p)
{
    link_close(link_p);
}

int zr_inproc_work_send(zsock_t *link, zframe_t *identity, zframe_t **payload)
{
    zmsg_t *msg = zmsg_new();
    zmsg_append(msg, &(zframe_t *) { zframe_dup(identity) });
    zmsg_append(msg, payload);
    return zmsg_send(&msg, link);
}

bool zr_inproc_work_recv(zsock_t *link, zframe_t **identity, zframe_t **payload)
{
    zmsg_t *msg = zmsg_recv(link);
    bool ok = msg && zmsg_size(msg) == 2;
    if (ok) {
        *identity = zmsg_pop(msg);
        *payload = zmsg_pop(msg);
    }
    zmsg_destroy(&msg);
    return ok;
}

int zr_inproc_work_control(zmsg_t *msg)
{
    zframe_t *only = zmsg_size(msg) == 1 ? zmsg_first(msg) : NULL;
    if (only && zframe_streq(only, "ATTACH"))
        return 1;
    return only && zframe_streq(only, "DETACH") ? 0 : -1;
}

/* ---- the monitor's control ------------------------------------------------------------- */

int zr_inproc_monitor_register(const zr_env_t *env, zsock_t *pair, const char *name)
{
    zsock_t *control = zr_inproc_connect(env, ZMQ_PUSH, ZR_INPROC_MONITOR);
    int rc = zsock_send(control, "ps", pair, name);
    zsock_destroy(&control);
    return rc;
}

bool zr_inproc_monitor_take(zsock_t *control, zsock_t **pair, char **name)
{
    *pair = NULL;
    *name = NULL;
    return zsock_recv(control, "ps", pair, name) == 0 && *pair;
}

/* ---- cluster events --------------------------------------------------------------------- */

/* A PUSH whose sends never block, its queue bounded: options first (libzmq applies a high-water
 * mark to the pipes created after it is set, i.e. at connect), then the connect. */
static zsock_t *nonblocking_push(const zr_env_t *env, zr_inproc_endpoint_t which, int hwm)
{
    char endpoint[256];
    zsock_t *push = zsock_new(ZMQ_PUSH);
    zsock_set_linger(push, 0);
    zsock_set_sndhwm(push, hwm);
    zsock_set_sndtimeo(push, 0);
    zsock_connect(push, "%s", zr_inproc_endpoint(env, which, endpoint));
    return push;
}

zsock_t *zr_inproc_events_connect(const zr_env_t *env, int hwm)
{
    return nonblocking_push(env, ZR_INPROC_EVENTS, hwm);   /* a full queue loses the event */
}

int zr_inproc_event_send(zsock_t *push, const zr_inproc_event_t *event)
{
    zmsg_t *msg = zmsg_new();
    zr_frames_add_i64(msg, event->kind);
    zr_frames_add_i64(msg, event->t_ms);
    zmsg_addstr(msg, event->fields ? event->fields : "");
    zmsg_addstr(msg, event->reason ? event->reason : "");
    zr_frames_add_u64(msg, event->dropped);
    int rc = zmsg_send(&msg, push);
    zmsg_destroy(&msg);   /* left to us when the send failed */
    return rc;
}

bool zr_inproc_event_take(zsock_t *pull, zr_inproc_event_t *event)
{
    *event = (zr_inproc_event_t) { 0 };
    zmsg_t *msg = zmsg_recv(pull);
    int64_t kind = -1;
    bool ok = msg && zmsg_size(msg) == 5 && zr_frames_take_i64(msg, &kind) && kind >= 0
              && kind < ZR_EVENT_KIND_COUNT && zr_frames_take_i64(msg, &event->t_ms)
              && (event->fields = zr_frames_take_str(msg)) && (event->reason = zr_frames_take_str(msg))
              && zr_frames_take_u64(msg, &event->dropped);
    event->kind = (zr_event_kind_t) kind;
    zmsg_destroy(&msg);
    if (!ok)
        zr_inproc_event_fini(event);
    return ok;
}

void zr_inproc_event_fini(zr_inproc_event_t *event)
{
    zstr_free(&event->fields);
    zstr_free(&event->reason);
}

/* ---- pages for the HTTP front ----------------------------------------------------------- */

zsock_t *zr_inproc_pages_connect(const zr_env_t *env)
{
    return nonblocking_push(env, ZR_INPROC_PAGES, 16);   /* pages come again each second */
}
