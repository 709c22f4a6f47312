import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

public class Scratch {
    public String run() throws Exception {
        Path note = Path.of("note.txt");
        Files.writeString(note, "kept in scratch");
        File temp = File.createTempFile("zrun", ".tmp");
        temp.delete();
        return Files.readString(note) + " " + Files.exists(note);
    }
}
