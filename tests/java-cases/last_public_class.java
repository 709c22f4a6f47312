public class First {
    public String run() {
        return "first";
    }
}
// the original takes the LAST "public class Name" in the text, even in a comment:
// public class Second
