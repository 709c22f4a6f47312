public class Flood {
    public String run() {
        String line = "x".repeat(1023);
        for (int i = 0; i < 100 * 1024; i++) {
            System.out.println(line);
        }
        return "printed 100 MB";
    }
}
