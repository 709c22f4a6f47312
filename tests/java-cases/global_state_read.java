import java.util.Locale;
import java.util.TimeZone;

public class Reader {
    public String run() {
        return System.getProperty("zrun.test.property") + " " + (System.getProperty("java.io.tmpdir") != null)
               + " " + TimeZone.getDefault().getID() + " " + Locale.getDefault()
               + " " + (Thread.getDefaultUncaughtExceptionHandler() == null);
    }
}
