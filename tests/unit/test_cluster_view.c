/* test_cluster_view: GET /cluster's two forms: plain lines sorted by id with roles, failed and
 * never heard nodes absent, and the JSON form with leader, epoch, host:port, state, incarnation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "actors/gateway/zr_cluster_view.h"

static zr_config_t *three_nodes_and_gateway(void)
{
    /* Listed out of order on purpose: the view sorts by id. */
    const char *text = "nodes\n"
        "    3\n        udp_port = 9030\n        http_port = 9033\n"
        "    0\n        role = gateway\n        udp_port = 9000\n        http_port = 8888\n"
        "    1\n        udp_port = 9010\n        http_port = 9013\n"
        "    2\n        udp_port = 9020\n        http_port = 9023\n";
    char err[256];
    zr_config_t *config = zr_config_parse(text, "test", err, sizeof err);
    assert_non_null(config);
    return config;
}

/* Config order: 3, 0, 1, 2; every member heard, incarnation 10 + its index. */
static const zr_view_member_t all_alive[4] = {
    { ZR_VIEW_ALIVE, 10 }, { ZR_VIEW_ALIVE, 11 }, { ZR_VIEW_ALIVE, 12 }, { ZR_VIEW_ALIVE, 13 } };

static void plain_form_sorts_and_names_roles(void **state)
{
    zr_config_t *config = three_nodes_and_gateway();
    char *plain = NULL, *json = NULL;
    zr_cluster_view_render(config, all_alive, 3, 1, &plain, &json);
    assert_string_equal(plain, "0 OBSERVER\n1 FOLLOWER\n2 FOLLOWER\n3 LEADER\n");
    free(plain);
    free(json);
    zr_config_destroy(&config);
}

static void dead_and_unheard_nodes_are_absent(void **state)
{
    zr_config_t *config = three_nodes_and_gateway();
    zr_view_member_t members[4] = { { ZR_VIEW_ALIVE, 1 }, { ZR_VIEW_ALIVE, 1 }, { ZR_VIEW_SUSPECT, 1 },
                                    { ZR_VIEW_FAILED, 1 } };   /* node 1 suspect, node 2 failed */
    char *plain = NULL, *json = NULL;
    zr_cluster_view_render(config, members, 3, 1, &plain, &json);
    assert_string_equal(plain, "0 OBSERVER\n1 FOLLOWER\n3 LEADER\n");
    free(plain);
    free(json);
    members[3].state = ZR_VIEW_UNHEARD;   /* a configured node that never started */
    zr_cluster_view_render(config, members, 3, 1, &plain, &json);
    free(plain);
    free(json);
    zr_config_destroy(&config);
}

static void json_form_has_every_field(void **state)
{
    zr_config_t *config = three_nodes_and_gateway();
    char *plain = NULL, *json = NULL;
    zr_view_member_t members[4];
    memcpy(members, all_alive, sizeof members);
    members[2].state = ZR_VIEW_SUSPECT;   /* node 1 */
    zr_cluster_view_render(config, members, 3, 7, &plain, &json);
    json_error_t error;
    json_t *root = json_loads(json, 0, &error);
    assert_non_null(root);
    assert_int_equal(json_integer_value(json_object_get(root, "leader")), 3);
    assert_int_equal(json_integer_value(json_object_get(root, "epoch")), 7);
    json_t *nodes = json_object_get(root, "nodes");
    assert_int_equal(json_array_size(nodes), 4);
    json_t *last = json_array_get(nodes, 3);
    assert_int_equal(json_integer_value(json_object_get(last, "id")), 3);
    assert_string_equal(json_string_value(json_object_get(last, "role")), "LEADER");
    assert_string_equal(json_string_value(json_object_get(last, "udp")), "127.0.0.1:9030");
    assert_string_equal(json_string_value(json_object_get(last, "tcp")), "127.0.0.1:9032");
    assert_string_equal(json_string_value(json_object_get(last, "http")), "127.0.0.1:9033");
    assert_string_equal(json_string_value(json_object_get(last, "state")), "ALIVE");
    assert_int_equal(json_integer_value(json_object_get(last, "incarnation")), 10);
    json_t *one = json_array_get(nodes, 1);
    assert_string_equal(json_string_value(json_object_get(one, "state")), "SUSPECT");
    json_decref(root);
    free(plain);
    free(json);
    zr_cluster_view_render(config, all_alive, -1, 0, &plain, &json);
    root = json_loads(json, 0, &error);
    assert_true(json_is_null(json_object_get(root, "leader")));
    json_decref(root);
    free(plain);
    free(json);
    zr_config_destroy(&config);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_form_sorts_and_names_roles),
        cmocka_unit_test(dead_and_unheard_nodes_are_absent),
        cmocka_unit_test(json_form_has_every_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
