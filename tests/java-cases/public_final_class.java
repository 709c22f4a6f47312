public final class Sealed {
    public String run() {
        return "final";
    }
}
