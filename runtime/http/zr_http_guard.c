/* zr_http_guard: the door's bookkeeping hooked into libmicrohttpd: each accepted connection gets
 * a door record in its socket context; an overdue one has its socket shut, which MHD sees as the
 * client leaving. Everything runs on the front actor's thread. */
#include "runtime/http/zr_http_guard.h"
#include "runtime/http/zr_http_server.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define FILES_RESERVED 256          /* for logs, JVM pipes, zmq sockets, ... */
#define CONNECTIONS_MAX 1000000u

unsigned zr_http_guard_raise_file_limit(void)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1000;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    rlim_t usable = limit.rlim_cur > 2 * FILES_RESERVED ? limit.rlim_cur - FILES_RESERVED : limit.rlim_cur / 2;
    return usable > CONNECTIONS_MAX ? CONNECTIONS_MAX : (unsigned) usable;
}

void zr_http_guard_client_key(const struct sockaddr *address, char out[ZR_DOOR_CLIENT_MAX])
{
    snprintf(out, ZR_DOOR_CLIENT_MAX, "unknown");
    if (address && address->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *) address)->sin_addr, out, ZR_DOOR_CLIENT_MAX);
    else if (address && address->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) address)->sin6_addr, out, ZR_DOOR_CLIENT_MAX);
}

enum MHD_Result zr_http_guard_accept(void *cls, const struct sockaddr *address, socklen_t length)
{
    zr_http_server_t *server = cls;
    char client[ZR_DOOR_CLIENT_MAX];
    zr_http_guard_client_key(length ? address : NULL, client);
    return zr_http_door_may_connect(server->door, client) ? MHD_YES : MHD_NO;
}

void zr_http_guard_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    zr_http_server_t *server = cls;
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        zr_door_conn_t *conn = *socket_context;
        zr_http_door_disconnected(server->door, &conn);
        *socket_context = NULL;
        return;
    }
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char client[ZR_DOOR_CLIENT_MAX];
    zr_http_guard_client_key(info ? info->client_addr : NULL, client);
    *socket_context = zr_http_door_connected(server->door, client, connection,
                                             zr_clock_now_ms(&server->clock));
}

zr_door_conn_t *zr_http_guard_conn(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

void zr_http_guard_cut_overdue(zr_http_server_t *server, int64_t now_ms)
{
    zr_door_conn_t *conn;
    while ((conn = zr_http_door_next_overdue(server->door, now_ms))) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(zr_door_conn_user(conn), MHD_CONNECTION_INFO_CONNECTION_FD);
        if (info)
            shutdown(info->connect_fd, SHUT_RDWR);
        zr_debug(server->log, "closed a connection from %s: no request headers within %d ms",
                 zr_door_conn_client(conn), zr_http_door_config(server->door)->header_timeout_ms);
    }
}

static void metric(FILE *out, const char *name, const char *type, const char *help)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void zr_http_guard_metrics(const zr_http_server_t *server, FILE *out)
{
    zr_http_door_stats_t s;
    zr_http_door_stats(server->door, &s);
    metric(out, "zrun_http_refused_total", "counter",
           "Connections and jobs the door refused or cut, by reason.");
    fprintf(out, "zrun_http_refused_total{reason=\"connections_per_client\"} %llu\n"
                 "zrun_http_refused_total{reason=\"slow_headers\"} %llu\n"
                 "zrun_http_refused_total{reason=\"client_busy\"} %llu\n"
                 "zrun_http_refused_total{reason=\"queue_full\"} %llu\n",
            (unsigned long long) s.refused_connections, (unsigned long long) s.cut_slow_headers,
            (unsigned long long) s.refused_busy, (unsigned long long) s.refused_full);
    metric(out, "zrun_http_connections", "gauge", "Open HTTP connections.");
    fprintf(out, "zrun_http_connections %zu\n", s.connections);
    metric(out, "zrun_http_jobs_admitted", "gauge", "Jobs holding a slot of the door (max_pending).");
    fprintf(out, "zrun_http_jobs_admitted %zu\n", s.in_flight);
    metric(out, "zrun_http_clients_gone_total", "counter", "Jobs whose client hung up while waiting.");
    fprintf(out, "zrun_http_clients_gone_total %llu\n", (unsigned long long) server->clients_gone);
}
