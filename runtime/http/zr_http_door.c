/* zr_http_door: a table of clients (connections and jobs per address, forgotten at zero) and a
 * FIFO of connections waiting for headers: every wait lasts header_timeout_ms, so the oldest is
 * always the next to become overdue. */
#include "runtime/http/zr_http_door.h"
#include <czmq.h>

typedef struct {
    char key[ZR_DOOR_CLIENT_MAX];
    int connections, in_flight;
} client_t;

struct zr_door_conn {
    char client[ZR_DOOR_CLIENT_MAX];
    void *user;
    int64_t waiting_since;
    void *waiting;           /* its handle in the waiting FIFO; NULL while not waiting */
};

struct zr_http_door {
    zr_http_door_config_t config;
    zhashx_t *clients;       /* key -> client_t */
    zlistx_t *waiting;       /* zr_door_conn_t*, oldest first */
    size_t in_flight, connections;
    zr_http_door_stats_t stats;
};

void zr_http_door_config_defaults(zr_http_door_config_t *config)
{
    *config = (zr_http_door_config_t) { .max_pending = 1024, .max_in_flight_per_client = 32,
                                        .max_connections_per_client = 64, .header_timeout_ms = 5000,
                                        .retry_after_s = 1 };
}

static void client_destroy(void **item)
{
    free(*item);
    *item = NULL;
}

zr_http_door_t *zr_http_door_new(const zr_http_door_config_t *config)
{
    zr_http_door_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->config = *config;
    self->clients = zhashx_new();
    zhashx_set_destructor(self->clients, client_destroy);
    self->waiting = zlistx_new();
    return self;
}

void zr_http_door_destroy(zr_http_door_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zhashx_destroy(&(*self_p)->clients);
    zlistx_destroy(&(*self_p)->waiting);
    free(*self_p);
    *self_p = NULL;
}

const zr_http_door_config_t *zr_http_door_config(const zr_http_door_t *self)
{
    return &self->config;
}

/* The client's entry, made if missing and create; NULL if missing and not made. */
static client_t *client_of(zr_http_door_t *self, const char *key, bool create)
{
    client_t *client = zhashx_lookup(self->clients, key);
    if (client || !create)
        return client;
    client = calloc(1, sizeof *client);
    if (!client)
        abort();
    snprintf(client->key, sizeof client->key, "%s", key);
    zhashx_insert(self->clients, client->key, client);
    return client;
}

static void forget_if_idle(zr_http_door_t *self, client_t *client)
{
    if (client && client->connections <= 0 && client->in_flight <= 0)
        zhashx_delete(self->clients, client->key);   /* frees it */
}

/* ---- connections ---- */

bool zr_http_door_may_connect(zr_http_door_t *self, const char *client)
{
    const client_t *known = client_of(self, client, false);
    bool may = !known || known->connections < self->config.max_connections_per_client;
    self->stats.refused_connections += !may;
    return may;
}

static void start_waiting(zr_http_door_t *self, zr_door_conn_t *conn, int64_t now_ms)
{
    if (conn->waiting)
        zlistx_delete(self->waiting, conn->waiting);
    conn->waiting_since = now_ms;
    conn->waiting = zlistx_add_end(self->waiting, conn);
}

static void stop_waiting(zr_http_door_t *self, zr_door_conn_t *conn)
{
    if (conn->waiting)
        zlistx_delete(self->waiting, conn->waiting);
    conn->waiting = NULL;
}

zr_door_conn_t *zr_http_door_connected(zr_http_door_t *self, const char *client, void *user,
                                       int64_t now_ms)
{
    zr_door_conn_t *conn = calloc(1, sizeof *conn);
    if (!conn)
        abort();
    snprintf(conn->client, sizeof conn->client, "%s", client);
    conn->user = user;
    client_of(self, conn->client, true)->connections++;
    self->connections++;
    start_waiting(self, conn, now_ms);
    return conn;
}

void zr_http_door_headers_done(zr_http_door_t *self, zr_door_conn_t *conn)
{
    stop_waiting(self, conn);
}

void zr_http_door_request_done(zr_http_door_t *self, zr_door_conn_t *conn, int64_t now_ms)
{
    start_waiting(self, conn, now_ms);
}

void zr_http_door_disconnected(zr_http_door_t *self, zr_door_conn_t **conn_p)
{
    zr_door_conn_t *conn = *conn_p;
    if (!conn)
        return;
    stop_waiting(self, conn);
    client_t *client = client_of(self, conn->client, false);
    if (client)
        client->connections--;
    forget_if_idle(self, client);
    self->connections--;
    free(conn);
    *conn_p = NULL;
}

const char *zr_door_conn_client(const zr_door_conn_t *conn)
{
    return conn->client;
}

void *zr_door_conn_user(const zr_door_conn_t *conn)
{
    return conn->user;
}

int64_t zr_http_door_next_deadline(const zr_http_door_t *self)
{
    const zr_door_conn_t *oldest = zlistx_head(self->waiting);
    return oldest ? oldest->waiting_since + self->config.header_timeout_ms : -1;
}

zr_door_conn_t *zr_http_door_next_overdue(zr_http_door_t *self, int64_t now_ms)
{
    int64_t deadline = zr_http_door_next_deadline(self);
    if (deadline < 0 || deadline > now_ms)
        return NULL;
    zr_door_conn_t *conn = zlistx_head(self->waiting);
    stop_waiting(self, conn);
    self->stats.cut_slow_headers++;
    return conn;
}

/* ---- jobs ---- */

zr_door_verdict_t zr_http_door_admit(zr_http_door_t *self, const char *key)
{
    client_t *client = client_of(self, key, false);
    if (client && client->in_flight >= self->config.max_in_flight_per_client) {
        self->stats.refused_busy++;
        return ZR_DOOR_CLIENT_BUSY;
    }
    if (self->in_flight >= (size_t) self->config.max_pending) {
        self->stats.refused_full++;
        return ZR_DOOR_FULL;
    }
    client_of(self, key, true)->in_flight++;
    self->in_flight++;
    return ZR_DOOR_ADMIT;
}

void zr_http_door_release(zr_http_door_t *self, const char *key)
{
    client_t *client = client_of(self, key, false);
    if (!client || client->in_flight <= 0)
        return;
    client->in_flight--;
    self->in_flight--;
    forget_if_idle(self, client);
}

void zr_http_door_stats(const zr_http_door_t *self, zr_http_door_stats_t *out)
{
    *out = self->stats;
    out->connections = self->connections;
    out->in_flight = self->in_flight;
    out->clients = zhashx_size(self->clients);
}
