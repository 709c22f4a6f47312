/* Sandbox: the SecurityManager and Policy that keep job code from files, network, processes and exit.
 * Owns the job ProtectionDomain (what a job may do) and turning each refusal into the job's clear answer. */
package zrun;

import java.io.File;
import java.io.FilePermission;
import java.net.NetPermission;
import java.net.SocketPermission;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.Permission;
import java.security.Permissions;
import java.security.Policy;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.PropertyPermission;

/**
 * Why a SecurityManager (deprecated in JDK 17, gone in 24): the operating system cannot tell a job's
 * System.exit, file access or thread creation apart from the runner's own, inside one warm JVM, nor
 * answer them with a clear message. The C supervisor adds OS-enforced backstops around the whole JVM
 * (an empty network namespace, a seccomp filter that forbids creating processes, rlimits, cgroups,
 * kill -9 on the wall-time limit), so a hole here costs at most that JVM.
 *
 * What a job may do: read and set system properties and the JVM-wide defaults JvmState restores
 * after every job (locale, time zone, uncaught-exception handler, java.net defaults), reflect on its
 * own classes, manage the threads it started (up to a limit; no thread outside its own thread group),
 * and read, write and delete files under its scratch directory (the JVM's working directory, emptied
 * after every job). Reading any other file (/etc/passwd included), the network, processes, exit/halt,
 * shutdown hooks, factories, native libraries, class loaders, changing System.out, and everything
 * else are refused; the first
 * refusal ends the job with a 400 "Forbidden operation: ...". The runner's own code, and the JDK's
 * privileged code (time zones, random seeds, ...), keep every permission.
 */
@SuppressWarnings("removal")
final class Sandbox extends SecurityManager {
    private static final Permission MODIFY_OTHERS = new RuntimePermission("modifyThreadGroup");

    /** Installs the sandbox for the whole JVM when wanted and the JDK still has a SecurityManager (JDK 24
     *  has none, JEP 486); returns the domain job classes are defined in. Without it, the OS walls and
     *  recycling (see Leftovers, JvmState) still contain jobs, only the clear messages are lost. */
    static ProtectionDomain install(Path scratch, boolean wanted) {
        if (!wanted) {
            System.err.println("zrun runner: no SecurityManager (security-manager=off)");
            return jobDomain(scratch);
        }
        try {
            Policy.setPolicy(new RunnerPolicy());
            System.setSecurityManager(new Sandbox());
        } catch (UnsupportedOperationException e) {
            System.err.println("zrun runner: this JDK has no SecurityManager; the OS walls alone contain jobs");
        }
        return jobDomain(scratch);
    }

    private static ProtectionDomain jobDomain(Path scratch) {
        String dir = scratch.toAbsolutePath().normalize().toString();
        Permissions granted = new Permissions();
        granted.add(new FilePermission(dir, "read"));
        granted.add(new FilePermission(dir + File.separator + "-", "read,write,delete"));
        granted.add(new FilePermission("-", "read,write,delete"));   // relative names: the JVM's cwd is dir
        // JVM-global settings a job may change: JvmState puts them back after every job
        granted.add(new PropertyPermission("*", "read,write"));   // also Locale and TimeZone defaults
        granted.add(new RuntimePermission("setDefaultUncaughtExceptionHandler"));
        for (String net : new String[] { "setDefaultAuthenticator", "setProxySelector", "setCookieHandler",
                                         "setResponseCache" })
            granted.add(new NetPermission(net));
        granted.add(new RuntimePermission("accessDeclaredMembers"));
        granted.add(new RuntimePermission("modifyThread"));   // executor shutdown; other jobs' threads
                                                              // stay out of reach (checkAccess below)
        granted.setReadOnly();
        // A domain built with its permissions is static: the Policy below is never asked about it.
        return new ProtectionDomain(new CodeSource(null, (Certificate[]) null), granted);
    }

