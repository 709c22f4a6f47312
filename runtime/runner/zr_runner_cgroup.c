/* zr_runner_cgroup: per-slot cgroups under <hierarchy>/zrun/: pids.max and a memory limit, plus the
 * kernel's counters (pids "max" events, memory "oom_kill") that tell the pool which cap ended a JVM. */
#include "runtime/runner/zr_runner_cgroup.h"
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CGROUP_ROOT "/sys/fs/cgroup"

typedef struct {
    char dir[512];            /* "" when this controller is absent */
    const char *events;       /* file and key of the counter that says the cap was hit */
    const char *key;
    int procs_fd;
    long mark;
} group_t;

struct zr_runner_cgroup {
    group_t pids, memory;
};

static int write_text(const char *dir, const char *file, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t) strlen(text) ? 0 : -1;
}

/* The value on the "key value" line of dir/file, 0 if absent. */
static long read_counter(const group_t *g)
{
    char path[600], line[256], name[128];
    long value, found = 0;
    snprintf(path, sizeof path, "%s/%s", g->dir, g->events);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "%127s %ld", name, &value) == 2 && strcmp(name, g->key) == 0) {
            found = value;
            break;
        }
    }
    if (f)
        fclose(f);
    return found;
}

static int make_dir(const char *path)
{
    return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* Creates base/zrun/name, writes limit_file, opens cgroup.procs. Leaves g->dir "" on failure. */
static void open_group(group_t *g, const char *base, const char *name, const char *limit_file, long limit)
{
    char parent[256], value[32];
    g->procs_fd = -1;
    snprintf(value, sizeof value, "%ld", limit);
    if (snprintf(parent, sizeof parent, "%s/zrun", base) >= (int) sizeof parent
        || snprintf(g->dir, sizeof g->dir, "%s/%s", parent, name) >= (int) sizeof g->dir) {
        g->dir[0] = 0;
        return;
    }
    if (make_dir(parent) || make_dir(g->dir) || write_text(g->dir, limit_file, value)) {
        g->dir[0] = 0;
        return;
    }
    char procs[600];
    snprintf(procs, sizeof procs, "%s/cgroup.procs", g->dir);
    g->procs_fd = open(procs, O_WRONLY | O_CLOEXEC);
    if (g->procs_fd < 0)
        g->dir[0] = 0;
}

static bool is_v2(void)
{
    return access(CGROUP_ROOT "/cgroup.controllers", F_OK) == 0;
}

zr_runner_cgroup_t *zr_runner_cgroup_new(const char *name, long max_tasks, long memory_bytes,
                                         char *why, size_t why_size)
{
    zr_runner_cgroup_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->pids = (group_t) { .events = "pids.events", .key = "max" };
    if (is_v2()) {
        write_text(CGROUP_ROOT, "cgroup.subtree_control", "+pids +memory");
        make_dir(CGROUP_ROOT "/zrun");
        write_text(CGROUP_ROOT "/zrun", "cgroup.subtree_control", "+pids +memory");
        self->memory = (group_t) { .events = "memory.events", .key = "oom_kill" };
        open_group(&self->pids, CGROUP_ROOT, name, "pids.max", max_tasks);
        /* v2: one directory holds both caps */
        char value[32];
        snprintf(value, sizeof value, "%ld", memory_bytes);
        if (self->pids.dir[0] && write_text(self->pids.dir, "memory.max", value) == 0) {
            snprintf(self->memory.dir, sizeof self->memory.dir, "%s", self->pids.dir);
            self->memory.procs_fd = -1;
        }
    } else {
        self->memory = (group_t) { .events = "memory.oom_control", .key = "oom_kill" };
        open_group(&self->pids, CGROUP_ROOT "/pids", name, "pids.max", max_tasks);
        open_group(&self->memory, CGROUP_ROOT "/memory", name, "memory.limit_in_bytes", memory_bytes);
    }
    if (!self->pids.dir[0] && !self->memory.dir[0]) {
        snprintf(why, why_size, "no writable pids or memory cgroup under " CGROUP_ROOT);
        zr_runner_cgroup_destroy(&self);
        return NULL;
    }
    return self;
}

/* True if the group name carries the pid of a process that is gone. */
static bool orphaned(const char *name)
{
    const char *at = strstr(name, "-pid");
    int pid = at ? atoi(at + 4) : 0;
    return pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
}

static void sweep_dir(const char *parent)
{
    DIR *dir = opendir(parent);
    for (struct dirent *entry; dir && (entry = readdir(dir));) {
        char path[600];
        if (entry->d_type == DT_DIR && entry->d_name[0] != '.' && orphaned(entry->d_name)
            && snprintf(path, sizeof path, "%s/%s", parent, entry->d_name) < (int) sizeof path)
            rmdir(path);   /* fails harmlessly if tasks are still inside */
    }
    if (dir)
        closedir(dir);
}

void zr_runner_cgroup_sweep(void)
{
    sweep_dir(CGROUP_ROOT "/pids/zrun");
    sweep_dir(CGROUP_ROOT "/memory/zrun");
    sweep_dir(CGROUP_ROOT "/zrun");
}

void zr_runner_cgroup_destroy(zr_runner_cgroup_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zr_runner_cgroup_t *self = *self_p;
    group_t *groups[] = { &self->pids, &self->memory };
    for (int i = 0; i < 2; i++) {
        if (groups[i]->procs_fd >= 0)
            close(groups[i]->procs_fd);
        if (groups[i]->dir[0] && (i == 0 || strcmp(groups[i]->dir, self->pids.dir) != 0))
            rmdir(groups[i]->dir);
    }
    free(self);
    *self_p = NULL;
}

void zr_runner_cgroup_join_fds(const zr_runner_cgroup_t *self, int fds[2])
{
    fds[0] = self ? self->pids.procs_fd : -1;
    fds[1] = self ? self->memory.procs_fd : -1;
}

void zr_runner_cgroup_mark(zr_runner_cgroup_t *self)
{
    if (!self)
        return;
    if (self->pids.dir[0])
        self->pids.mark = read_counter(&self->pids);
    if (self->memory.dir[0])
        self->memory.mark = read_counter(&self->memory);
}

bool zr_runner_cgroup_memory_killed(const zr_runner_cgroup_t *self)
{
    return self && self->memory.dir[0] && read_counter(&self->memory) > self->memory.mark;
}

bool zr_runner_cgroup_tasks_refused(const zr_runner_cgroup_t *self)
{
    return self && self->pids.dir[0] && read_counter(&self->pids) > self->pids.mark;
}
