import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;

public class Hook {
    public String run() {
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
            new PrintStream(new FileOutputStream(FileDescriptor.err), true).println("shutdown hook ran after its job")));
        return "hooked";
    }
}
