/* zr_process_security: what makes a process a member: its keys loaded and zauth admitting the
 * cluster's public keys before any CURVE server binds; or, with cluster/insecure = 1, a warning. */
#ifndef ZR_PROCESS_SECURITY_H
#define ZR_PROCESS_SECURITY_H
#include <stddef.h>
#include "runtime/zr_inproc.h"

/* Sets env->keys (NULL when insecure, logged as a WARN to the process's security log and to
 * stderr at every start). -1 with a one-line reason naming the file or key at fault. */
int zr_process_security_start(zr_env_t *env, zr_keys_t **keys, char *err, size_t err_size);
/* After every actor of the process has stopped. */
void zr_process_security_stop(zr_env_t *env, zr_keys_t **keys);

#endif
