/* zr_runner_jvm: spawning a jailed runner JVM and moving bytes to and from it without blocking.
 * The command line (JVM flags) lives here; the walls live in zr_runner_jail. */
#include "runtime/runner/zr_runner_jvm.h"
#include "runtime/runner/zr_runner_jail.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FILE_SIZE_LIMIT (64L << 20)   /* any one file a job (or the JVM) writes */
#define SCRATCH_TMPFS "size=67108864,nr_inodes=4096,mode=0700"   /* all of a JVM's scratch files */
#define ARG_MAX_COUNT 64
#define EXTRA_FLAGS_MAX 16

typedef struct {
    uint8_t *data;
    size_t start, end, capacity;
} buffer_t;

struct zr_runner_jvm {
    pid_t pid;
    int to_fd, from_fd;
    size_t max_frame;
    buffer_t in, out;
};

static void buffer_reserve(buffer_t *b, size_t more)
{
    if (b->start > 0 && b->end + more > b->capacity) {   /* slide the live bytes to the front */
        memmove(b->data, b->data + b->start, b->end - b->start);
        b->end -= b->start;
        b->start = 0;
    }
    if (b->end + more <= b->capacity)
        return;
    size_t capacity = b->capacity ? b->capacity : 65536;
    while (capacity < b->end + more)
        capacity *= 2;
    uint8_t *data = realloc(b->data, capacity);
    if (!data)
        abort();
    b->data = data;
    b->capacity = capacity;
}

static void buffer_append(buffer_t *b, const void *data, size_t size)
{
    buffer_reserve(b, size);
    memcpy(b->data + b->end, data, size);
    b->end += size;
}

static void buffer_drop(buffer_t *b, size_t size)
{
    b->start += size;
    if (b->start == b->end)
        b->start = b->end = 0;
}

/* The java command line. Flags: -Xrs and halt-only exits (the runner halts; the pool kills -9) keep
 * jobs' shutdown hooks from ever running; the common pool has no threads, so a parallel stream runs
 * on its job's thread, inside the job's limits; SerialGC (measured: the same speed as the default, far less RSS); heap capped by -Xmx
 * and an out-of-memory error ends the JVM with exit code 3 so the pool can say "memory limit";
 * no perf-data file, no attach socket; the SecurityManager may be installed by Runner. */
static int build_argv(const zr_runner_jvm_spec_t *spec, char *argv[ARG_MAX_COUNT], char *storage,
                      size_t storage_size)
{
    char *at = storage, *end = storage + storage_size;
    int argc = 0;
#define ARG(...) do {                                                              \
        int n = snprintf(at, (size_t) (end - at), __VA_ARGS__);                   \
        if (n < 0 || n >= end - at || argc >= ARG_MAX_COUNT - 1) return -1;        \
        argv[argc++] = at; at += n + 1;                                           \
    } while (0)
    ARG("%s", spec->java);
    ARG("-XX:+UseSerialGC");
    ARG("-Xmx%dm", spec->heap_mb);
    ARG("-XX:+ExitOnOutOfMemoryError");
    ARG("-XX:MaxMetaspaceSize=256m");
    ARG("-XX:MaxDirectMemorySize=32m");
    ARG("-XX:-UsePerfData");
    ARG("-XX:+DisableAttachMechanism");
    ARG("-Xshare:auto");
    if (spec->c1_only)
        ARG("-XX:TieredStopAtLevel=1");
    ARG("-XX:ErrorFile=%s/hs_err_pid%%p.log", spec->workdir);
    ARG("-Xrs");   /* no JVM handler for SIGTERM, SIGINT, SIGHUP: no shutdown hook ever runs */
    ARG("-Djava.util.concurrent.ForkJoinPool.common.parallelism=0");   /* no common-pool threads */
    ARG("--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED");   /* JavacTaskPool */
    ARG("-Djava.security.manager=allow");
    ARG("-Dfile.encoding=UTF-8");
    ARG("-Djava.io.tmpdir=%s", spec->workdir);
    char archive[4096];   /* the build's class-data archive of the runner and javac, if it made one */
    if (snprintf(archive, sizeof archive, "%s/zrun-runner.jsa", spec->classes_dir) < (int) sizeof archive
        && access(archive, R_OK) == 0)
        ARG("-XX:SharedArchiveFile=%s", archive);
    char flags[1024];
    snprintf(flags, sizeof flags, "%s", spec->extra_flags ? spec->extra_flags : "");
    int extra = 0;
    for (char *save = NULL, *flag = strtok_r(flags, " ", &save); flag && extra < EXTRA_FLAGS_MAX;
         flag = strtok_r(NULL, " ", &save), extra++)
        ARG("%s", flag);
    ARG("-cp");
    ARG("%s/zrun-runner.jar", spec->classes_dir);
    ARG("zrun.Runner");
    ARG("scratch=%s", spec->workdir);
    ARG("output-limit=%zu", spec->output_limit);
    ARG("max-threads=%d", spec->max_threads);
    if (spec->no_security_manager)
        ARG("security-manager=off");
    if (spec->idle_warm_up_jobs > 0)
        ARG("idle-warm-up=%d", spec->idle_warm_up_jobs);
