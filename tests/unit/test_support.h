/* test_support: small helpers shared by the unit tests (free ports, deadlines).
 * Header-only so every test program stays a single source file. */
#ifndef ZR_TEST_SUPPORT_H
#define ZR_TEST_SUPPORT_H
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* Asks the kernel for a currently free port of the given type (SOCK_DGRAM/SOCK_STREAM). */
static inline int test_free_port(int type)
{
    int fd = socket(AF_INET, type, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t length = sizeof address;
    if (fd < 0 || bind(fd, (struct sockaddr *) &address, sizeof address) != 0
        || getsockname(fd, (struct sockaddr *) &address, &length) != 0)
        abort();
    close(fd);
    return ntohs(address.sin_port);
}

/* Iterations scaled down when the test runs under valgrind (ZRUN_TEST_UNDER_VALGRIND set). */
static inline int test_iterations(int normal)
{
    return getenv("ZRUN_TEST_UNDER_VALGRIND") ? (normal / 20 > 0 ? normal / 20 : 1) : normal;
}

#endif
