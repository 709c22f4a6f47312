/* zr_runner_jail: the OS-enforced walls around one runner JVM, entered by the forked child before exec.
 * Owns the network and mount namespaces, the no-new-processes seccomp filter, rlimits and descriptors. */
#ifndef ZR_RUNNER_JAIL_H
#define ZR_RUNNER_JAIL_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
    int job_in;              /* read end the JVM gets as fd 3 */
    int job_out;             /* write end the JVM gets as fd 4 */
    int log_fd;              /* the JVM's stdout and stderr */
    int cgroup_fds[2];       /* cgroup.procs files to join ("0" = the writer), -1 if none */
    const char *workdir;     /* the JVM's scratch directory; becomes a private tmpfs */
    const char *tmpfs_options; /* e.g. "size=67108864,mode=0700" */
    long file_size_limit;    /* RLIMIT_FSIZE in bytes */
    int nice;                /* 0..19: how far below the node's own threads the JVM runs */
    bool background;         /* a spare: SCHED_IDLE (only idle CPU) until zr_runner_jvm_to_work_priority */
} zr_runner_jail_t;

/* In the child, after fork(): enters every wall, then execs path with argv/envp. Only
 * async-signal-safe calls. Never returns: on failure it writes why to log_fd and _exits 127.
 * A wall the kernel refuses (no network namespace, no seccomp) is reported on log_fd and skipped. */
void zr_runner_jail_exec(const zr_runner_jail_t *jail, const char *path, char *const argv[],
                         char *const envp[]) __attribute__((noreturn));

/* How the filesystem wall went: 0 walled (all read-only but a private tmpfs scratch), else what failed. */
enum { ZR_JAIL_FILES_WALLED = 0, ZR_JAIL_NO_NAMESPACE = 1, ZR_JAIL_WRITABLE_ROOT = 2, ZR_JAIL_NO_TMPFS = 3 };

/* In the parent, once: builds the filesystem wall in a throw-away child and returns how it went. */
int zr_runner_jail_probe_files(void);
/* What an outcome above leaves open, in words for a log; NULL when walled. */
const char *zr_runner_jail_files_problem(int outcome);

/* Whether this build can install the seccomp filter on this architecture. */
bool zr_runner_jail_has_seccomp(void);

#endif
