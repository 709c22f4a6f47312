/* Runner: the warm JVM's main loop; reads jobs from its C supervisor and answers each one.
 * Owns the pipe protocol (fd 3 in, fd 4 out, length-prefixed big-endian frames), warm-up and scratch cleanup. */
package zrun;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Protocol (all integers big-endian). Jobs and answers travel on their own descriptors, never on
 * stdout/stderr, so nothing a job prints can corrupt them.
 *   supervisor -> runner, one per job:  u32 len | u64 job id | source bytes (len - 8)
 *   runner -> supervisor, after warm-up: u32 len | 'R' | u32 warm-up ms
 *   runner -> supervisor, one per job:  u32 len | 'D' | u64 job id | u8 status | u8 flags |
 *       u32 compile ms | u32 run ms | u32 n | body | u32 n | stdout | u32 n | stderr
 *   status: 0 OK, 1 COMPILE_ERROR, 2 RUNTIME_ERROR, 3 LIMIT; flags bit 0: replace this JVM now.
 * End of input on fd 3 ends the runner.
 */
public final class Runner {
    static final int FLAG_RECYCLE = 1;
    private static final int MAX_SOURCE = 64 << 20;
    static final String[] WARM_UP = {   /* also CdsTraining's */
        "public class ZrunWarmUp%d {\n  public String run() {\n    StringBuilder b = new StringBuilder();\n"
            + "    for (int i = 0; i < 10; i++) b.append(i);\n    System.out.println(b);\n"
            + "    return b.toString();\n  }\n}\n",
        "import java.util.*;\npublic class ZrunWarmUp%d {\n  public String run() {\n"
            + "    Map<String, Integer> m = new TreeMap<>();\n"
            + "    for (String w : \"a b a\".split(\" \")) m.merge(w, 1, Integer::sum);\n"
            + "    return String.format(\"%%s\", m);\n  }\n}\n",
        "public class ZrunWarmUp%d {\n  public String run() {\n    return 1 +;\n  }\n}\n",
    };
    /** Warm-up runs in rounds of the templates until one round is no faster than the best before it
     *  (the JIT has settled), between MIN and MAX rounds and within the time budget. */
    private static final int WARM_UP_MIN_ROUNDS = 40;
    private static final int WARM_UP_MAX_ROUNDS = 200;
    private static final long WARM_UP_BUDGET_MS = 4000;   /* a restarted node rejoins the work soon */
    private static final int WARM_UP_SETTLED_ROUNDS = 5;

    private final JobCompiler compiler;
    private final Job.Limits limits;
    private final Path scratch;
    private ProtectionDomain jobDomain;
    private JvmState defaults;
    /** Warm-up jobs after ready, until the first job (IdleWarmUp); 0: none. */
    private final int idleWarmUp;
    private int warmUpJobs;
    /** Held around every job, warm-up or real: one job at a time in this JVM. */
    private final Object jobLock = new Object();
    /** The thread jobs run on, kept from job to job and replaced, off a job's path, when spent. */
    private JobThread jobThread = Job.startThread();

    private Runner(JobCompiler compiler, Job.Limits limits, Path scratch, int idleWarmUp) {
        this.compiler = compiler;
        this.limits = limits;
        this.scratch = scratch;
        this.idleWarmUp = idleWarmUp;
    }

    /** Arguments: scratch=DIR output-limit=BYTES max-threads=N [security-manager=off] [idle-warm-up=JOBS]
     *  idle-warm-up: JOBS more warm-up jobs after ready, until the first job (the pool has put the JVM
     *  on idle CPU meanwhile); every JVM runs one after each half second idle: see IdleWarmUp. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals > 0)
                options.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        Path scratch = Path.of(options.getOrDefault("scratch", ".")).toAbsolutePath().normalize();
        Job.Limits limits = new Job.Limits(Long.parseLong(options.getOrDefault("output-limit", "1048576")),
                                           Integer.parseInt(options.getOrDefault("max-threads", "32")));
        DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(pipe(3))));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(pipe(4)), 1 << 16));
        Runner runner = new Runner(new JobCompiler(), limits, scratch,
                                   Integer.parseInt(options.getOrDefault("idle-warm-up", "0")));
        Job.installOutput();
        runner.jobDomain = Sandbox.install(scratch, !"off".equals(options.get("security-manager")));
        runner.defaults = JvmState.snapshot();
        long warmUpMs = runner.warmUp();
        out.writeInt(5);
        out.writeByte('R');
        out.writeInt((int) warmUpMs);
        out.flush();
        runner.serve(in, out);
        Runtime.getRuntime().halt(0);
    }

    /** The path of an inherited pipe. Refuses anything else: opening a stray descriptor that points to
     *  a regular file (a JDK file, say) for writing would truncate that file. */
    private static String pipe(int fd) throws IOException {
        String path = "/proc/self/fd/" + fd;
        if (!Files.readAttributes(Path.of(path), BasicFileAttributes.class).isOther())
            throw new IOException("descriptor " + fd + " is not the supervisor's pipe");
        return path;
    }

