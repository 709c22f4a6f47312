/* zr_actor: a start-up handshake on top of zactor_new, whose own signal carries no verdict.
 * After the zactor signal the actor sends "OK" or "ERROR <reason>" on its pipe. */
#include "runtime/zr_actor.h"

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
