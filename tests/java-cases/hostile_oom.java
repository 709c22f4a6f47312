import java.util.ArrayList;
import java.util.List;

public class Hog {
    public String run() {
        List<long[]> hoard = new ArrayList<>();
        while (true) {
            hoard.add(new long[1 << 20]);
        }
    }
}
