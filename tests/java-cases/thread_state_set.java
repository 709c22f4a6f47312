public class ThreadSetter {
    public String run() {
        Thread me = Thread.currentThread();
        me.setName("renamed by a job");
        me.setPriority(Thread.MIN_PRIORITY);
        me.getThreadGroup().setMaxPriority(Thread.MIN_PRIORITY + 1);
        me.getThreadGroup().setDaemon(true);
        me.setUncaughtExceptionHandler((t, e) -> { });
        me.interrupt();
        return "set " + me.getName() + " " + me.getPriority() + " " + me.isInterrupted();
    }
}
