import java.util.Locale;
import java.util.TimeZone;

public class Setter {
    public String run() {
        System.setProperty("zrun.test.property", "set by a job");
        System.clearProperty("java.io.tmpdir");
        TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
        Locale.setDefault(Locale.JAPAN);
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> { });
        return "set " + System.getProperty("zrun.test.property") + " " + TimeZone.getDefault().getID();
    }
}
