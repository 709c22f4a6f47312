public class ThreadReader {
    public String run() {
        Thread me = Thread.currentThread();
        return me.getName().startsWith("zrun-job-") + " " + me.getPriority() + " " + me.isInterrupted()
               + " " + (me.getUncaughtExceptionHandler() instanceof ThreadGroup)
               + " " + me.getThreadGroup().getMaxPriority() + " " + me.getThreadGroup().isDaemon()
               + " " + (me.getContextClassLoader() == ThreadReader.class.getClassLoader());
    }
}
