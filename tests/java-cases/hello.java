public class Hello {
    public String run() {
        System.out.println("to stdout");
        System.err.println("to stderr");
        return "Hello, world!";
    }
}