#undef ARG
    argv[argc] = NULL;
    return 0;
}

static void close_pair(int fds[2])
{
    for (int i = 0; i < 2; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
}

/* In the child: default signal handling and an empty mask, then the jail. */
static void child(const zr_runner_jail_t *jail, const char *java, char *const argv[], char *const envp[])
{
    struct sigaction fallback = { .sa_handler = SIG_DFL };
    sigset_t none;
    sigemptyset(&none);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &fallback, NULL);
    }
    sigprocmask(SIG_SETMASK, &none, NULL);
    zr_runner_jail_exec(jail, java, argv, envp);
}

zr_runner_jvm_t *zr_runner_jvm_spawn(const zr_runner_jvm_spec_t *spec, char *err, size_t err_size)
{
    static char *const envp[] = { "LANG=C.UTF-8", "PATH=/usr/bin:/bin", NULL };
    char *argv[ARG_MAX_COUNT], storage[8192];
    if (build_argv(spec, argv, storage, sizeof storage) != 0) {
        snprintf(err, err_size, "java command line too long");
        return NULL;
    }
    int to_jvm[2] = { -1, -1 }, from_jvm[2] = { -1, -1 };
    int log_fd = open(spec->log_path ? spec->log_path : "/dev/null",
                      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0 || pipe2(to_jvm, O_CLOEXEC) != 0 || pipe2(from_jvm, O_CLOEXEC) != 0) {
        snprintf(err, err_size, "cannot create pipes or log file: %s", strerror(errno));
        goto failed;
    }
    zr_runner_jail_t jail = { .job_in = to_jvm[0], .job_out = from_jvm[1], .log_fd = log_fd,
                              .cgroup_fds = { spec->cgroup_fds[0], spec->cgroup_fds[1] },
                              .workdir = spec->workdir, .tmpfs_options = SCRATCH_TMPFS,
                              .file_size_limit = FILE_SIZE_LIMIT, .nice = spec->nice,
                              .background = spec->background };
    pid_t pid = fork();
    if (pid == 0)
        child(&jail, spec->java, argv, envp);
    if (pid < 0) {
        snprintf(err, err_size, "fork: %s", strerror(errno));
        goto failed;
    }
    close(to_jvm[0]);
    close(from_jvm[1]);
    close(log_fd);
    zr_runner_jvm_t *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->pid = pid;
    self->to_fd = to_jvm[1];
    self->from_fd = from_jvm[0];
    self->max_frame = 2 * spec->output_limit + (1 << 16);
    fcntl(self->to_fd, F_SETFL, O_NONBLOCK);
    fcntl(self->from_fd, F_SETFL, O_NONBLOCK);
    return self;
failed:
    close_pair(to_jvm);
    close_pair(from_jvm);
    if (log_fd >= 0)
        close(log_fd);
    return NULL;
}

