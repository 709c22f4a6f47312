public class TextBlock {
    public String run() {
        String block = """
            Hello,
              text block!
            """;
        return block;
    }
}
