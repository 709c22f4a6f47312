/* zr_runner_jail: what a runner JVM's process may never do, whatever the code inside it tries.
 * Network: a fresh network namespace with no interfaces. Processes: a seccomp filter that lets the
 * JVM start threads but refuses fork, vfork and non-thread clone, and system-administration calls.
 * Files: a private mount namespace where every mount is read-only but the scratch directory, a
 * size-capped tmpfs that vanishes with the JVM; RLIMIT_FSIZE, no core dumps. The in-JVM
 * SecurityManager gives the clear messages; these walls hold without it. */
#include "runtime/runner/zr_runner_jail.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__)
#define JAIL_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define JAIL_ARCH AUDIT_ARCH_AARCH64
#endif

bool zr_runner_jail_has_seccomp(void)
{
#ifdef JAIL_ARCH
    return true;
#else
    return false;
#endif
}

static void say(int fd, const char *text)
{
    if (write(fd, text, strlen(text)) < 0) {
        /* nothing more can be done from here */
    }
}

#ifdef JAIL_ARCH
#define LOAD(field) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define RETURN(action) BPF_STMT(BPF_RET | BPF_K, (action))
/* if nr == (call) return errno (err); two instructions */
#define REFUSE(call, err) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (call), 0, 1), \
                          RETURN(SECCOMP_RET_ERRNO | (err))

static struct sock_filter jail_filter[] = {
    LOAD(arch),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, JAIL_ARCH, 1, 0),
    RETURN(SECCOMP_RET_KILL_PROCESS),
    LOAD(nr),
#ifdef __x86_64__
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),     /* the x32 ABI */
    RETURN(SECCOMP_RET_KILL_PROCESS),
#endif
    /* clone: threads (CLONE_THREAD) only */
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 4),
    LOAD(args[0]),
    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1),
    RETURN(SECCOMP_RET_ALLOW),
    RETURN(SECCOMP_RET_ERRNO | EPERM),
    /* socket: no AF_UNIX (host services listen on those; the network namespace covers the rest) */
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 4),
    LOAD(args[0]),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 1),
    RETURN(SECCOMP_RET_ERRNO | EACCES),
    RETURN(SECCOMP_RET_ALLOW),
    REFUSE(SYS_clone3, ENOSYS),   /* glibc then falls back to clone, which is checked above */
#ifdef SYS_fork
    REFUSE(SYS_fork, EPERM),
    REFUSE(SYS_vfork, EPERM),
#endif
    REFUSE(SYS_ptrace, EPERM),
    REFUSE(SYS_process_vm_readv, EPERM),
    REFUSE(SYS_process_vm_writev, EPERM),
    REFUSE(SYS_mount, EPERM),
    REFUSE(SYS_umount2, EPERM),
    REFUSE(SYS_pivot_root, EPERM),
    REFUSE(SYS_chroot, EPERM),
    REFUSE(SYS_unshare, EPERM),
    REFUSE(SYS_setns, EPERM),
    REFUSE(SYS_init_module, EPERM),
    REFUSE(SYS_finit_module, EPERM),
    REFUSE(SYS_delete_module, EPERM),
    REFUSE(SYS_kexec_load, EPERM),
    REFUSE(SYS_reboot, EPERM),
    REFUSE(SYS_bpf, EPERM),
    REFUSE(SYS_perf_event_open, EPERM),
    REFUSE(SYS_keyctl, EPERM),
    REFUSE(SYS_add_key, EPERM),
    REFUSE(SYS_request_key, EPERM),
    RETURN(SECCOMP_RET_ALLOW),
};

static void enter_seccomp(int log_fd)
{
    struct sock_fprog program = {
        .len = (unsigned short) (sizeof jail_filter / sizeof jail_filter[0]),
        .filter = jail_filter,
    };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
        || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0)
        say(log_fd, "zrun jail: seccomp filter refused by the kernel; processes are not walled off\n");
}
#else
static void enter_seccomp(int log_fd)
{
    say(log_fd, "zrun jail: no seccomp filter for this architecture\n");
}
#endif

static void limit(int resource, rlim_t value)
{
    struct rlimit l = { value, value };
    setrlimit(resource, &l);
}

/* Moves fd to `target`, clearing close-on-exec (dup2 onto itself would keep it). */
static int place(int fd, int target)
{
    if (fd == target)
        return fcntl(fd, F_SETFD, 0);
    return dup2(fd, target) == target ? 0 : -1;
}

/* 0 stdin (/dev/null), 1+2 the log, 3 jobs in, 4 answers out; everything else closed. */
static int arrange_descriptors(const zr_runner_jail_t *jail)
{
    int in = fcntl(jail->job_in, F_DUPFD, 10), out = fcntl(jail->job_out, F_DUPFD, 10);
    int log = fcntl(jail->log_fd, F_DUPFD, 10), null = open("/dev/null", O_RDONLY);
    if (in < 0 || out < 0 || log < 0 || null < 0)
        return -1;
    if (place(null, 0) || place(log, 1) || place(log, 2) || place(in, 3) || place(out, 4))
        return -1;
    if (syscall(SYS_close_range, 5U, ~0U, 0) != 0) {
        for (int fd = 5; fd < 4096; fd++)
            close(fd);
    }
    return 0;
}

