/* test_runner_jail: the OS walls a runner JVM lives in, checked with /bin/sh builtins instead of a JVM:
 * no process creation, an empty network namespace, a read-only filesystem, rlimits, descriptors, the workdir. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <sys/wait.h>
#include <unistd.h>
#include "runtime/runner/zr_runner_jail.h"

typedef struct {
    char output[8192];
    int status;
} run_t;

/* Runs `script` with /bin/sh inside the jail; its fd 3 reads "ping\n"; collects fds 1, 2 and 4. */
static run_t run_jailed(const char *script)
{
    static char workdir[] = "/tmp/zrun-jail-test-XXXXXX";
    static bool made;
    if (!made)
        assert_non_null(mkdtemp(workdir));
    made = true;
    int to[2], from[2];
    assert_int_equal(pipe2(to, O_CLOEXEC), 0);
    assert_int_equal(pipe2(from, O_CLOEXEC), 0);
    assert_int_equal(write(to[1], "ping\n", 5), 5);
    close(to[1]);
    zr_runner_jail_t jail = { .job_in = to[0], .job_out = from[1], .log_fd = from[1],
                              .cgroup_fds = { -1, -1 }, .workdir = workdir,
                              .tmpfs_options = "size=1048576,mode=0700", .file_size_limit = 1 << 20 };
    char *argv[] = { "sh", "-c", (char *) script, NULL };
    char *envp[] = { "PATH=/usr/bin:/bin", NULL };
    pid_t pid = fork();
    if (pid == 0)
        zr_runner_jail_exec(&jail, "/bin/sh", argv, envp);
    close(to[0]);
    close(from[1]);
    run_t run = { .status = -1 };
    size_t used = 0;
    ssize_t n;
    while ((n = read(from[0], run.output + used, sizeof run.output - 1 - used)) > 0)
        used += (size_t) n;
    run.output[used] = 0;
    close(from[0]);
    waitpid(pid, &run.status, 0);
    return run;
}

static void assert_says(const run_t *run, const char *line)
{
    if (!strstr(run->output, line))
        fail_msg("jailed shell said:\n%s\nexpected: %s", run->output, line);
}

static void processes_cannot_be_created(void **state)
{
    run_t run = run_jailed("/bin/true && echo forked");
    assert_says(&run, "Cannot fork");   /* dash's words for fork() failing */
    assert_null(strstr(run.output, "forked"));
}

static void network_namespace_is_empty(void **state)
{
    /* /proc/net/dev lists this namespace's interfaces: only an unconfigured loopback */
    run_t run = run_jailed("while read -r line; do case \"$line\" in *:*) echo \"if ${line%%:*}\";; esac;"
                           " done < /proc/net/dev; echo end");
    assert_says(&run, "if lo\n");
    assert_says(&run, "end\n");
    int interfaces = 0;
    for (const char *at = run.output; (at = strstr(at, "if ")); at++)
        interfaces++;
    assert_int_equal(interfaces, 1);
}

static void seccomp_rlimits_and_no_new_privileges_are_set(void **state)
{
    run_t run = run_jailed("while read -r key value rest; do case \"$key\" in Seccomp:|NoNewPrivs:)"
                           " echo \"$key $value\";; esac; done < /proc/self/status; ulimit -f; ulimit -c");
    assert_says(&run, "Seccomp: 2\n");
    assert_says(&run, "NoNewPrivs: 1\n");
    assert_says(&run, "2048\n0\n");   /* 1 MiB in 512-byte blocks, no core files */
}

static void descriptors_and_directory_are_laid_out(void **state)
{
    run_t run = run_jailed("read -r word <&3; echo \"fd3 $word\" >&4; echo \"cwd $PWD\";"
                           " echo fds /proc/self/fd/*");
    assert_says(&run, "fd3 ping\n");
    assert_says(&run, "cwd /tmp/zrun-jail-test-");
    /* 0-4 and the directory the glob itself opened; nothing of the parent leaks in */
    assert_says(&run, "fds /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 /proc/self/fd/3 /proc/self/fd/4");
    assert_null(strstr(run.output, "/proc/self/fd/6"));
}

static void scratch_is_a_private_capped_tmpfs(void **state)
{
    run_t run = run_jailed("while read -r dev dir type options rest; do case \"$dir\" in /tmp/zrun-jail-test-*)"
                           " echo \"$type $options\";; esac; done < /proc/self/mounts;"
                           " echo data > file && echo wrote");
    assert_says(&run, "tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k");
    assert_says(&run, "wrote\n");
    /* the tmpfs lived in the jail's own mount namespace: outside, the directory stays empty */
    FILE *mounts = fopen("/proc/self/mounts", "r");
    char line[1024];
    while (fgets(line, sizeof line, mounts))
        assert_null(strstr(line, "/tmp/zrun-jail-test-"));
    fclose(mounts);
}

static void filesystem_is_read_only_but_scratch(void **state)
{
    char outside[64];
    snprintf(outside, sizeof outside, "/tmp/zrun-jail-outside-%d", (int) getpid());
    char *script = zsys_sprintf("echo x > %s && echo wrote-outside; echo x > /etc/zrun-jail-x && echo wrote-etc;"
                                " echo y > file && echo wrote-scratch", outside);
    run_t run = run_jailed(script);
    zstr_free(&script);
    assert_says(&run, "Read-only file system");
    assert_says(&run, "wrote-scratch\n");
    assert_null(strstr(run.output, "wrote-outside"));
    assert_null(strstr(run.output, "wrote-etc"));
    assert_int_not_equal(access(outside, F_OK), 0);
    assert_int_equal(zr_runner_jail_probe_files(), ZR_JAIL_FILES_WALLED);   /* as root, as here */
}

static void exec_failure_exits_127(void **state)
{
    int sink[2];
    assert_int_equal(pipe2(sink, O_CLOEXEC), 0);
    zr_runner_jail_t jail = { .job_in = sink[0], .job_out = sink[1], .log_fd = sink[1],
                              .cgroup_fds = { -1, -1 }, .workdir = "/nonexistent",
                              .tmpfs_options = "size=4096", .file_size_limit = 1 << 20 };
    char *argv[] = { "nothing", NULL }, *envp[] = { NULL };
    pid_t pid = fork();
    if (pid == 0)
        zr_runner_jail_exec(&jail, "/nonexistent/java", argv, envp);
    int status;
    waitpid(pid, &status, 0);
    close(sink[0]);
    close(sink[1]);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 127);
}

int main(void)
{
    if (!zr_runner_jail_has_seccomp()) {
        puts("no seccomp filter on this architecture: skipped");
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(processes_cannot_be_created),
        cmocka_unit_test(network_namespace_is_empty),
        cmocka_unit_test(seccomp_rlimits_and_no_new_privileges_are_set),
        cmocka_unit_test(descriptors_and_directory_are_laid_out),
        cmocka_unit_test(scratch_is_a_private_capped_tmpfs),
        cmocka_unit_test(filesystem_is_read_only_but_scratch),
        cmocka_unit_test(exec_failure_exits_127),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
