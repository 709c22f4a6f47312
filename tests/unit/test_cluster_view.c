/* test_cluster_view: GET /cluster's two forms: plain lines sorted by id with roles, dead
 * nodes absent, and the JSON form with leader, epoch and host:port strings. */
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

static void plain_form_sorts_and_names_roles(void **state)
{
    zr_config_t *config = three_nodes_and_gateway();
    char *plain = NULL, *json = NULL;
    zr_cluster_view_render(config, NULL, 3, 1, &plain, &json);
    assert_string_equal(plain, "0 OBSERVER\n1 FOLLOWER\n2 FOLLOWER\n3 LEADER\n");
    free(plain);
    free(json);
    zr_config_destroy(&config);
}

static void dead_nodes_are_absent(void **state)
{
    zr_config_t *config = three_nodes_and_gateway();
    bool alive[4] = { true, true, true, false };   /* config order: 3, 0, 1, 2 -> node 2 dead */
    char *plain = NULL, *json = NULL;
    zr_cluster_view_render(config, alive, 3, 1, &plain, &json);
    assert_string_equal(plain, "0 OBSERVER\n1 FOLLOWER\n3 LEADER\n");
    free(plain);
    free(json);
    zr_config_destroy(&config);
}

static void json_form_has_every_field(void **state)
{
    zr_config_t *config = three_nodes_and_gateway();
    char *plain = NULL, *json = NULL;
    zr_cluster_view_render(config, NULL, 3, 7, &plain, &json);
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
    json_decref(root);
    free(plain);
    free(json);
    zr_cluster_view_render(config, NULL, -1, 0, &plain, &json);
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
        cmocka_unit_test(dead_nodes_are_absent),
        cmocka_unit_test(json_form_has_every_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
