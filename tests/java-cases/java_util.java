import java.util.*;
import java.util.stream.*;
import java.time.*;

public class UsesJavaUtil {
    record Pair(String word, int count) {}

    public String run() {
        List<String> words = new ArrayList<>(List.of("pear", "apple", "fig", "apple", "kiwi", "fig", "apple"));
        Map<String, Long> counts = new TreeMap<>(words.stream()
            .collect(Collectors.groupingBy(w -> w, Collectors.counting())));
        List<Pair> pairs = counts.entrySet().stream()
            .map(e -> new Pair(e.getKey(), e.getValue().intValue()))
            .sorted(Comparator.comparingInt(Pair::count).reversed().thenComparing(Pair::word))
            .collect(Collectors.toList());
        Random random = new Random(7);
        int sum = IntStream.range(0, 100).map(i -> random.nextInt(10)).sum();
        Optional<String> longest = words.stream().max(Comparator.comparingInt(String::length));
        String date = LocalDate.of(2024, 2, 29).plusYears(1).toString();
        String uuid = UUID.nameUUIDFromBytes("zrun".getBytes()).toString();
        Deque<Integer> deque = new ArrayDeque<>();
        for (int i = 0; i < 5; i++) deque.push(i);
        return String.format("%s|%s|%d|%s|%s|%s|%s", counts, pairs.get(0), sum > 0 ? 1 : 0,
                             longest.orElse("?"), date, uuid.length(), deque);
    }
}