void zr_runner_jvm_destroy(zr_runner_jvm_t **self_p, int *wait_status)
{
    if (!self_p || !*self_p)
        return;
    zr_runner_jvm_t *self = *self_p;
    int status = 0;
    kill(self->pid, SIGKILL);
    while (waitpid(self->pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (wait_status)
        *wait_status = status;
    close(self->to_fd);
    close(self->from_fd);
    free(self->in.data);
    free(self->out.data);
    free(self);
    *self_p = NULL;
}

pid_t zr_runner_jvm_pid(const zr_runner_jvm_t *self)
{
    return self->pid;
}

int zr_runner_jvm_read_fd(const zr_runner_jvm_t *self)
{
    return self->from_fd;
}

int zr_runner_jvm_write_fd(const zr_runner_jvm_t *self)
{
    return self->to_fd;
}

int zr_runner_jvm_send(zr_runner_jvm_t *self, uint64_t job_id, const void *source, size_t source_len)
{
    uint8_t header[ZR_RUNNER_JOB_HEADER];
    if (zr_runner_proto_job_header(header, job_id, source_len) != 0)
        return -1;
    buffer_append(&self->out, header, sizeof header);
    buffer_append(&self->out, source, source_len);
    return 0;
}

/* Clears a SIGPIPE this thread raised by writing to a dead JVM (the pool blocks it in its thread). */
static void forget_sigpipe(void)
{
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    struct timespec now = { 0, 0 };
    while (sigtimedwait(&pipe_only, NULL, &now) == SIGPIPE)
        ;
}

int zr_runner_jvm_flush(zr_runner_jvm_t *self)
{
    while (self->out.start < self->out.end) {
        ssize_t n = write(self->to_fd, self->out.data + self->out.start, self->out.end - self->out.start);
        if (n > 0) {
            buffer_drop(&self->out, (size_t) n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return 0;
        if (n < 0 && errno == EPIPE)
            forget_sigpipe();
        return -1;
    }
    return 0;
}

bool zr_runner_jvm_writing(const zr_runner_jvm_t *self)
{
    return self->out.start < self->out.end;
}

int zr_runner_jvm_fill(zr_runner_jvm_t *self)
{
    /* Stops once more than a whole frame is buffered: a flooding JVM is caught by the parser. */
    while (self->in.end - self->in.start <= self->max_frame + 4) {
        buffer_reserve(&self->in, 65536);
        ssize_t n = read(self->from_fd, self->in.data + self->in.end, self->in.capacity - self->in.end);
        if (n > 0) {
            self->in.end += (size_t) n;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return 0;
        return -1;   /* end of file: the JVM is gone */
    }
    return 0;
}

zr_runner_reply_kind_t zr_runner_jvm_reply(zr_runner_jvm_t *self, zr_runner_reply_t *reply)
{
    return zr_runner_proto_parse(self->in.data + self->in.start, self->in.end - self->in.start,
                                 self->max_frame, reply);
}

void zr_runner_jvm_consume(zr_runner_jvm_t *self, const zr_runner_reply_t *reply)
{
    buffer_drop(&self->in, reply->frame_size);
}

long zr_runner_jvm_rss_kb(const zr_runner_jvm_t *self)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int) self->pid);
    FILE *file = fopen(path, "r");
    long kb = -1;
    while (file && fgets(line, sizeof line, file)) {
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    }
    if (file)
        fclose(file);
    return kb;
}

/* One pass over the JVM's threads, to policy (and nice, if above 0); a thread started meanwhile
 * inherits from its (moved or not) creator, hence the second pass. */
static int move_threads(pid_t pid, int policy, int nice)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int) pid);
    DIR *tasks = opendir(path);
    if (!tasks)
        return -1;
    int failed = 0;
    struct sched_param none = { .sched_priority = 0 };
    for (struct dirent *entry; (entry = readdir(tasks)) != NULL;) {
        pid_t tid = (pid_t) atoi(entry->d_name);
        if (tid <= 0)
            continue;
        if (sched_setscheduler(tid, policy, &none) != 0 && errno != ESRCH)
            failed = -1;
        else if (nice > 0 && setpriority(PRIO_PROCESS, (id_t) tid, nice) != 0 && errno != ESRCH)
            failed = -1;
    }
    closedir(tasks);
    return failed;
}

static int move_all_threads(pid_t pid, int policy, int nice)
{
    int first = move_threads(pid, policy, nice);
    return move_threads(pid, policy, nice) == 0 && first == 0 ? 0 : -1;
}

int zr_runner_jvm_to_work_priority(const zr_runner_jvm_t *self, int nice)
{
    return move_all_threads(self->pid, SCHED_BATCH, nice);
}

int zr_runner_jvm_to_idle_cpu(const zr_runner_jvm_t *self)
{
    return move_all_threads(self->pid, SCHED_IDLE, 0);
}
