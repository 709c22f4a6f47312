/* zr_cmd_version: `zrun version` prints the zrun version and the libzmq/czmq it runs on.
 * The libzmq version is read at run time, so it shows which library was really loaded. */
#include "cmd/zr_commands.h"
#include <czmq.h>
#include <stdio.h>

int zr_cmd_version(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "zrun version: takes no arguments\n");
        return 2;
    }
    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    printf("zrun %s (libzmq %d.%d.%d with draft API, czmq %d.%d.%d)\n", ZRUN_VERSION,
           major, minor, patch, CZMQ_VERSION_MAJOR, CZMQ_VERSION_MINOR, CZMQ_VERSION_PATCH);
    return 0;
}
