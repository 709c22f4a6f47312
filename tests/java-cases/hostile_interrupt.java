public class Interrupter {
    public String run() {
        ThreadGroup top = Thread.currentThread().getThreadGroup();
        while (top.getParent() != null)
            top = top.getParent();
        Thread[] all = new Thread[64];
        int n = top.enumerate(all);
        for (int i = 0; i < n; i++)
            all[i].interrupt();
        return "interrupted " + n + " threads";
    }
}
