import java.nio.file.Files;
import java.nio.file.Path;

public class Writer {
    public String run() throws Exception {
        Files.writeString(Path.of("/tmp/x"), "written by a job");
        return "wrote /tmp/x";
    }
}
