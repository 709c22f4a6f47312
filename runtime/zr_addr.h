/* zr_addr: validation of host:port values before anything is bound or connected.
 * libzmq accepts a DISH bind to an address the host lacks and then spins, so we check first. */
#ifndef ZR_ADDR_H
#define ZR_ADDR_H
#include <stdbool.h>
#include <stddef.h>

/* True if port is a usable port number (1..65535). */
bool zr_addr_port_ok(long port);
/* Resolves host (IPv4 literal or name) to a dotted IPv4 string in out (16 bytes).
 * Returns 0, or -1 with a one-line reason in err. */
int zr_addr_resolve_ipv4(const char *host, char out[16], char *err, size_t err_size);
/* True if ipv4 (dotted) is 0.0.0.0 or is assigned to one of this host's interfaces. */
bool zr_addr_is_local_ipv4(const char *ipv4);

#endif
