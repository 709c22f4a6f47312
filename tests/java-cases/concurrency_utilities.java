import java.util.concurrent.*;
import java.util.stream.LongStream;

public class Concurrent {
    public String run() throws Exception {
        long sum = LongStream.range(0, 100000).parallel().map(x -> x * 2).sum();
        String async = CompletableFuture.supplyAsync(() -> "async").get();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<String> task = pool.submit(() -> "pool");
        String fromPool = task.get();
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.SECONDS);
        return sum + " " + async + " " + fromPool;
    }
}
