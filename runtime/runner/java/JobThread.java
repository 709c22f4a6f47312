/* JobThread: the thread a runner JVM runs job code on, kept from one job to the next (for a while).
 * Owns handing it a job, and putting the thread back as a new one would be: name, priority, interrupt, handlers. */
package zrun;

/**
 * Why not a new thread per job: starting and ending a thread costs far more than the tiny jobs it
 * runs, and on two busy cores that is CPU taken from the jobs: the ending thread's stack is handed
 * back to the kernel page by page (with a TLB shootdown on every core the JVM runs on) and the next
 * thread faults it in again. One thread runs JOBS_PER_THREAD jobs, then a fresh one takes over.
 *
 * Why a job still sees a thread of its own: the thread is alone in its thread group, which the job
 * owns while it runs (Job.owns); threads the job starts go to the job's own group (Sandbox.
 * getThreadGroup), where the thread limit and Leftovers find them. After each job the thread is put
 * back: its name, priority, interrupt status, uncaught-exception handler and context class loader,
 * and its group's max priority. What is not put back: thread-locals the job set. Another job cannot
 * reach them (it cannot name the ThreadLocal), but a job's value can keep its classes in memory, so
 * a thread is not kept for more than JOBS_PER_THREAD jobs.
 */
final class JobThread {
    static final int JOBS_PER_THREAD = 200;
    private static int made;

    private final ThreadGroup group;
    private final Thread thread;
    private final String name;
    private Runnable next;        /* guarded by this: the job handed over and not yet begun */
    private boolean busy;         /* guarded by this: from handing over until the thread is put back */
    private boolean ending;       /* guarded by this */
    private int jobs;

    private JobThread(ThreadGroup parent) {
        int serial = ++made;
        name = "zrun-job-thread-" + serial;
        group = new ThreadGroup(parent, name);
        thread = new Thread(group, this::loop, name);
        thread.setDaemon(true);
    }

    /** A started thread in a group of its own under parent, waiting for its first job. */
    static JobThread start(ThreadGroup parent) {
        JobThread jobThread = new JobThread(parent);
        jobThread.thread.start();
        return jobThread;
    }

    /** True if g is this thread's own group (the job running on it may touch it). */
    boolean isGroup(ThreadGroup g) {
        return g == group;
    }

    /** Hands one job to the thread; it must be idle. */
    synchronized void run(Runnable job) {
        if (busy || ending)
            throw new IllegalStateException(name + " is not idle");
        next = job;
        busy = true;
        jobs++;
        notifyAll();
    }

    /** Waits up to ms for the job to end and the thread to be put back; true if it was. */
    synchronized boolean awaitIdle(long ms) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        for (long left = ms; busy && left > 0; left = (deadline - System.nanoTime()) / 1_000_000L)
            wait(left);
        return !busy;
    }

    /** True when the thread should not take another job: it has run its share, or a job is stuck on it. */
    synchronized boolean spent() {
        return busy || jobs >= JOBS_PER_THREAD;
    }

    /** Ends an idle thread and unlinks its group; a stuck one ends with its JVM, which is being replaced. */
    void retire() throws InterruptedException {
        synchronized (this) {
            ending = true;
            notifyAll();
            if (busy)
                return;
        }
        thread.join();
        Leftovers.unlinkGroup(group);
    }

    private void loop() {
        while (true) {
            Runnable job;
            synchronized (this) {
                while (next == null && !ending) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        /* only a job interrupts this thread, and not while it waits here */
                    }
                }
                if (next == null)
                    return;
                job = next;
                next = null;
            }
            try {
                job.run();   /* catches everything the job throws: see Job.runInJobThread */
            } finally {
                putBack();
                synchronized (this) {
                    busy = false;
                    notifyAll();
                }
            }
        }
    }

    /** Undoes what a job may have changed on its thread and group (the Sandbox let it: they were its own). */
    @SuppressWarnings("removal")   /* ThreadGroup's daemon flag; a job may set it on its thread's group */
    private void putBack() {
        Thread.interrupted();
        thread.setContextClassLoader(null);
        thread.setUncaughtExceptionHandler(null);
        if (thread.getPriority() != Thread.NORM_PRIORITY || group.getMaxPriority() != Thread.MAX_PRIORITY) {
            group.setMaxPriority(Thread.MAX_PRIORITY);
            thread.setPriority(Thread.NORM_PRIORITY);
        }
        if (group.isDaemon())
            group.setDaemon(false);
        if (!thread.getName().equals(name))
            thread.setName(name);
    }
}
