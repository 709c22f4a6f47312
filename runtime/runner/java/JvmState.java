/* JvmState: the JVM-global settings a job may legally change, snapshot at start and put back after every job.
 * Owns the defaults (system properties, locale, time zone, uncaught handler, java.net defaults, System.in/out/err). */
package zrun;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.ResponseCache;
import java.net.URL;
import java.net.URLConnection;
import java.util.Locale;
import java.util.Properties;
import java.util.TimeZone;

/**
 * Each job must see the JVM as a fresh one would show it. What a job may change and the runner can
 * put back is restored after every job (cheaply: a few field writes, the properties only when they
 * differ). What cannot be put back (URL's stream handler factory, URLConnection's content handler
 * factory: settable once per JVM) is taken by the runner at start with factories that change
 * nothing, so a job's attempt fails whether or not a SecurityManager exists.
 */
final class JvmState {
    private final Properties properties;
    private final Properties defaults;
    private final Locale locale, display, format;
    private final TimeZone zone;
    private final Thread.UncaughtExceptionHandler uncaught;
    private final Authenticator authenticator;
    private final ProxySelector proxies;
    private final CookieHandler cookies;
    private final ResponseCache responses;
    private final PrintStream out, err;
    private final InputStream in;

    private JvmState() {
        properties = System.getProperties();
        defaults = (Properties) properties.clone();
        locale = Locale.getDefault();
        display = Locale.getDefault(Locale.Category.DISPLAY);
        format = Locale.getDefault(Locale.Category.FORMAT);
        zone = TimeZone.getDefault();
        uncaught = Thread.getDefaultUncaughtExceptionHandler();
        authenticator = Authenticator.getDefault();
        proxies = ProxySelector.getDefault();
        cookies = CookieHandler.getDefault();
        responses = ResponseCache.getDefault();
        out = System.out;
        err = System.err;
        in = System.in;
    }

    /** Takes the once-per-JVM factories, then snapshots the rest (call after System.out/err are set). */
    static JvmState snapshot() {
        URL.setURLStreamHandlerFactory(protocol -> null);          // null: the JDK's own handlers
        URLConnection.setContentHandlerFactory(mimeType -> null);  // null: the JDK's own handlers
        return new JvmState();
    }

    /** Puts every setting back as it was at start. */
    void restore() {
        restoreProperties();
        Locale.setDefault(locale);
        Locale.setDefault(Locale.Category.DISPLAY, display);
        Locale.setDefault(Locale.Category.FORMAT, format);
        TimeZone.setDefault((TimeZone) zone.clone());
        Thread.setDefaultUncaughtExceptionHandler(uncaught);
        Authenticator.setDefault(authenticator);
        ProxySelector.setDefault(proxies);
        CookieHandler.setDefault(cookies);
        ResponseCache.setDefault(responses);
        System.setOut(out);
        System.setErr(err);
        System.setIn(in);
    }

    /** The same Properties object as at start (a job may have swapped it), with the start's contents. */
    private void restoreProperties() {
        if (System.getProperties() != properties)
            System.setProperties(properties);
        if (!properties.equals(defaults)) {
            properties.clear();
            properties.putAll(defaults);
        }
    }
}
