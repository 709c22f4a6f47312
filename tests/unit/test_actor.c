/* test_actor: the start-up handshake: a ready actor answers over its pipe, a failing one
 * returns NULL with its reason, and $TERM ends a running one. */
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
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    zsys_shutdown();
    return failed;
}
