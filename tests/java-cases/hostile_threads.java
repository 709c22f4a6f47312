public class Forker {
    public String run() {
        while (true) {
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    // keep going
                }
            });
            t.start();
        }
    }
}