    private void serve(DataInputStream in, DataOutputStream out) throws IOException, InterruptedException {
        IdleWarmUp idle = IdleWarmUp.start(jobLock, idleWarmUp, this::warmUpJob);
        while (true) {
            int length;
            try {
                length = in.readInt();
            } catch (EOFException e) {
                return;
            }
            if (length < 8 || length > MAX_SOURCE)
                throw new IOException("bad job frame length " + length);
            long id = in.readLong();
            byte[] source = new byte[length - 8];
            in.readFully(source);
            idle.jobComing();
            synchronized (jobLock) {
                answer(out, id, execute(id, source));
                renewJobThreadIfSpent();   // after the answer: off the next job's path
                idle.jobDone();
            }
        }
    }

    /** The next job of the built-in warm-up set (negative ids: never answered). */
    private void warmUpJob() throws InterruptedException {
        warmUpJobs++;
        String template = WARM_UP[warmUpJobs % WARM_UP.length];
        execute(-warmUpJobs, String.format(template, warmUpJobs).getBytes(StandardCharsets.UTF_8));
        renewJobThreadIfSpent();
    }

    /** A fresh job thread when the kept one has run its share or is stuck in a job that overran. */
    private void renewJobThreadIfSpent() throws InterruptedException {
        if (jobThread.spent()) {
            jobThread.retire();
            jobThread = Job.startThread();
        }
    }

    /** What one job produced, ready to be framed. */
    private record Outcome(Job.Answer answer, Job job, int compileMs, int runMs, boolean recycle) {
    }

    private Outcome execute(long id, byte[] source) throws InterruptedException {
        Job job = new Job(id, limits);
        Leftovers leftovers = Leftovers.watch();
        long start = System.nanoTime();
        JobCompiler.Compiled compiled = null;
        try {
            compiled = compiler.compile(source);
        } catch (Throwable e) {
            job.failedToCompile(e);
        }
        long compiledAt = System.nanoTime();
        if (compiled != null)
            job.run(compiled, jobDomain, jobThread);
        long end = System.nanoTime();
        String left = emptyScratch() ? leftovers.find(job) : "files it could not delete";
        defaults.restore();
        if (left != null)
            System.err.println("zrun runner: job " + id + " left " + left + "; this JVM will be replaced");
        return new Outcome(job.answer(), job, millis(compiledAt - start), millis(end - compiledAt), left != null);
    }

    private static void answer(DataOutputStream out, long id, Outcome outcome) throws IOException {
        byte[] body = outcome.answer().body(), stdout = outcome.job().stdout(), stderr = outcome.job().stderr();
        out.writeInt(1 + 8 + 1 + 1 + 4 + 4 + 12 + body.length + stdout.length + stderr.length);
        out.writeByte('D');
        out.writeLong(id);
        out.writeByte(outcome.answer().status());
        out.writeByte(outcome.recycle() ? FLAG_RECYCLE : 0);
        out.writeInt(outcome.compileMs());
        out.writeInt(outcome.runMs());
        for (byte[] part : new byte[][] { body, stdout, stderr }) {
            out.writeInt(part.length);
            out.write(part);
        }
        out.flush();
    }

    /** Compiles and runs tiny distinct classes (and one that fails) until the job path is fast: stops
     *  once WARM_UP_SETTLED_ROUNDS rounds in a row were no faster than the best round before them. */
    private long warmUp() throws InterruptedException {
        long start = System.nanoTime();
        int rounds = 0, unimproved = 0;
        long best = Long.MAX_VALUE, last = 0;
        while (rounds < WARM_UP_MAX_ROUNDS && millis(System.nanoTime() - start) < WARM_UP_BUDGET_MS
               && (rounds < WARM_UP_MIN_ROUNDS || unimproved < WARM_UP_SETTLED_ROUNDS)) {
            long roundStart = System.nanoTime();
            for (int i = 0; i < WARM_UP.length; i++)
                warmUpJob();
            last = System.nanoTime() - roundStart;
            unimproved = last < best ? 0 : unimproved + 1;
            best = Math.min(best, last);
            rounds++;
        }
        long took = millis(System.nanoTime() - start);
        System.err.printf("zrun runner: warm after %d jobs in %d ms (last round %.1f ms per job, best %.1f)%n",
                          warmUpJobs, took, last / 1e6 / WARM_UP.length, best / 1e6 / WARM_UP.length);
        return took;
    }

    /** Deletes whatever the last job left in the scratch directory; false if something stayed. */
    private boolean emptyScratch() {
        try (var entries = Files.list(scratch)) {
            if (entries.findAny().isEmpty())
                return true;
        } catch (IOException e) {
            return false;
        }
        try {
            Files.walkFileTree(scratch, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (!dir.equals(scratch))
                        Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int millis(long nanos) {
        return (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos));
    }
}
