/* zr_http_watch: an epoll set asking only for hang-ups (EPOLLRDHUP; HUP and ERR always come),
 * so data a client sends meanwhile wakes nobody; each event carries the request id. */
#include "runtime/http/zr_http_watch.h"
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

struct zr_http_watch {
    int epoll_fd;
};

zr_http_watch_t *zr_http_watch_new(void)
{
    zr_http_watch_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (self->epoll_fd < 0) {
        free(self);
        return NULL;
    }
    return self;
}

void zr_http_watch_destroy(zr_http_watch_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    close((*self_p)->epoll_fd);
    free(*self_p);
    *self_p = NULL;
}

int zr_http_watch_fd(const zr_http_watch_t *self)
{
    return self->epoll_fd;
}

int zr_http_watch_add(zr_http_watch_t *self, int fd, uint64_t id)
{
    struct epoll_event event = { .events = EPOLLRDHUP, .data.u64 = id };
    return fd >= 0 ? epoll_ctl(self->epoll_fd, EPOLL_CTL_ADD, fd, &event) : -1;
}

void zr_http_watch_remove(zr_http_watch_t *self, int fd)
{
    if (fd >= 0)
        epoll_ctl(self->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
}

bool zr_http_watch_next_gone(zr_http_watch_t *self, uint64_t *id)
{
    struct epoll_event event;
    if (epoll_wait(self->epoll_fd, &event, 1, 0) != 1)
        return false;
    *id = event.data.u64;
    return true;
}