/* The mount namespace's own copy of every mount becomes read-only (the host's mounts are untouched:
 * the copies are private and the read-only flag is per mount, not per file system). */
static int read_only_everywhere(void)
{
    struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
    return mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &attr, sizeof attr);
}

/* A private mount namespace: every mount read-only, then workdir a fresh, size-capped, writable tmpfs. */
static int private_filesystem(const char *workdir, const char *tmpfs_options)
{
    if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return ZR_JAIL_NO_NAMESPACE;
    if (read_only_everywhere() != 0)
        return ZR_JAIL_WRITABLE_ROOT;
    if (mount("zrun-scratch", workdir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, tmpfs_options) != 0)
        return ZR_JAIL_NO_TMPFS;
    return ZR_JAIL_FILES_WALLED;
}

const char *zr_runner_jail_files_problem(int outcome)
{
    switch (outcome) {
    case ZR_JAIL_FILES_WALLED:
        return NULL;
    case ZR_JAIL_NO_NAMESPACE:
        return "no private mount namespace (not root, or unshare refused): the filesystem is not read-only "
               "and only the SecurityManager (gone in JDK 24) keeps jobs' writes out of it";
    case ZR_JAIL_WRITABLE_ROOT:
        return "cannot make the filesystem read-only (mount_setattr refused): only the SecurityManager "
               "(gone in JDK 24) keeps jobs' writes out of it";
    default:
        return "the scratch directory is not a private tmpfs: its size is not capped";
    }
}

static void private_scratch(const zr_runner_jail_t *jail)
{
    const char *problem = zr_runner_jail_files_problem(private_filesystem(jail->workdir, jail->tmpfs_options));
    if (problem) {
        say(jail->log_fd, "zrun jail: ");
        say(jail->log_fd, problem);
        say(jail->log_fd, "\n");
    }
}

int zr_runner_jail_probe_files(void)
{
    char scratch[] = "/tmp/zrun-jail-probe-XXXXXX";
    if (!mkdtemp(scratch))
        return ZR_JAIL_NO_TMPFS;
    pid_t pid = fork();
    if (pid == 0)
        _exit(private_filesystem(scratch, "size=4096"));
    int status = 0;
    bool waited = pid > 0 && waitpid(pid, &status, 0) == pid;
    rmdir(scratch);
    return waited && WIFEXITED(status) ? WEXITSTATUS(status) : ZR_JAIL_NO_NAMESPACE;
}

/* The work must never starve the control plane (heartbeats, elections, the TCP relays): the JVM
 * runs as a batch task at a lower nice level. It gets its own process group (signals to the
 * node's group do not reach it) but stays in the node's session: with CFS autogroups (on by
 * default) a new session would be a scheduling group of its own, where a nice level means
 * nothing against the node's threads. */
static void lower_priority(const zr_runner_jail_t *jail)
{
    struct sched_param none = { .sched_priority = 0 };
    setpgid(0, 0);
    if (jail->background && sched_setscheduler(0, SCHED_IDLE, &none) == 0)
        say(jail->log_fd, "zrun jail: a spare: SCHED_IDLE until it takes its first job\n");
    else if (sched_setscheduler(0, SCHED_BATCH, &none) != 0)
        say(jail->log_fd, "zrun jail: SCHED_BATCH refused; the JVM keeps the normal policy\n");
    if (jail->nice > 0 && setpriority(PRIO_PROCESS, 0, jail->nice) != 0)
        say(jail->log_fd, "zrun jail: cannot lower the JVM's priority\n");
}

void zr_runner_jail_exec(const zr_runner_jail_t *jail, const char *path, char *const argv[],
                         char *const envp[])
{
    int log_fd = jail->log_fd;
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    lower_priority(jail);
    for (int i = 0; i < 2; i++) {
        if (jail->cgroup_fds[i] >= 0 && write(jail->cgroup_fds[i], "0", 1) != 1)
            say(log_fd, "zrun jail: could not join a cgroup\n");
    }
    if (unshare(CLONE_NEWNET) != 0)
        say(log_fd, "zrun jail: no network namespace; network is walled off by the SecurityManager only\n");
    private_scratch(jail);
    limit(RLIMIT_CORE, 0);
    limit(RLIMIT_FSIZE, (rlim_t) jail->file_size_limit);
    limit(RLIMIT_NOFILE, 1024);
    if (chdir(jail->workdir) != 0 || arrange_descriptors(jail) != 0) {
        say(log_fd, "zrun jail: cannot set up the runner's directory and descriptors\n");
        _exit(127);
    }
    enter_seccomp(2);
    execve(path, argv, envp);
    say(2, "zrun jail: cannot execute the java launcher\n");
    _exit(127);
}
