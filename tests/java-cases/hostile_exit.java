public class Quitter {
    public String run() {
        System.exit(1);
        return "still here";
    }
}