    @Override
    public void checkPermission(Permission perm) {
        try {
            super.checkPermission(perm);
        } catch (SecurityException e) {
            refuse(describe(perm));
            throw e;
        }
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
        try {
            super.checkPermission(perm, context);
        } catch (SecurityException e) {
            refuse(describe(perm));
            throw e;
        }
    }

    /** Named here so the answer can say which command the job tried to run. */
    @Override
    public void checkExec(String cmd) {
        if (Job.current() != null) {
            String problem = "starting a process is not allowed (" + cmd + ")";
            refuse(problem);
            throw new SecurityException(problem);
        }
        super.checkExec(cmd);
    }

    /** A thread the job constructs without naming a group goes to the job's group (not to the group
     *  of the kept thread it runs on, see JobThread), where the thread limit and Leftovers see it. */
    @Override
    public ThreadGroup getThreadGroup() {
        Job job = Job.current();
        return job != null ? job.threadGroup() : super.getThreadGroup();
    }

    /** Thread construction passes here: counts the job's threads against its limit. Groups outside
     *  the job are refused to job code, but not to the JDK acting for it in its own privileged code
     *  (a parallel stream's common pool starts its workers in a group of its own). */
    @Override
    public void checkAccess(ThreadGroup g) {
        super.checkAccess(g);
        Job job = Job.current();
        if (job == null)
            return;
        if (!job.owns(g))
            checkOutsideJob();
        else if (constructingThread())
            job.threadStarting();
    }

    @Override
    public void checkAccess(Thread t) {
        super.checkAccess(t);
        Job job = Job.current();
        ThreadGroup g = t.getThreadGroup();   // null once t has ended
        if (job != null && g != null && !job.owns(g))
            checkOutsideJob();
    }

    private void checkOutsideJob() {
        try {
            super.checkPermission(MODIFY_OTHERS);
        } catch (SecurityException e) {
            String problem = "touching threads outside the job is not allowed";
            refuse(problem);
            throw new SecurityException(problem, e);
        }
    }

    private static boolean constructingThread() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(
            f -> f.getClassName().equals("java.lang.Thread") && f.getMethodName().equals("<init>")));
    }

    private static void refuse(String what) {
        Job job = Job.current();
        if (job != null)
            job.limit("Forbidden operation: " + what);
    }

    static String describe(Permission perm) {
        String name = perm.getName();
        if (perm instanceof FilePermission) {
            String actions = perm.getActions();
            if (actions.contains("execute"))
                return "starting a process is not allowed";
            if (actions.contains("write") || actions.contains("delete"))
                return "writing " + name + " is not allowed (jobs may write files only in their scratch directory)";
            return "reading " + name + " is not allowed (jobs may read files only in their scratch directory)";
        }
        if (perm instanceof SocketPermission || perm instanceof NetPermission)
            return "network access is not allowed (" + perm.getActions() + " " + name + ")";
        if (perm instanceof RuntimePermission && name.startsWith("exitVM"))
            return exitCall(name.substring(name.indexOf('.') + 1)) + " is not allowed: jobs may not stop the JVM";
        return perm.getClass().getName() + " \"" + name + "\" is not allowed";
    }

    private static String exitCall(String status) {
        String method = StackWalker.getInstance().walk(frames -> frames
            .filter(f -> (f.getClassName().equals("java.lang.System") && f.getMethodName().equals("exit"))
                         || (f.getClassName().equals("java.lang.Runtime") && f.getMethodName().equals("halt")))
            .map(f -> f.getClassName().substring(10) + "." + f.getMethodName())
            .reduce((first, outer) -> outer).orElse("Runtime.exit"));
        return method + "(" + status + ")";
    }

    /** Everything that is not a job (the runner, javac, the JDK) keeps every permission. */
    private static final class RunnerPolicy extends Policy {
        @Override
        public boolean implies(ProtectionDomain domain, Permission permission) {
            return true;
        }
    }
}
