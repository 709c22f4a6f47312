public class Spawner {
    public String run() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "echo pwned").start();
        return "started " + p.pid();
    }
}
