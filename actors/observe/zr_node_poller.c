/* zr_node_poller: a CURLM with one easy handle per running transfer; curl's sockets join the
 * caller's zmq_poll through curl_multi_fdset, and curl_multi_timeout bounds the wait. */
#include "actors/observe/zr_node_poller.h"
#include <curl/curl.h>
#include <sys/select.h>

#define MAX_TRANSFERS 64
#define MAX_BODY (64 * 1024)   /* a /node answer is a few hundred bytes */

typedef struct {
    int64_t id;
    CURL *easy;
    char *body;
    size_t length;
    FILE *sink;
    bool too_large;
} transfer_t;

struct zr_node_poller {
    CURLM *multi;
    transfer_t *transfers[MAX_TRANSFERS];   /* each on the heap: curl and its memstream point into it */
    size_t count;
};

zr_node_poller_t *zr_node_poller_new(void)
{
    zr_node_poller_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->multi = curl_multi_init();
    return self;
}

static void finish(zr_node_poller_t *self, size_t index)
{
    transfer_t *t = self->transfers[index];
    curl_multi_remove_handle(self->multi, t->easy);
    curl_easy_cleanup(t->easy);
    fclose(t->sink);
    free(t->body);
    free(t);
    self->transfers[index] = self->transfers[--self->count];
}

void zr_node_poller_destroy(zr_node_poller_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zr_node_poller_t *self = *self_p;
    while (self->count)
        finish(self, 0);
    curl_multi_cleanup(self->multi);
    free(self);
    *self_p = NULL;
}

static size_t append(char *data, size_t size, size_t count, void *arg)
{
    transfer_t *t = arg;
    if (t->length + size * count > MAX_BODY) {
        t->too_large = true;
        return 0;   /* curl ends the transfer with an error */
    }
    size_t written = fwrite(data, size, count, t->sink) * size;
    fflush(t->sink);
    return written;
}

bool zr_node_poller_get(zr_node_poller_t *self, int64_t id, const char *url, long timeout_ms)
{
    for (size_t i = 0; i < self->count; i++)
        if (self->transfers[i]->id == id)
            return false;
    if (self->count == MAX_TRANSFERS)
        return false;
    transfer_t *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    *t = (transfer_t) { .id = id, .easy = curl_easy_init() };
    self->transfers[self->count] = t;
    t->sink = open_memstream(&t->body, &t->length);
    curl_easy_setopt(t->easy, CURLOPT_URL, url);
    curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
    curl_multi_add_handle(self->multi, t->easy);
    self->count++;
    return true;
}

int zr_node_poller_items(zr_node_poller_t *self, zmq_pollitem_t *items, int max, long *timeout_ms)
{
    fd_set readable, writable, failed;
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    FD_ZERO(&failed);
    int highest = -1, used = 0;
    curl_multi_fdset(self->multi, &readable, &writable, &failed, &highest);
    for (int fd = 0; fd <= highest && used < max; fd++) {
        short events = (short) ((FD_ISSET(fd, &readable) ? ZMQ_POLLIN : 0) | (FD_ISSET(fd, &writable) ? ZMQ_POLLOUT : 0));
        if (events)
            items[used++] = (zmq_pollitem_t) { .fd = fd, .events = events };
    }
    *timeout_ms = -1;
    if (self->count) {
        curl_multi_timeout(self->multi, timeout_ms);
        if (*timeout_ms < 0 || (highest < 0 && *timeout_ms > 100))
            *timeout_ms = 100;   /* curl waits on nothing we can poll (e.g. resolving): look again soon */
    }
    return used;
}

static size_t index_of(const zr_node_poller_t *self, CURL *easy)
{
    for (size_t i = 0; i < self->count; i++)
        if (self->transfers[i]->easy == easy)
            return i;
    return self->count;
}

void zr_node_poller_run(zr_node_poller_t *self, zr_node_poller_done_fn *done, void *arg)
{
    int running = 0, left = 0;
    curl_multi_perform(self->multi, &running);
    for (CURLMsg *msg; (msg = curl_multi_info_read(self->multi, &left));) {
        size_t index = msg->msg == CURLMSG_DONE ? index_of(self, msg->easy_handle) : self->count;
        if (index == self->count)
            continue;
        transfer_t *t = self->transfers[index];
        long status = -1;
        if (msg->data.result == CURLE_OK)
            curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
        fflush(t->sink);
        done(arg, t->id, status, status > 0 ? t->body : NULL);
        finish(self, index);
    }
}

size_t zr_node_poller_running(const zr_node_poller_t *self)
{
    return self->count;
}
