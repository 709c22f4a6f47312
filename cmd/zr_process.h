/* zr_process: what `zrun node` and `zrun gateway` share: options, the cluster file, and the
 * actors of one process started in order and stopped in reverse on SIGINT/SIGTERM. */
#ifndef ZR_PROCESS_H
#define ZR_PROCESS_H
#include <stdbool.h>

/* Runs one cluster process; `gateway` selects the gateway's actors. Returns the exit status. */
int zr_process_run(int argc, char **argv, bool gateway);

#endif
