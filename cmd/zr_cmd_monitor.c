/* zr_cmd_monitor: `zrun monitor` subscribes to the monitor ports (udp_port + 1) of one process,
 * several, or every process of a cluster file, and prints one line per event as it comes. */
#include "cmd/zr_commands.h"
#include "cmd/zr_cli.h"
#include "runtime/zr_config.h"
#include "runtime/zr_event_line.h"
#include <czmq.h>
#include <getopt.h>
#include <time.h>

#define MAX_ENDPOINTS 64

typedef struct {
    const char *endpoints[MAX_ENDPOINTS];
    size_t endpoint_count;
    const char *cluster_file;
    zr_event_filter_t filter;
    long count;                       /* events to print before stopping; -1: until Ctrl-C */
} monitor_options_t;

typedef struct {                      /* seq gaps, per publishing node */
    int64_t node;
    zr_event_gap_t gap;
} node_gap_t;

static void monitor_usage(FILE *out)
{
    fprintf(out, "usage: zrun monitor [--kind K,...] [--request ID] [--node N] [--count N] ENDPOINT...\n"
                 "       zrun monitor --cluster FILE [--kind K,...] [--request ID] [--node N] [--count N]\n"
                 "  Follows the monitor ports (udp_port + 1, e.g. tcp://127.0.0.1:8011) of the given processes,\n"
                 "  or of every process of a cluster file, and prints one line per event as it comes:\n"
                 "      <time> <node> <kind> <fields>\n"
                 "  Kinds: state election.start election.end suspect refute failure join rejoin request.received\n"
                 "  request.assigned request.reassigned request.recovered request.completed request.expired\n"
                 "  jvm.start jvm.recycle jvm.kill drop socket (proto/PROTOCOL.md lists their fields).\n"
                 "  --kind takes kinds or groups (\"request\" is every request.* kind), comma-separated;\n"
                 "  --request keeps the events of one request id; --node those of one process.\n"
                 "  A line \"# node N: K events lost\" says this subscriber was too slow for that process.\n"
                 "  Runs until Ctrl-C, or until N events were printed (--count).\n");
}

static int parse_option(int option, const char *value, monitor_options_t *o)
{
    char bad[64] = "";
    long node = 0;
    switch (option) {
    case 'c':
        o->cluster_file = value;
        return 0;
    case 'k':
        if (zr_event_filter_kinds(&o->filter, value, bad, sizeof bad))
            return 0;
        fprintf(stderr, "zrun monitor: --kind: '%s' is no event kind (see zrun monitor --help)\n", bad);
        return -1;
    case 'r':
        o->filter.request = value;
        return 0;
    case 'n':
        if (zr_cli_number("monitor", "--node", value, 0, INT32_MAX, &node))
            return -1;
        o->filter.node = node;
        return 0;
    default:   /* 'N' */
        return zr_cli_number("monitor", "--count", value, 1, LONG_MAX, &o->count);
    }
}

static int add_endpoint(monitor_options_t *o, const char *endpoint)
{
    if (strncmp(endpoint, "tcp://", 6) != 0 || o->endpoint_count == MAX_ENDPOINTS) {
        fprintf(stderr, "zrun monitor: '%s' is not a tcp:// endpoint (see zrun monitor --help)\n", endpoint);
        return -1;
    }
    o->endpoints[o->endpoint_count++] = endpoint;
    return 0;
}

/* 0 to go on, 1 after --help, -1 on a usage error (reported). */
static int parse_monitor_options(int argc, char **argv, monitor_options_t *o)
{
    static const struct option longs[] = {
        { "cluster", required_argument, 0, 'c' }, { "kind", required_argument, 0, 'k' },
        { "request", required_argument, 0, 'r' }, { "node", required_argument, 0, 'n' },
        { "count", required_argument, 0, 'N' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    *o = (monitor_options_t) { .count = -1 };
    zr_event_filter_init(&o->filter);
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":h", longs, NULL)) != -1;) {
        if (c == 'h')
            return monitor_usage(stdout), 1;
        if (c == ':' || c == '?')
            return fprintf(stderr, c == ':' ? "zrun monitor: %s needs a value\n"
                                            : "zrun monitor: unknown option '%s' (see zrun monitor --help)\n",
                           argv[optind - 1]), -1;
        if (parse_option(c, optarg, o) != 0)
            return -1;
    }
    for (int i = optind; i < argc; i++)
        if (add_endpoint(o, argv[i]) != 0)
            return -1;
    if (!o->cluster_file == !o->endpoint_count)
        return fprintf(stderr, "zrun monitor: give either endpoints (e.g. tcp://127.0.0.1:8011) or --cluster FILE\n"), -1;
    return 0;
}

