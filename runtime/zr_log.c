/* zr_log: per-actor log files with a single process-wide level.
 * Lines are formatted into one buffer and written with one write(2) on an O_APPEND fd. */
#include "runtime/zr_log.h"
#include "runtime/zr_clock.h"
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ZR_LOG_LINE_MAX 4096

struct zr_log {
    int fd;              /* -1: discard */
    char *path;
    int node_id;         /* both on every line: one grep over a log directory shows who said it */
    char actor[32];
};

static atomic_int process_level = ZR_LOG_INFO;
static const char *level_names[] = { "DEBUG", "INFO", "WARN", "ERROR", "OFF" };

void zr_log_set_level(zr_log_level_t level) { atomic_store(&process_level, (int) level); }
zr_log_level_t zr_log_get_level(void) { return (zr_log_level_t) atomic_load(&process_level); }

int zr_log_level_parse(const char *name)
{
    for (int level = ZR_LOG_DEBUG; level <= ZR_LOG_OFF; level++)
        if (strcasecmp(name, level_names[level]) == 0)
            return level;
    if (strcasecmp(name, "warning") == 0)
        return ZR_LOG_WARN;
    return -1;
}

static int make_dirs(const char *dir)
{
    char path[1024];
    if (snprintf(path, sizeof path, "%s", dir) >= (int) sizeof path)
        return -1;
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return (mkdir(path, 0755) == 0 || errno == EEXIST) ? 0 : -1;
}

void zr_log_file_name(char *out, size_t size, const char *dir, int node_id, const char *name)
{
    snprintf(out, size, "%s/node-%d-%s.log", dir, node_id, name);
}

zr_log_t *zr_log_open(const char *dir, int node_id, const char *name)
{
    zr_log_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->fd = -1;
    self->node_id = node_id;
    snprintf(self->actor, sizeof self->actor, "%s", name);
    if (!dir)
        return self;
    char path[1024];
    zr_log_file_name(path, sizeof path, dir, node_id, name);
    if (make_dirs(dir) != 0 || !(self->path = strdup(path))) {
        free(self);
        return NULL;
    }
    self->fd = open(self->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (self->fd < 0) {
        free(self->path);
        free(self);
        return NULL;
    }
    return self;
}

void zr_log_close(zr_log_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zr_log_t *self = *self_p;
    if (self->fd >= 0)
        close(self->fd);
    free(self->path);
    free(self);
    *self_p = NULL;
}

const char *zr_log_path(const zr_log_t *self) { return self->path; }

static void write_line(int fd, char *line, int length)
{
    if (length >= ZR_LOG_LINE_MAX - 1)
        length = ZR_LOG_LINE_MAX - 2;
    line[length++] = '\n';
    ssize_t ignored = write(fd, line, (size_t) length);
    (void) ignored;   /* a log that cannot be written must not stop the node */
}

void zr_log_vwrite(zr_log_t *self, zr_log_level_t level, const char *format, va_list args)
{
    if (!self || self->fd < 0 || level < zr_log_get_level() || level >= ZR_LOG_OFF)
        return;
    char line[ZR_LOG_LINE_MAX];
    int64_t wall = zr_clock_wall_ms();
    time_t seconds = (time_t) (wall / 1000);
    struct tm tm;
    gmtime_r(&seconds, &tm);
    int used = (int) strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
    used += snprintf(line + used, sizeof line - (size_t) used, ".%03dZ %-5s %d %s: ",
                     (int) (wall % 1000), level_names[level], self->node_id, self->actor);
    int body = vsnprintf(line + used, sizeof line - (size_t) used, format, args);
    write_line(self->fd, line, used + (body < 0 ? 0 : body));
}

void zr_log_write(zr_log_t *self, zr_log_level_t level, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    zr_log_vwrite(self, level, format, args);
    va_end(args);
}

void zr_log_fact(zr_log_t *self, bool echo, const char *format, ...)
{
    char line[ZR_LOG_LINE_MAX];
    va_list args;
    va_start(args, format);
    int length = vsnprintf(line, sizeof line, format, args);
    va_end(args);
    if (length < 0)
        return;
    if (echo) {
        printf("%s\n", line);
        fflush(stdout);
    }
    if (self && self->fd >= 0)
        write_line(self->fd, line, length);
}
