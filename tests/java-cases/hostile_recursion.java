public class Deep {
    private int depth(int n) {
        return depth(n + 1) + 1;
    }

    public String run() {
        return "depth " + depth(0);
    }
}
