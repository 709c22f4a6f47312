public class NeedsArgs {
    private final String name;

    public NeedsArgs(String name) {
        this.name = name;
    }

    public String run() {
        return name;
    }
}
