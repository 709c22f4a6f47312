/* zr_cmd_status: `zrun status` prints the cluster table from the gateway's GET /status (JSON):
 * id, role, state, epoch, heartbeat age, jobs done, JVMs busy/total, p50; --watch redraws it. */
#include "cmd/zr_commands.h"
#include "cmd/zr_cli.h"
#include "cmd/zr_http_get.h"
#include <curl/curl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WATCH_INTERVAL_MS 1000

typedef struct {
    const char *base;
    bool watch;
    long count;            /* --watch: redraws before stopping (-1: until Ctrl-C) */
} status_options_t;

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signal_number)
{
    (void) signal_number;
    interrupted = 1;
}

static void status_usage(FILE *out)
{
    fprintf(out, "usage: zrun status [--url URL] [--watch [--count N]]\n"
                 "  Prints the cluster as the gateway at URL (default http://127.0.0.1:8888) sees it, from its\n"
                 "  GET /status: per member id, role, state (ALIVE, SUSPECT, FAILED), epoch, the age of its\n"
                 "  last heartbeat, jobs done, JVMs busy/total and the p50 of its recent executions.\n"
                 "  --watch redraws the table in place every second until Ctrl-C (--count N: N times).\n"
                 "  Exit 0 while a leader is known, 1 if none is, 2 if the gateway cannot be read.\n");
}

/* The integer of key as text, or "-" if it is absent or null. */
static const char *integer_text(json_t *object, const char *key, char *out, size_t size)
{
    json_t *value = json_object_get(object, key);
    if (json_is_integer(value))
        snprintf(out, size, "%lld", (long long) json_integer_value(value));
    else
        snprintf(out, size, "-");
    return out;
}

static void print_member(json_t *member)
{
    char id[24], epoch[24], age[32], jobs[24], busy[16], total[16], jvms[40], p50[32];
    json_t *p50_value = json_object_get(member, "p50_ms");
    integer_text(member, "heartbeat_age_ms", age, sizeof age);
    if (strcmp(age, "-") != 0)
        strcat(age, " ms");
    integer_text(member, "jvms_total", total, sizeof total);
    snprintf(jvms, sizeof jvms, "%s/%s", integer_text(member, "jvms_busy", busy, sizeof busy), total);
    if (json_is_number(p50_value))
        snprintf(p50, sizeof p50, "%.1f ms", json_number_value(p50_value));
    else
        snprintf(p50, sizeof p50, "-");
    json_t *role = json_object_get(member, "role"), *state = json_object_get(member, "state");
    printf("%-4s %-9s %-8s %-6s %-10s %-8s %-6s %s\n", integer_text(member, "id", id, sizeof id),
           json_is_string(role) ? json_string_value(role) : "?", json_is_string(state) ? json_string_value(state) : "?",
           integer_text(member, "epoch", epoch, sizeof epoch), age, integer_text(member, "jobs_done", jobs, sizeof jobs),
           strcmp(total, "-") ? jvms : "-", p50);
}

/* Prints the table; returns 0 with a leader, 1 without. */
static int print_table(json_t *root)
{
    json_t *leader = json_object_get(root, "leader");
    if (json_is_integer(leader))
        printf("leader %lld, epoch %lld\n", (long long) json_integer_value(leader),
               (long long) json_integer_value(json_object_get(root, "epoch")));
    else
        printf("no leader\n");
    printf("%-4s %-9s %-8s %-6s %-10s %-8s %-6s %s\n", "id", "role", "state", "epoch", "heartbeat", "jobs",
           "jvms", "p50");
    size_t index;
    json_t *member;
    json_array_foreach(json_object_get(root, "members"), index, member)
        print_member(member);
    return json_is_integer(leader) ? 0 : 1;
}

/* One read of /status and its table: 0 or 1 as print_table, 2 if it could not be read. */
static int show_once(const char *base)
{
    char url[1024], *body = NULL;
    snprintf(url, sizeof url, "%s/status", base);
    long status = zr_http_get(url, "application/json", &body);
    json_t *root = status == 200 ? json_loads(body, 0, NULL) : NULL;
    int rc = 2;
    if (json_is_object(root))
        rc = print_table(root);
    else
        fprintf(stderr, "zrun status: cannot read %s: %s\n", url,
                status < 0 ? body : status == 200 ? "not JSON" : "unexpected answer");
    json_decref(root);
    free(body);
    return rc;
}

/* Clears the screen and draws the table again each second, until Ctrl-C (or count draws). */
static int watch(const status_options_t *o)
{
    struct sigaction action = { .sa_handler = on_interrupt };
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    for (long drawn = 0; !interrupted && (o->count < 0 || drawn < o->count); drawn++) {
        time_t now = time(NULL);
        char when[32];
        strftime(when, sizeof when, "%H:%M:%S", localtime(&now));
        printf("\033[H\033[2Jzrun status: %s at %s (Ctrl-C stops)\n", o->base, when);
        show_once(o->base);
        fflush(stdout);
        struct timespec pause = { WATCH_INTERVAL_MS / 1000, (WATCH_INTERVAL_MS % 1000) * 1000000L };
        if (o->count < 0 || drawn + 1 < o->count)
            nanosleep(&pause, NULL);   /* a CLI's redraw period; Ctrl-C cuts it short */
    }
    return 0;
}

static int parse_status_options(int argc, char **argv, status_options_t *o)
{
    static const struct option longs[] = {
        { "url", required_argument, 0, 'u' }, { "watch", no_argument, 0, 'w' },
        { "count", required_argument, 0, 'c' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    *o = (status_options_t) { .base = "http://127.0.0.1:8888", .count = -1 };
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":h", longs, NULL)) != -1;) {
        if (c == 'u')
            o->base = optarg;
        else if (c == 'w')
            o->watch = true;
        else if (c == 'c' && zr_cli_number("status", "--count", optarg, 1, 1000000, &o->count) != 0)
            return -1;
        else if (c == 'h')
            return status_usage(stdout), 1;
        else if (c != 'c')
            return fprintf(stderr, "zrun status: %s '%s' (see zrun status --help)\n",
                           c == ':' ? "missing value for" : "unknown option", argv[optind - 1]), -1;
    }
    if (optind < argc)
        return fprintf(stderr, "zrun status: unexpected argument '%s'\n", argv[optind]), -1;
    return 0;
}

int zr_cmd_status(int argc, char **argv)
{
    status_options_t o;
    int parsed = parse_status_options(argc, argv, &o);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = o.watch ? watch(&o) : show_once(o.base);
    curl_global_cleanup();
    return rc;
}
