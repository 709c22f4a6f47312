/* zr_cmd_monitor: `zrun monitor ENDPOINT` subscribes to a process's socket-event stream (its
 * monitor port, udp_port + 1) and prints each event as it comes, until Ctrl-C. */
#include "cmd/zr_commands.h"
#include <czmq.h>

static void monitor_usage(FILE *out)
{
    fprintf(out, "usage: zrun monitor ENDPOINT\n"
                 "  ENDPOINT is a node's monitor port, e.g. tcp://127.0.0.1:8011 (udp_port + 1). Prints\n"
                 "  one line per socket event (connected, disconnected, accepted, handshakes ...) of that\n"
                 "  process's TCP sockets, as they happen, until Ctrl-C. Add --count N to stop after N.\n");
}

int zr_cmd_monitor(int argc, char **argv)
{
    const char *endpoint = NULL;
    long count = -1;
    for (int i = 1; i < argc; i++) {
        if (streq(argv[i], "--help") || streq(argv[i], "-h"))
            return monitor_usage(stdout), 0;
        if (streq(argv[i], "--count") && i + 1 < argc) {
            char *end = NULL;
            count = strtol(argv[++i], &end, 10);
            if (*end || count < 1)
                return fprintf(stderr, "zrun monitor: --count must be a whole number >= 1\n"), 2;
        } else if (!endpoint && strncmp(argv[i], "tcp://", 6) == 0)
            endpoint = argv[i];
        else
            return fprintf(stderr, "zrun monitor: unexpected argument '%s' (see zrun monitor --help)\n", argv[i]), 2;
    }
    if (!endpoint)
        return fprintf(stderr, "zrun monitor: give the endpoint, e.g. tcp://127.0.0.1:8011\n"), 2;
    zsys_init();
    zsock_t *events = zsock_new_sub(NULL, "");
    zsock_set_linger(events, 0);
    if (zsock_connect(events, "%s", endpoint) != 0) {
        fprintf(stderr, "zrun monitor: cannot connect to %s\n", endpoint);
        zsock_destroy(&events);
        return 2;
    }
    printf("zrun monitor: listening to %s (Ctrl-C stops)\n", endpoint);
    fflush(stdout);
    while (!zsys_interrupted && count != 0) {
        char *line = zstr_recv(events);
        if (!line)
            break;
        printf("%s %s\n", zclock_timestr(), line);
        fflush(stdout);
        zstr_free(&line);
        if (count > 0)
            count--;
    }
    zsock_destroy(&events);
    return 0;
}
