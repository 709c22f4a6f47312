/* zr_zap: the one zauth actor of this process's zmq context. ZAP is per context and czmq's zauth
 * binds a fixed endpoint, so every node living in the process shares it (counted references). */
#ifndef ZR_ZAP_H
#define ZR_ZAP_H
#include <stddef.h>

/* Starts zauth admitting the CURVE public keys in public_dir (or takes another reference to the
 * running one); call before binding a CURVE server. -1 with a one-line reason in err, e.g. when
 * the running zauth serves another directory (one key directory per process). */
int zr_zap_acquire(const char *public_dir, char *err, size_t err_size);
/* Drops a reference; the last one stops zauth. */
void zr_zap_release(void);

#endif
