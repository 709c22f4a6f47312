/* zr_actor: starting and stopping czmq zactors with a start-up verdict.
 * An actor calls zr_actor_ready() or zr_actor_failed(); zr_actor_start() returns NULL on failure. */
#ifndef ZR_ACTOR_H
#define ZR_ACTOR_H
#include <czmq.h>

/* Starts fn(pipe, args) in its own thread and waits for its verdict. Returns the actor, or
 * NULL with the actor's one-line reason in err (the thread has ended by then). */
zactor_t *zr_actor_start(zactor_fn *fn, void *args, char *err, size_t err_size);
/* The two halves of zr_actor_start, to start several slow actors side by side: launch returns
 * as soon as the actor has accepted its start (zr_actor_accept or a verdict), await reads the
 * verdict (NULL, the actor destroyed and *actor_p NULL, if it failed). */
zactor_t *zr_actor_launch(zactor_fn *fn, void *args);
zactor_t *zr_actor_await(zactor_t **actor_p, char *err, size_t err_size);
/* Sends $TERM, waits for the thread to end, and sets *actor_p to NULL. */
void zr_actor_stop(zactor_t **actor_p);

/* Names the calling actor's thread "zr-<name>" (cut to the kernel's 15 characters), so that
 * `top -H`, `ps -L` and `perf` tell the actors apart. */
void zr_actor_name(const char *name);
/* Called by the actor once its sockets are up: the owner's zr_actor_start returns it. */
void zr_actor_ready(zsock_t *pipe);
/* Called by the actor when it cannot start; the actor must return right after. */
void zr_actor_failed(zsock_t *pipe, const char *reason);
/* For an actor that takes long to start: lets zr_actor_launch return at once; the verdict
 * follows with zr_actor_verdict (NULL: ready; else the reason, and the actor returns). */
void zr_actor_accept(zsock_t *pipe);
void zr_actor_verdict(zsock_t *pipe, const char *reason);

#endif