/* One SUB connected to every endpoint: the given ones, or each process's monitor port. */
static zsock_t *subscribe_all(const monitor_options_t *o, size_t *connected)
{
    zsock_t *events = zsock_new_sub(NULL, "");
    zsock_set_linger(events, 0);
    zsock_set_rcvhwm(events, 100000);
    char err[512];
    zr_config_t *config = o->cluster_file ? zr_config_load(o->cluster_file, err, sizeof err) : NULL;
    if (o->cluster_file && !config) {
        fprintf(stderr, "zrun monitor: %s\n", err);
        zsock_destroy(&events);
        return NULL;
    }
    *connected = 0;
    for (size_t i = 0; config && i < config->node_count; i++)
        *connected += zsock_connect(events, "tcp://%s:%d", config->nodes[i].ipv4, config->nodes[i].udp_port + 1) == 0;
    for (size_t i = 0; i < o->endpoint_count; i++)
        *connected += zsock_connect(events, "%s", o->endpoints[i]) == 0;
    zr_config_destroy(&config);
    return events;
}

static void format_time(int64_t wall_ms, char *out, size_t size)
{
    time_t seconds = (time_t) (wall_ms / 1000);
    struct tm tm;
    gmtime_r(&seconds, &tm);
    size_t used = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + used, size - used, ".%03dZ", (int) (wall_ms % 1000));
}

/* Events from node missed by this subscriber since its last one; reported as a note. */
static void count_gap(node_gap_t *gaps, size_t *gap_count, const zr_event_line_t *event)
{
    size_t i = 0;
    while (i < *gap_count && gaps[i].node != event->node)
        i++;
    if (i == *gap_count && *gap_count < MAX_ENDPOINTS)
        gaps[(*gap_count)++] = (node_gap_t) { .node = event->node };
    uint64_t lost = i < *gap_count ? zr_event_gap_check(&gaps[i].gap, event->seq) : 0;
    if (lost)
        printf("# node %lld: %llu events lost\n", (long long) event->node, (unsigned long long) lost);
}

/* Prints the line if the filter takes it; true if it was printed. */
static bool show(char *line, const zr_event_filter_t *filter, node_gap_t *gaps, size_t *gap_count)
{
    zr_event_line_t event;
    if (!zr_event_line_parse(line, &event)) {
        printf("# unreadable: %s\n", line);
        return false;
    }
    count_gap(gaps, gap_count, &event);
    if (!zr_event_filter_match(filter, &event))
        return false;
    char when[40], rest[ZR_EVENT_LINE_MAX];
    format_time(event.t_ms, when, sizeof when);
    zr_event_line_rest(&event, rest, sizeof rest);
    printf("%s %lld %s %s\n", when, (long long) event.node, event.kind, rest);
    return true;
}

int zr_cmd_monitor(int argc, char **argv)
{
    monitor_options_t o;
    int parsed = parse_monitor_options(argc, argv, &o);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    zsys_init();
    size_t connected = 0;
    zsock_t *events = subscribe_all(&o, &connected);
    if (!events)
        return 2;
    printf("zrun monitor: listening to %zu monitor port%s (Ctrl-C stops)\n", connected, connected == 1 ? "" : "s");
    fflush(stdout);
    node_gap_t gaps[MAX_ENDPOINTS];
    size_t gap_count = 0;
    while (!zsys_interrupted && o.count != 0) {
        char *line = zstr_recv(events);
        if (!line)
            break;
        if (show(line, &o.filter, gaps, &gap_count) && o.count > 0)
            o.count--;
        fflush(stdout);
        zstr_free(&line);
    }
    zsock_destroy(&events);
    return 0;
}
