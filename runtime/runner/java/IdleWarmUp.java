/* IdleWarmUp: what a runner JVM runs while no job comes, on a thread of its own: a burst of warm-up jobs
 * after ready, until the first job, then one after each half second without a job: its JIT and caches stay warm. */
package zrun;

/**
 * Measured on the 2-core machine: 120 warm-up jobs leave a JVM at several times a working one's
 * per-job time, and a JVM idle for 5 s answers its next job 2-5x slower than one idle for 0.5 s
 * (its code and data have left the CPU caches). So every JVM, once ready, runs `burst` more warm-up
 * jobs until its first job (the pool puts a ready JVM on idle CPU, SCHED_IDLE, until that job; a
 * spare may wait long for it), and one warm-up job whenever TICK_MS passed without a job (about 3 ms
 * of CPU per half second idle). Every job, warm-up or real, runs under the runner's job lock, so a job
 * that comes during a warm-up job waits for that one only.
 */
final class IdleWarmUp {
    static final long TICK_MS = 500;

    /** One warm-up job (Runner's). */
    interface WarmUpJob {
        void run() throws InterruptedException;
    }

    private final Object jobLock;
    private final int burst;
    private final WarmUpJob job;
    private volatile boolean serving;
    private volatile long lastJobNanos = System.nanoTime();
    private long ticks;

    private IdleWarmUp(Object jobLock, int burst, WarmUpJob job) {
        this.jobLock = jobLock;
        this.burst = burst;
        this.job = job;
    }

    /** Starts the thread: `burst` warm-up jobs first (0: none), then the ticks. */
    static IdleWarmUp start(Object jobLock, int burst, WarmUpJob job) {
        IdleWarmUp warmUp = new IdleWarmUp(jobLock, burst, job);
        Thread thread = new Thread(warmUp::warm, "zrun-idle-warm-up");
        thread.setDaemon(true);
        thread.start();
        return warmUp;
    }

    /** A real job is about to run: the burst ends (no warm-up job starts after the one in progress). */
    void jobComing() {
        serving = true;
    }

    /** A real job ended: the next tick comes TICK_MS after it. */
    void jobDone() {
        lastJobNanos = System.nanoTime();
    }

    private void warm() {
        try {
            if (burst > 0)
                warmUpBurst();
            while (true) {
                Thread.sleep(TICK_MS);
                synchronized (jobLock) {
                    if ((System.nanoTime() - lastJobNanos) / 1_000_000 >= TICK_MS) {
                        job.run();
                        lastJobNanos = System.nanoTime();
                        if (Long.bitCount(++ticks) == 1)   /* 1, 2, 4, 8...: a log that grows slowly */
                            System.err.printf("zrun runner: %d idle warm-up jobs so far (one after each %d ms "
                                              + "without a job)%n", ticks, TICK_MS);
                    }
                }
            }
        } catch (InterruptedException e) {
            // the runner is ending
        }
    }

    private void warmUpBurst() throws InterruptedException {
        long start = System.nanoTime(), last = 0;
        int done = 0;
        while (done < burst) {
            long jobStart = System.nanoTime();
            synchronized (jobLock) {
                if (serving)
                    break;
                job.run();
            }
            last = System.nanoTime() - jobStart;
            done++;
        }
        if (done < burst)
            System.err.printf("zrun runner: idle warm-up stopped by a job after %d more jobs%n", done);
        else
            System.err.printf("zrun runner: idle warm-up done: %d more jobs in %d ms (last %.1f ms)%n", done,
                              (System.nanoTime() - start) / 1_000_000, last / 1e6);
    }
}
