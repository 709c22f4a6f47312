import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

public class Where {
    public String run() {
        Set<String> names = IntStream.range(0, 100000).parallel().mapToObj(i -> Thread.currentThread().getName())
                                     .collect(Collectors.toSet());
        return names.size() + " thread(s), all the job's own: " + names.stream().allMatch(n -> n.startsWith("zrun-job-"));
    }
}
