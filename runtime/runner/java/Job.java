/* Job: one compile-and-run job inside the runner JVM: its thread group, captured output and limits.
 * Owns calling run() exactly as the original JavaRunner did (on a kept JobThread), and routing System.out/err per job. */
package zrun;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.concurrent.TimeUnit;

final class Job {
    /** Mirrors zr_job_status_t on the C side. */
    static final int OK = 0, COMPILE_ERROR = 1, RUNTIME_ERROR = 2, LIMIT = 3;
    /** How long a job that hit a limit gets to unwind before it is answered anyway. */
    private static final long GRACE_MS = 200;

    /** Limits every job of this JVM shares (set once from the command line). */
    record Limits(long outputLimit, int maxThreads) {
    }

    /** A status (as above) and the response body. */
    record Answer(int status, byte[] body) {
    }

    private static final InheritableThreadLocal<Job> CURRENT = new InheritableThreadLocal<>();
    private static final ThreadGroup JOBS = new ThreadGroup("zrun-jobs");
    private static volatile Job active;
    private static PrintStream runnerLog = System.err;

    final long id;
    private final Limits limits;
    private final ThreadGroup group;       /* threads the job starts; destroyed after the job */
    private volatile JobThread runsOn;     /* set before the job's code runs */
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private long printed;
    private int threadsStarted;
    private String limitMessage;
    private boolean finished;
    private boolean leftThreads;
    private JobCompiler.JobLoader loader;
    private int status = RUNTIME_ERROR;
    private String body = "";

    Job(long id, Limits limits) {
        this.id = id;
        this.limits = limits;
        this.group = new ThreadGroup(JOBS, "zrun-job-" + id);
    }

    /** A thread for jobs, in a group of its own beside the jobs' groups. */
    static JobThread startThread() {
        return JobThread.start(JOBS);
    }

    /** The job whose code runs on the calling thread (threads a job starts inherit it), or null. */
    static Job current() {
        return CURRENT.get();
    }

    /** Replaces System.out/err/in once: printed bytes go to the job that printed them. */
    static void installOutput() {
        runnerLog = System.err;
        System.setOut(new PrintStream(new Router(false), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Router(true), true, StandardCharsets.UTF_8));
        System.setIn(new ByteArrayInputStream(new byte[0]));
    }

    /** Runs the class on jobThread (idle); returns once run() ended or a limit was hit. Afterwards the
     *  thread is idle again unless the job left threads running (then it is stuck: see spent()). */
    void run(JobCompiler.Compiled compiled, ProtectionDomain domain, JobThread jobThread)
        throws InterruptedException {
        JobCompiler.JobLoader loader = JobCompiler.loader(compiled, domain);
        runsOn = jobThread;
        active = this;
        boolean backIdle;
        try {
            jobThread.run(() -> runInJobThread(loader));
            awaitEnd();
            backIdle = jobThread.awaitIdle(GRACE_MS);
        } finally {
            active = null;
        }
        synchronized (this) {
            this.loader = loader;
            leftThreads = !finished || !backIdle || group.activeCount() > 0;
        }
        if (!leftThreads)
            Leftovers.unlinkGroup(group);   /* else the jobs' group keeps one empty group per job */
    }

    /** Answers a job that never ran (its source did not compile). */
    void failedToCompile(Throwable e) {
        synchronized (this) {
            status = COMPILE_ERROR;
            body = describe(e);
            finished = true;
        }
        Leftovers.unlinkGroup(group);   /* else the jobs' group keeps one empty group per job */
    }

    /** The job's answer: the first limit it hit, or what the original JavaRunner would have said. */
    synchronized Answer answer() {
        if (limitMessage != null)
            return new Answer(LIMIT, utf8(limitMessage));
        byte[] bytes = utf8(body);
        if (bytes.length > limits.outputLimit)
            return new Answer(LIMIT, utf8("Output limit exceeded: the answer is " + bytes.length
                                          + " bytes, more than the " + limits.outputLimit + "-byte output limit"));
        return new Answer(status, bytes);
    }

    synchronized byte[] stdout() {
        return out.toByteArray();
    }

    synchronized byte[] stderr() {
        return err.toByteArray();
    }

