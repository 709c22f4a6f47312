public class Bystander {
    public String run() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            System.runFinalization();
            Thread.sleep(250);
        }
        return "waited " + System.getProperty("zrun.late");
    }
}
