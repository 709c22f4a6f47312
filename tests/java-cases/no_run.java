public class NoRun {
    public String walk() {
        return "walking";
    }
}