    /** True when the JVM should be replaced: the job left threads running or was cut short. */
    synchronized boolean leftThreadsRunning() {
        return leftThreads;
    }

    /** True if a class of this job declares finalize() (see Leftovers). */
    synchronized boolean declaresFinalizer() {
        return loader != null && loader.declaresFinalizer();
    }

    /** Records the first limit or forbidden operation; it becomes the job's answer. */
    synchronized void limit(String message) {
        if (limitMessage == null)
            limitMessage = message;
        notifyAll();
    }

    /** True if g is the job's thread group, one the job made inside it, or the group of the thread
     *  the job runs on. */
    boolean owns(ThreadGroup g) {
        JobThread thread = runsOn;
        return group.parentOf(g) || (thread != null && thread.isGroup(g));
    }

    /** The group threads the job starts belong to (see Sandbox.getThreadGroup). */
    ThreadGroup threadGroup() {
        return group;
    }

    /** Called (via the Sandbox) whenever code of this job constructs a thread in its own group. */
    void threadStarting() {
        boolean over;
        synchronized (this) {
            over = ++threadsStarted > limits.maxThreads;
        }
        if (over) {
            String problem = "Thread limit exceeded: the job tried to start more than " + limits.maxThreads
                             + " threads";
            limit(problem);
            throw new SecurityException(problem);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private synchronized void awaitEnd() throws InterruptedException {
        while (!finished && limitMessage == null)
            wait();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MS);
        for (long left = GRACE_MS; !finished && left > 0;
             left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))
            wait(left);
    }

    private synchronized void finish(int outcome, String text) {
        status = outcome;
        body = text;
        finished = true;
        notifyAll();
    }

    /** On the job thread: everything the submitted code does (even its exceptions' toString) runs here. */
    private void runInJobThread(JobCompiler.JobLoader loader) {
        Thread.currentThread().setContextClassLoader(loader);
        CURRENT.set(this);
        try {
            String value = runClass(loader);
            finish(OK, value == null ? "null" : value);
        } catch (Throwable e) {
            String text;
            try {
                text = describe(e);
            } catch (Throwable again) {
                text = "Could not describe a " + e.getClass().getName() + " thrown by the job";
            }
            finish(RUNTIME_ERROR, text);
        } finally {
            CURRENT.remove();
        }
    }

    /** The original JavaRunner.runClass, step for step. */
    private static String runClass(JobCompiler.JobLoader loader) throws ReflectiveOperationException {
        try {
            Class<?> clazz = loader.mainClass();
            Object obj = clazz.getDeclaredConstructor().newInstance();
            Method run = obj.getClass().getDeclaredMethod("run");
            if (run.getReturnType() != String.class) {
                throw new IllegalArgumentException("The return type of the class was " + run.getReturnType()
                                                   + ", not java.lang.String");
            }
            return (String) run.invoke(obj);
        } catch (ReflectiveOperationException e) {
            throw new ReflectiveOperationException("Could not create and run instance of class", e);
        }
    }

    /** The original server's 400 body: getMessage(), a newline, then printStackTrace's text. */
    static String describe(Throwable e) {
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        e.printStackTrace(new PrintStream(trace, true, StandardCharsets.UTF_8));
        return e.getMessage() + "\n" + trace.toString(StandardCharsets.UTF_8);
    }

    private synchronized void capture(boolean toErr, byte[] bytes, int offset, int length) {
        long room = limits.outputLimit - printed;
        printed += length;
        if (room > 0)
            (toErr ? err : out).write(bytes, offset, (int) Math.min(length, room));
        if (printed > limits.outputLimit)
            limit("Output limit exceeded: the job printed more than " + limits.outputLimit
                  + " bytes (stdout and stderr together)");
    }

    /** System.out or System.err: bytes go to the printing thread's job, or to the running job for
     *  threads no job started (the common pool); with no job running, to the JVM's own stderr. */
    private static final class Router extends OutputStream {
        private final boolean toErr;

        Router(boolean toErr) {
            this.toErr = toErr;
        }

        @Override
        public void write(int b) {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            Job job = CURRENT.get();
            if (job == null)
                job = active;
            if (job != null)
                job.capture(toErr, bytes, offset, length);
            else
                runnerLog.write(bytes, offset, length);
        }
    }
}
