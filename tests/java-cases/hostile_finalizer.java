public class Finalizable {
    static final class Trap {
        @Override
        @SuppressWarnings("deprecation")
        protected void finalize() {
            System.setProperty("zrun.late", "finalized after its job");
            System.out.println("finalized after its job");
        }
    }

    public String run() {
        for (int i = 0; i < 1000; i++)
            new Trap();
        return "left garbage";
    }
}
