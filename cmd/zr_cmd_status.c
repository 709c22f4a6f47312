/* zr_cmd_status: `zrun status` prints the cluster table (id, role, state, last heartbeat) from
 * the gateway's GET /cluster and each live node's /healthz and /metrics. */
#include "cmd/zr_commands.h"
#include "cmd/zr_http_get.h"
#include <curl/curl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void status_usage(FILE *out)
{
    fprintf(out, "usage: zrun status [--url URL]\n"
                 "  Prints id, role, state and last heartbeat sequence of every live node, as the\n"
                 "  gateway at URL (default http://127.0.0.1:8888) sees the cluster. Failed nodes are\n"
                 "  absent. Exit 0 while a leader is known, 1 if none is, 2 if the gateway cannot be read.\n");
}

/* The node's own heartbeat sequence from its /metrics, or "-" if it cannot be read. */
static void heartbeat_of(const char *http, char *out, size_t size)
{
    char url[300], *body = NULL;
    snprintf(url, sizeof url, "http://%s/metrics", http);
    snprintf(out, size, "-");
    if (zr_http_get(url, NULL, &body) == 200) {
        const char *line = strstr(body, "zrun_gossip_heartbeat_seq ");
        if (line)
            snprintf(out, size, "%llu", strtoull(line + strlen("zrun_gossip_heartbeat_seq "), NULL, 10));
    }
    free(body);
}

static const char *state_of(const char *http)
{
    char url[300], *body = NULL;
    snprintf(url, sizeof url, "http://%s/healthz", http);
    long status = zr_http_get(url, NULL, &body);
    free(body);
    return status == 200 ? "UP" : "UNREACHABLE";
}

static void print_table(json_t *root)
{
    json_t *leader = json_object_get(root, "leader");
    if (json_is_integer(leader))
        printf("leader %lld, epoch %lld\n", (long long) json_integer_value(leader),
               (long long) json_integer_value(json_object_get(root, "epoch")));
    else
        printf("no leader\n");
    printf("%-4s %-9s %-12s %-22s %s\n", "id", "role", "state", "http", "last heartbeat");
    size_t index;
    json_t *node;
    json_array_foreach(json_object_get(root, "nodes"), index, node) {
        const char *http = json_string_value(json_object_get(node, "http"));
        char heartbeat[32];
        heartbeat_of(http ? http : "", heartbeat, sizeof heartbeat);
        printf("%-4lld %-9s %-12s %-22s %s\n", (long long) json_integer_value(json_object_get(node, "id")),
               json_string_value(json_object_get(node, "role")), state_of(http ? http : ""),
               http ? http : "?", heartbeat);
    }
}

int zr_cmd_status(int argc, char **argv)
{
    static const struct option longs[] = {
        { "url", required_argument, 0, 'u' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    const char *base = "http://127.0.0.1:8888";
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":h", longs, NULL)) != -1;) {
        if (c == 'u')
            base = optarg;
        else if (c == 'h')
            return status_usage(stdout), 0;
        else
            return fprintf(stderr, "zrun status: %s '%s' (see zrun status --help)\n",
                           c == ':' ? "missing value for" : "unknown option", argv[optind - 1]), 2;
    }
    if (optind < argc)
        return fprintf(stderr, "zrun status: unexpected argument '%s'\n", argv[optind]), 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char url[1024], *body = NULL;
    snprintf(url, sizeof url, "%s/cluster", base);
    long status = zr_http_get(url, "application/json", &body);
    int rc = 0;
    json_t *root = status == 200 ? json_loads(body, 0, NULL) : NULL;
    if (root)
        print_table(root);
    else if (status == 503)
        printf("no leader: the gateway at %s knows of none yet\n", base), rc = 1;
    else
        fprintf(stderr, "zrun status: cannot read %s: %s\n", url, status < 0 ? body : "unexpected answer"), rc = 2;
    json_decref(root);
    free(body);
    curl_global_cleanup();
    return rc;
}
