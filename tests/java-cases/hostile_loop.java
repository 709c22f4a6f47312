public class Spinner {
    public String run() {
        long n = 0;
        while (true) {
            n++;
        }
    }
}
