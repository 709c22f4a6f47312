/* zr_actor: a start-up handshake on top of zactor_new, whose own signal carries no verdict.
 * After the zactor signal the actor sends "OK" or "ERROR <reason>" on its pipe. */
#include "runtime/zr_actor.h"
#include <stdarg.h>

void zr_actor_ready(zsock_t *pipe)
{
    zsock_signal(pipe, 0);
    zstr_send(pipe, "OK");
}

void zr_actor_failed(zsock_t *pipe, const char *reason)
{
    zsock_signal(pipe, 0);
    zstr_sendx(pipe, "ERROR", reason, NULL);
}

zactor_t *zr_actor_start(zactor_fn *fn, void *args, char *err, size_t err_size)
{
    zactor_t *actor = zactor_new(fn, args);
    if (!actor) {
        snprintf(err, err_size, "cannot start a thread");
        return NULL;
    }
    char *verdict = NULL, *reason = NULL;
    if (zstr_recvx(actor, &verdict, &reason, NULL) >= 1 && streq(verdict, "OK")) {
        zstr_free(&verdict);
        return actor;
    }
    snprintf(err, err_size, "%s", reason ? reason : "actor ended without a verdict");
    zstr_free(&verdict);
    zstr_free(&reason);
    zactor_destroy(&actor);
    return NULL;
}

void zr_actor_stop(zactor_t **actor_p)
{
    zactor_destroy(actor_p);
}

zsock_t *zr_actor_subscribe(const void *topic, size_t topic_size, const char *format, ...)
{
    char endpoint[256];
    va_list args;
    va_start(args, format);
    vsnprintf(endpoint, sizeof endpoint, format, args);
    va_end(args);
    zsock_t *sub = zsock_new(ZMQ_SUB);
    zsock_set_linger(sub, 0);
    zmq_setsockopt(zsock_resolve(sub), ZMQ_SUBSCRIBE, topic, topic_size);
    zsock_connect(sub, "%s", endpoint);
    return sub;
}

bool zr_actor_is_term(const char *command)
{
    return command && streq(command, "$TERM");
}
