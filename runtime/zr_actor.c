/* zr_actor: a start-up handshake on top of zactor_new, whose own signal carries no verdict.
 * After the zactor signal the actor sends "OK" or "ERROR <reason>" on its pipe. */
#include "runtime/zr_actor.h"
#include <pthread.h>

void zr_actor_name(const char *name)
{
    char thread_name[16];   /* the kernel keeps 15 characters and the NUL */
    snprintf(thread_name, sizeof thread_name, "zr-%s", name);
    pthread_setname_np(pthread_self(), thread_name);
}

void zr_actor_accept(zsock_t *pipe)
{
    zsock_signal(pipe, 0);
}

void zr_actor_verdict(zsock_t *pipe, const char *reason)
{
    if (reason)
        zstr_sendx(pipe, "ERROR", reason, NULL);
    else
        zstr_send(pipe, "OK");
}

void zr_actor_ready(zsock_t *pipe)
{
    zr_actor_accept(pipe);
    zr_actor_verdict(pipe, NULL);
}

void zr_actor_failed(zsock_t *pipe, const char *reason)
{
    zr_actor_accept(pipe);
    zr_actor_verdict(pipe, reason);
}

zactor_t *zr_actor_launch(zactor_fn *fn, void *args)
{
    return zactor_new(fn, args);
}

zactor_t *zr_actor_await(zactor_t **actor_p, char *err, size_t err_size)
{
    if (!*actor_p) {
        snprintf(err, err_size, "cannot start a thread");
        return NULL;
    }
    char *verdict = NULL, *reason = NULL;
    bool ok = zstr_recvx(*actor_p, &verdict, &reason, NULL) >= 1 && streq(verdict, "OK");
    if (!ok) {
        snprintf(err, err_size, "%s", reason ? reason : "actor ended without a verdict");
        zactor_destroy(actor_p);
    }
    zstr_free(&verdict);
    zstr_free(&reason);
    return *actor_p;
}

zactor_t *zr_actor_start(zactor_fn *fn, void *args, char *err, size_t err_size)
{
    zactor_t *actor = zr_actor_launch(fn, args);
    return zr_actor_await(&actor, err, err_size);
}

void zr_actor_stop(zactor_t **actor_p)
{
    zactor_destroy(actor_p);
}
