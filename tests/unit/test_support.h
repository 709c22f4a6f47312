/* test_support: small helpers shared by the unit tests (free ports, deadlines).
 * Header-only so every test program stays a single source file. */
#ifndef ZR_TEST_SUPPORT_H
#define ZR_TEST_SUPPORT_H
#include <arpa/inet.h>
#include <netinet/in.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "runtime/zr_inproc.h"

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

/* A process prefix no earlier fixture of this program used: libzmq unregisters a closed socket's
 * inproc endpoints asynchronously (its reaper thread), so the next fixture binding the same
 * inproc names at once can fail with "address in use" on a busy machine. */
static inline void test_unique_prefix(char *out, size_t size, const char *name)
{
    static int fixtures;
    snprintf(out, size, "%s-%d-%d", name, (int) getpid(), ++fixtures);
}

/* True if port can be bound on 127.0.0.1 for type (SOCK_DGRAM/SOCK_STREAM) right now. */
static inline bool test_port_is_free(int type, int port)
{
    int fd = socket(AF_INET, type, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                                   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    bool free_now = fd >= 0 && bind(fd, (struct sockaddr *) &address, sizeof address) == 0;
    if (fd >= 0)
        close(fd);
    return free_now;
}

/* A base port whose block base .. base + count - 1 is free for TCP and UDP, below the kernel's
 * ephemeral range (32768+), where outgoing connections would take ports at random. */
static inline int test_free_port_block(int count)
{
    unsigned seed = (unsigned) getpid();
    for (int attempt = 0; attempt < 200; attempt++) {
        int base = 20000 + (int) (rand_r(&seed) % 120) * 100;
        bool all_free = true;
        for (int port = base; port < base + count && all_free; port++)
            all_free = test_port_is_free(SOCK_STREAM, port) && test_port_is_free(SOCK_DGRAM, port);
        if (all_free)
            return base;
    }
    abort();
}

static inline int test_remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void) st; (void) type; (void) ftw;
    remove(path);
    return 0;
}

/* Removes a directory the test made, and everything in it. */
static inline void test_remove_tree(const char *path)
{
    nftw(path, test_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Iterations scaled down when the test runs under valgrind (ZRUN_TEST_UNDER_VALGRIND set). */
static inline int test_iterations(int normal)
{
    return getenv("ZRUN_TEST_UNDER_VALGRIND") ? (normal / 20 > 0 ? normal / 20 : 1) : normal;
}

/* One sample of an actor's STATS (-1 if the actor did not report it). */
static inline double test_stat(void *actor, zr_metric_id_t id, const char *label)
{
    zr_metrics_t *set = zr_inproc_stats(actor);
    double value = -1;
    if (!set || !zr_metrics_get(set, id, label, &value))
        value = -1;
    zr_metrics_destroy(&set);
    return value;
}

#endif
