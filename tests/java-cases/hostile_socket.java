import java.net.Socket;

public class Dialer {
    public String run() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", 22)) {
            return "connected";
        }
    }
}
