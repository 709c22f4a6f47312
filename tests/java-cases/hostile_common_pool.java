import java.util.concurrent.ForkJoinPool;

public class Detached {
    public String run() {
        ForkJoinPool.commonPool().execute(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            System.setProperty("zrun.late", "common pool ran after its job");
            System.out.println("common pool ran after its job");
        });
        return "submitted";
    }
}
