/* zr_addr: port range checks, IPv4 resolution and "is this address ours" via getifaddrs.
 * Every bind in zrun goes through zr_addr_is_local_ipv4 first. */
#include "runtime/zr_addr.h"
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

bool zr_addr_port_ok(long port)
{
    return port >= 1 && port <= 65535;
}

int zr_addr_resolve_ipv4(const char *host, char out[16], char *err, size_t err_size)
{
    struct in_addr literal;
    if (host && inet_pton(AF_INET, host, &literal) == 1) {
        inet_ntop(AF_INET, &literal, out, 16);
        return 0;
    }
    struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM };
    struct addrinfo *found = NULL;
    int rc = host && *host ? getaddrinfo(host, NULL, &hints, &found) : EAI_NONAME;
    if (rc != 0 || !found) {
        snprintf(err, err_size, "cannot resolve host '%s' to an IPv4 address (%s)",
                 host ? host : "", gai_strerror(rc));
        return -1;
    }
    inet_ntop(AF_INET, &((struct sockaddr_in *) found->ai_addr)->sin_addr, out, 16);
    freeaddrinfo(found);
    return 0;
}

bool zr_addr_is_local_ipv4(const char *ipv4)
{
    struct in_addr wanted;
    if (inet_pton(AF_INET, ipv4, &wanted) != 1)
        return false;
    if (wanted.s_addr == htonl(INADDR_ANY))
        return true;
    struct ifaddrs *interfaces = NULL;
    if (getifaddrs(&interfaces) != 0)
        return false;
    bool found = false;
    for (struct ifaddrs *it = interfaces; it && !found; it = it->ifa_next)
        if (it->ifa_addr && it->ifa_addr->sa_family == AF_INET)
            found = ((struct sockaddr_in *) it->ifa_addr)->sin_addr.s_addr == wanted.s_addr;
    freeifaddrs(interfaces);
    return found;
}
