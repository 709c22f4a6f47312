public class Several {
    private int calls;

    public Several() {
        calls = 10;
    }

    private int square(int x) {
        calls++;
        return x * x;
    }

    static String shout(String s) {
        return s.toUpperCase() + "!";
    }

    public String helper() {
        return "not run";
    }

    public String run() {
        int total = 0;
        for (int i = 1; i <= 4; i++)
            total += square(i);
        return shout("total " + total) + " calls " + calls;
    }
}
