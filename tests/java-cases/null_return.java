public class ReturnsNull {
    public String run() {
        return null;
    }
}
