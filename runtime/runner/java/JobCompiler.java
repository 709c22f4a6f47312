/* JobCompiler: submitted source -> loadable classes, with the original JavaRunner's name rules and messages.
 * Owns the warm javac (reused contexts), the in-memory class output, the per-job class loader and the cache. */
package zrun;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.sun.tools.javac.api.JavacTaskPool;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticListener;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

final class JobCompiler {
    /** The original's class-name rule: the LAST "public class Name" anywhere in the trimmed text. */
    private static final Pattern CLASS_NAME =
        Pattern.compile("[\\s\\S]*public\\s+class\\s+([a-zA-Z_$][a-zA-Z\\d_$]*)[\\s\\S]*");
    private static final int CACHE_ENTRIES = 512;
    private static final long CACHE_BYTES = 32L << 20;

    /** What one source compiled to: the class the original would run, and every class's bytes. */
    static final class Compiled {
        final String canonicalName;
        final Map<String, byte[]> classes;
        final long size;

        Compiled(String canonicalName, Map<String, byte[]> classes) {
            this.canonicalName = canonicalName;
            this.classes = classes;
            long total = 0;
            for (byte[] bytes : classes.values())
                total += bytes.length;
            this.size = total;
        }
    }

    private static final List<String> OPTIONS = List.of("-proc:none");

    private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    /** The JDK's pool of reusable compiler contexts (JShell's): a job's compile skips building a
     *  fresh javac context, about 3x less time once warm. A pooled context keeps the first file
     *  manager it was given (later tasks would write their classes there, whatever they pass), so
     *  one manager lives as long as the compiler and writes into each compile's own map.
     *  Null where the JDK lacks or hides the class: then every compile gets a fresh context. */
    private final JavacTaskPool contexts = reusableContexts();
    private final StandardJavaFileManager standardFiles;
    private final MemoryOutput output;
    private final Diagnostics diagnostics = new Diagnostics();
    private final LinkedHashMap<String, Object> cache = new LinkedHashMap<>(64, 0.75f, true);
    private long cacheBytes;

    JobCompiler() throws IOException {
        standardFiles = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        // Jobs compile against the JDK only: nothing of the runner is on their class path.
        standardFiles.setLocation(StandardLocation.CLASS_PATH, List.of());
        output = new MemoryOutput(standardFiles);
    }

    private static JavacTaskPool reusableContexts() {
        try {
            return new JavacTaskPool(1);
        } catch (LinkageError missingOrNotExported) {
            System.err.println("zrun runner: no reusable javac contexts (" + missingOrNotExported
                               + "); every job compiles in a fresh one");
            return null;
        }
    }

    /** Compiles the submitted bytes, or returns the cached classes of an identical earlier source.
     *  Throws exactly what the original JavaRunner threw for unusable source. */
    Compiled compile(byte[] submitted) throws NoSuchAlgorithmException {
        if (submitted.length == 0)
            throw new IllegalArgumentException("input stream in null or empty");
        String key = hash(submitted);
        Object cached = cache.get(key);
        if (cached instanceof Compiled)
            return (Compiled) cached;
        if (cached instanceof String)
            throw new IllegalArgumentException((String) cached);
        String src = new String(submitted, StandardCharsets.UTF_8).trim();
        String canonicalName = canonicalName(src);
        Object outcome = compileSource(canonicalName, src);
        remember(key, outcome);
        if (outcome instanceof String)
            throw new IllegalArgumentException((String) outcome);
        return (Compiled) outcome;
    }

    /** A class loader for one job: sees the JDK and this job's classes, nothing of the runner. */
    static JobLoader loader(Compiled compiled, ProtectionDomain domain) {
        return new JobLoader(compiled, domain);
    }

    /** Package name only when the trimmed source starts with "package"; class name per CLASS_NAME. */
    private static String canonicalName(String src) {
        String pkgName = null;
        if (src.startsWith("package"))
            pkgName = src.substring(7, src.indexOf(";")).trim();
        Matcher m = CLASS_NAME.matcher(src);
        if (!m.matches())
            throw new IllegalArgumentException("No class name found in code");
        String className = m.group(1);
        return pkgName == null ? className : pkgName + "." + className;
    }

