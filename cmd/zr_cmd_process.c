/* zr_cmd_process: `zrun node` and `zrun gateway`: options, the cluster file, then the process
 * actor (actors/process) until SIGINT or SIGTERM, which the main thread reads from a signalfd. */
#include "cmd/zr_commands.h"
#include "cmd/zr_cli.h"
#include "actors/process/zr_process.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_config.h"
#include "runtime/zr_log.h"
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

typedef struct {
    const char *command, *config_path, *log_dir, *log_level;
    int id;
} process_options_t;

typedef struct {
    zr_config_t *config;
    int id;
} process_t;

static void process_usage(FILE *out, const char *command)
{
    fprintf(out, "usage: zrun %s --config FILE --id ID [--log-dir D] [--log-level L]\n"
                 "  Runs one %s of the cluster described by FILE (see demo/cluster.zpl).\n"
                 "  --log-dir and --log-level override the file's cluster/log_dir and log_level.\n",
            command, streq(command, "gateway") ? "gateway (election observer, public HTTP API)" : "peer node");
}

static int parse_process_options(int argc, char **argv, process_options_t *o)
{
    static const struct option longs[] = {
        { "config", required_argument, 0, 'c' }, { "id", required_argument, 0, 'i' },
        { "log-dir", required_argument, 0, 'd' }, { "log-level", required_argument, 0, 'l' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":h", longs, NULL)) != -1;) {
        switch (c) {
        case 'c': o->config_path = optarg; break;
        case 'i': if (zr_cli_int(o->command, "--id", optarg, 0, 1000000, &o->id))
                      return -1;
                  break;
        case 'd': o->log_dir = optarg; break;
        case 'l': o->log_level = optarg;
                  if (zr_cli_log_level(o->command, optarg))
                      return -1;
                  break;
        case 'h': process_usage(stdout, o->command); return 1;
        case ':': fprintf(stderr, "zrun %s: %s needs a value\n", o->command, argv[optind - 1]); return -1;
        default: fprintf(stderr, "zrun %s: unknown option '%s' (see zrun %s --help)\n", o->command, argv[optind - 1], o->command);
                 return -1;
        }
    }
    if (!o->config_path || o->id < 0) {
        fprintf(stderr, "zrun %s: --config FILE and --id ID are required\n", o->command);
        return -1;
    }
    return 0;
}

/* Loads the file, applies the flags, and checks that this id has the right role. */
static int load_config(process_t *self, const process_options_t *o, bool gateway)
{
    char err[600];
    self->config = zr_config_load(o->config_path, err, sizeof err);
    if (!self->config) {
        fprintf(stderr, "zrun %s: %s\n", o->command, err);
        return -1;
    }
    if (o->log_dir)
        snprintf(self->config->log_dir, sizeof self->config->log_dir, "%s", o->log_dir);
    if (o->log_level)
        self->config->log_level = zr_log_level_parse(o->log_level);
    zr_log_set_level(self->config->log_level);
    const zr_node_config_t *me = zr_config_node(self->config, o->id);
    if (!me || (me->role == ZR_ROLE_GATEWAY) != gateway) {
        fprintf(stderr, "zrun %s: %s has no %s with id %d\n", o->command, o->config_path,
                gateway ? "gateway" : "peer node", o->id);
        return -1;
    }
    self->id = o->id;
    return 0;
}

/* SIGINT/SIGTERM are blocked in every thread (actors inherit the mask) and read here from a
 * signalfd, so actors end only when told ($TERM), in order, never on their own. */
static int block_stop_signals(void)
{
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    return signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* Until SIGINT/SIGTERM, or until the process actor ends on its own. */
static void serve_until_signal(zactor_t *process, int signal_fd)
{
    zmq_pollitem_t items[] = {
        { NULL, signal_fd, ZMQ_POLLIN, 0 },
        { zsock_resolve(process), 0, ZMQ_POLLIN, 0 },
    };
    while (zmq_poll(items, 2, -1) >= 0 || zmq_errno() == EINTR) {
        if (items[0].revents & ZMQ_POLLIN)
            return;
        if (items[1].revents & ZMQ_POLLIN) {
            zmsg_t *unexpected = zmsg_recv(process);
            zmsg_destroy(&unexpected);
        }
    }
}

static int zr_process_run(int argc, char **argv, bool gateway)
{
    process_options_t options = { .command = gateway ? "gateway" : "node", .id = -1 };
    int rc = parse_process_options(argc, argv, &options);
    if (rc)
        return rc > 0 ? 0 : 2;
    process_t self = { 0 };
    if (load_config(&self, &options, gateway) != 0)
        return 2;
    int signal_fd = block_stop_signals();
    zsys_handler_set(NULL);
    zsys_init();
    zr_process_args_t args = { self.config, self.id, NULL };
    char err[700] = "";
    zactor_t *process = zr_actor_start(zr_process_actor, &args, err, sizeof err);
    if (process)
        serve_until_signal(process, signal_fd);
    else
        fprintf(stderr, "zrun: %s\n", err);
    zr_actor_stop(&process);
    close(signal_fd);
    zr_config_destroy(&self.config);
    zsys_shutdown();
    return err[0] ? 1 : 0;
}

int zr_cmd_node(int argc, char **argv)
{
    return zr_process_run(argc, argv, false);
}

int zr_cmd_gateway(int argc, char **argv)
{
    return zr_process_run(argc, argv, true);
}
