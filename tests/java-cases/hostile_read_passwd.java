import java.nio.file.Files;
import java.nio.file.Path;

public class Reader {
    public String run() throws Exception {
        return Files.readString(Path.of("/etc/passwd"));
    }
}
