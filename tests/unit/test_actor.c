/* test_actor: the start-up handshake: a ready actor answers over its pipe, a failing one
 * returns NULL with its reason, and $TERM ends a running one; an actor names its thread. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "runtime/zr_actor.h"

/* Echoes "PING x" as "PONG x" until $TERM; fails at start if args is non-NULL. */
static void echo_actor(zsock_t *pipe, void *args)
{
    if (args) {
        zr_actor_failed(pipe, (const char *) args);
        return;
    }
    zr_actor_ready(pipe);
    for (;;) {
        char *command = NULL, *word = NULL;
        if (zstr_recvx(pipe, &command, &word, NULL) < 1) {
            zstr_free(&command);
            break;
        }
        bool term = streq(command, "$TERM");
        if (!term && streq(command, "PING"))
            zstr_sendx(pipe, "PONG", word ? word : "", NULL);
        zstr_free(&command);
        zstr_free(&word);
        if (term)
            break;
    }
}

static void ready_actor_answers_and_stops(void **state)
{
    char err[128] = "";
    zactor_t *actor = zr_actor_start(echo_actor, NULL, err, sizeof err);
    assert_non_null(actor);
    zstr_sendx(actor, "PING", "42", NULL);
    char *reply = NULL, *word = NULL;
    assert_int_equal(zstr_recvx(actor, &reply, &word, NULL), 2);
    assert_string_equal(reply, "PONG");
    assert_string_equal(word, "42");
    zstr_free(&reply);
    zstr_free(&word);
    zr_actor_stop(&actor);
    assert_null(actor);
}

/* Names its thread, then sends the name the kernel holds for it. */
static void named_actor(zsock_t *pipe, void *args)
{
    zr_actor_name((const char *) args);
    char name[32] = "";
    FILE *comm = fopen("/proc/thread-self/comm", "r");
    if (comm && fgets(name, sizeof name, comm))
        name[strcspn(name, "\n")] = '\0';
    if (comm)
        fclose(comm);
    zr_actor_ready(pipe);
    zstr_send(pipe, name);
    free(zstr_recv(pipe));   /* $TERM */
}

static void an_actor_names_its_thread_for_top_and_perf(void **state)
{
    char err[128] = "";
    zactor_t *actor = zr_actor_start(named_actor, "leader", err, sizeof err);
    assert_non_null(actor);
    char *name = zstr_recv(actor);
    assert_string_equal(name, "zr-leader");
    zstr_free(&name);
    zr_actor_stop(&actor);
    actor = zr_actor_start(named_actor, "a-name-longer-than-the-kernel-keeps", err, sizeof err);
    assert_non_null(actor);
    name = zstr_recv(actor);
    assert_string_equal(name, "zr-a-name-longe");   /* 15 characters */
    zstr_free(&name);
    zr_actor_stop(&actor);
}

static void failing_actor_reports_its_reason(void **state)
{
    char err[128] = "";
    zactor_t *actor = zr_actor_start(echo_actor, "cannot bind port 9", err, sizeof err);
    assert_null(actor);
    assert_string_equal(err, "cannot bind port 9");
}

int main(void)
{
    zsys_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ready_actor_answers_and_stops),
        cmocka_unit_test(failing_actor_reports_its_reason),
        cmocka_unit_test(an_actor_names_its_thread_for_top_and_perf),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    zsys_shutdown();
    return failed;
}
