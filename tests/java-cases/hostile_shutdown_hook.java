public class Hook {
    public String run() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println("shutdown hook ran after its job")));
        return "hooked";
    }
}