    /** Returns a Compiled, or the "Code did not compile" message listing every diagnostic. */
    private Object compileSource(String canonicalName, String src) {
        SourceFile source = new SourceFile(canonicalName, src);
        diagnostics.reported.clear();
        output.classes = new HashMap<>();
        List<SourceFile> units = List.of(source);
        boolean ok = contexts != null
            ? contexts.getTask(null, output, diagnostics, OPTIONS, null, units, task -> task.call())
            : javac.getTask(null, output, diagnostics, OPTIONS, null, units).call();
        if (ok)
            return new Compiled(canonicalName, output.classes);
        String errors = "";
        for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.reported) {
            errors += String.format("Error on line %d, column %d in %s%n", diagnostic.getLineNumber(),
                                    diagnostic.getColumnNumber(), diagnostic.getSource().toUri());
        }
        return "Code did not compile:\n" + errors;
    }

    private void remember(String key, Object outcome) {
        long size = outcome instanceof Compiled ? ((Compiled) outcome).size : ((String) outcome).length();
        cache.put(key, outcome);
        cacheBytes += size;
        var eldest = cache.entrySet().iterator();
        while ((cache.size() > CACHE_ENTRIES || cacheBytes > CACHE_BYTES) && eldest.hasNext()) {
            Object gone = eldest.next().getValue();
            cacheBytes -= gone instanceof Compiled ? ((Compiled) gone).size : ((String) gone).length();
            eldest.remove();
        }
    }

    private static String hash(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The source "file": string:///pkg/path/Name.java, as the original named it. */
    private static final class SourceFile extends SimpleJavaFileObject {
        private final String code;

        SourceFile(String canonicalName, String code) {
            super(URI.create("string:///" + canonicalName.replace('.', '/') + Kind.SOURCE.extension),
                  Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }

    /** Every diagnostic of the compile in progress (the original listed all a DiagnosticCollector got). */
    private static final class Diagnostics implements DiagnosticListener<JavaFileObject> {
        final List<Diagnostic<? extends JavaFileObject>> reported = new ArrayList<>();

        @Override
        public void report(Diagnostic<? extends JavaFileObject> diagnostic) {
            reported.add(diagnostic);
        }
    }

    /** Collects every class file javac writes, keyed by binary name, into the map of the compile in
     *  progress; reads go to the shared manager. */
    private static final class MemoryOutput extends ForwardingJavaFileManager<StandardJavaFileManager> {
        Map<String, byte[]> classes = new HashMap<>();

        MemoryOutput(StandardJavaFileManager files) {
            super(files);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className,
                                                   JavaFileObject.Kind kind, FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/')
                                                       + kind.extension), kind) {
                @Override
                public OutputStream openOutputStream() {
                    Map<String, byte[]> into = classes;
                    return new ByteArrayOutputStream() {
                        @Override
                        public void close() {
                            into.put(className, toByteArray());
                        }
                    };
                }
            };
        }

        @Override
        public void close() {
            // the shared standard file manager stays open for the next job
        }
    }

    /** Defines the job's classes child-first; everything else comes from the JDK (platform loader). */
    static final class JobLoader extends ClassLoader {
        private final Compiled compiled;
        private final ProtectionDomain domain;
        private final List<Class<?>> defined = new ArrayList<>();

        JobLoader(Compiled compiled, ProtectionDomain domain) {
            super("zrun-job", ClassLoader.getPlatformClassLoader());
            this.compiled = compiled;
            this.domain = domain;
        }

        /** The class the original would run. When javac put it elsewhere (an unrecognised package),
         *  the original read a missing class file and failed on its null bytes; so do we. */
        Class<?> mainClass() {
            String name = compiled.canonicalName;
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null)
                    return loaded;
                byte[] b = compiled.classes.get(name);
                if (b == null)
                    throw new NullPointerException("Cannot read the array length because \"b\" is null");
                return define(name, b);
            }
        }

        /** True if a class this loader defined declares finalize(): the Finalizer thread would run it later. */
        synchronized boolean declaresFinalizer() {
            for (Class<?> c : defined) {
                try {
                    c.getDeclaredMethod("finalize");
                    return true;
                } catch (NoSuchMethodException | LinkageError e) {
                    // no finalizer here (or the class cannot be linked, so it has no instances)
                }
            }
            return false;
        }

        private synchronized Class<?> define(String name, byte[] bytes) {
            Class<?> c = defineClass(name, bytes, 0, bytes.length, domain);
            defined.add(c);
            return c;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!compiled.classes.containsKey(name))
                return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null)
                    loaded = findClass(name);
                if (resolve)
                    resolveClass(loaded);
                return loaded;
            }
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = compiled.classes.get(name);
            if (bytes == null)
                throw new ClassNotFoundException(name);
            return define(name, bytes);
        }
    }
}
