/* Leftovers: what a job may leave behind that could run its code after its answer (threads, common-pool work, finalizers).
 * Owns the rule: a job that leaves any of them costs its JVM (replaced after the answer), with or without a SecurityManager. */
package zrun;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;

/**
 * Job code must never run outside its job's window. What could carry it past the answer:
 *   - a thread the job started, in its own group or anywhere else (a Cleaner's, a Timer's, a new
 *     ForkJoinPool's): any live thread that was not alive when the job began;
 *   - work queued in the common pool (its parallelism is 0, so it has no threads: a parallel stream
 *     runs on the job's thread; a task submitted and never joined would wait for a later job);
 *   - objects of a class the job defined with a finalize() method: the Finalizer thread would run it
 *     at some later collection.
 * None of these is undone in place; the JVM is replaced instead (a spare is warm in the pool).
 */
final class Leftovers {
    private final Set<Thread> before;

    private Leftovers(Set<Thread> before) {
        this.before = before;
    }

    /** Remembers the threads alive now (call before the job starts). */
    static Leftovers watch() {
        return new Leftovers(liveThreads());
    }

    /** What the job left behind, in words for the JVM's log, or null if nothing. */
    String find(Job job) {
        if (job.leftThreadsRunning())
            return "threads of its own still running";
        if (!newThreads().isEmpty())
            return "threads " + names(newThreads());
        ForkJoinPool common = ForkJoinPool.commonPool();
        if (common.getPoolSize() > 0 || common.hasQueuedSubmissions() || common.getQueuedTaskCount() > 0)
            return "work in the common pool";
        if (job.declaresFinalizer())
            return "objects with a finalize() method";
        return null;
    }

    private Set<Thread> newThreads() {
        Set<Thread> now = liveThreads();
        now.removeAll(before);
        now.removeIf(t -> !t.isAlive());
        return now;
    }

    /** Unlinks a job's group (and the groups made in it) from its parent once no thread is left in
     *  it; one that still holds a thread stays, and its JVM is replaced anyway. */
    @SuppressWarnings("removal")   /* a no-op from JDK 19, where groups no longer hold their subgroups */
    static void unlinkGroup(ThreadGroup group) {
        try {
            group.destroy();
        } catch (IllegalThreadStateException e) {
            /* a thread of the job is still there */
        }
    }

    private static String names(Set<Thread> threads) {
        StringBuilder text = new StringBuilder();
        for (Thread t : threads)
            text.append(text.length() == 0 ? "" : ", ").append('"').append(t.getName()).append('"');
        return text.toString();
    }

    /** Every live thread of the JVM, from the root thread group down. */
    private static Set<Thread> liveThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null)
            root = root.getParent();
        Thread[] threads = new Thread[root.activeCount() * 2 + 16];
        int n;
        while ((n = root.enumerate(threads, true)) == threads.length)
            threads = new Thread[threads.length * 2];
        Set<Thread> set = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < n; i++)
            set.add(threads[i]);
        return set;
    }
}
