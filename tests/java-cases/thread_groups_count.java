public class GroupCount {
    public String run() {
        ThreadGroup mine = Thread.currentThread().getThreadGroup();
        ThreadGroup jobs = mine.getParent();
        return "groups " + jobs.getName() + " " + jobs.activeGroupCount();
    }
}
