public class Thrower {
    public String run() {
        throw new IllegalStateException("boom");
    }
}
