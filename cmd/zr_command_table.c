/* zr_command_table: the list of zrun subcommands and their one-line summaries.
 * Adding a subcommand means adding its entry here and its zr_cmd_* function. */
#include "cmd/zr_commands.h"
#include <stddef.h>

const zr_command_t zr_commands[] = {
    { "cluster", zr_cmd_cluster, "start a gateway and N nodes on this machine, each its own process" },
    { "node", zr_cmd_node, "run one peer node of a cluster (elections; leads or follows)" },
    { "gateway", zr_cmd_gateway, "run the gateway: public HTTP API, election observer" },
    { "serve", zr_cmd_serve, "one standalone server: compile-and-run without a cluster" },
    { "status", zr_cmd_status, "print the cluster table: id, role, state, last heartbeat" },
    { "monitor", zr_cmd_monitor, "print socket and cluster events of one process, several, or a whole cluster" },
    { "bench", zr_cmd_bench, "load a zrun endpoint with N concurrent clients; print req/s, p50, p99" },
    { "keygen", zr_cmd_keygen, "make a cluster's keys: CURVE keypairs per node, the datagram key" },
    { "version", zr_cmd_version, "print the zrun version" },
    { "submit", zr_cmd_submit, "send Java files to a server, print each response body" },
    { NULL, NULL, NULL },
};
