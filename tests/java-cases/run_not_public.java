public class PrivateRun {
    private String run() {
        return "secret";
    }
}
