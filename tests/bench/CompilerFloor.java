/* CompilerFloor: the floor under zrun's job path, a bare harness in one warm JVM that compiles
 * (in memory, reused javac context), loads and runs the classes `zrun bench` sends, and times each. */

import com.sun.tools.javac.api.JavacTaskPool;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Usage: java --add-exports jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED CompilerFloor.java WARM MEASURED
 * Prints one line: "bare harness ... p50 X ms p90 Y ms" (compile + define + run of one distinct class).
 */
public final class CompilerFloor {
    private static final class Output extends ForwardingJavaFileManager<StandardJavaFileManager> {
        Map<String, byte[]> classes = new HashMap<>();

        Output(StandardJavaFileManager files) {
            super(files);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String name, JavaFileObject.Kind kind,
                                                   FileObject sibling) {
            Map<String, byte[]> into = classes;
            return new SimpleJavaFileObject(URI.create("mem:///" + name + kind.extension), kind) {
                @Override
                public OutputStream openOutputStream() {
                    return new ByteArrayOutputStream() {
                        @Override
                        public void close() {
                            into.put(name, toByteArray());
                        }
                    };
                }
            };
        }
    }

    private static final class Loader extends ClassLoader {
        private final Map<String, byte[]> classes;

        Loader(Map<String, byte[]> classes) {
            super(ClassLoader.getPlatformClassLoader());
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = classes.get(name);
            if (b == null)
                throw new ClassNotFoundException(name);
            return defineClass(name, b, 0, b.length);
        }
    }

    public static void main(String[] args) throws Exception {
        int warm = Integer.parseInt(args[0]), measured = Integer.parseInt(args[1]);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Output output = new Output(javac.getStandardFileManager(null, null, StandardCharsets.UTF_8));
        JavacTaskPool contexts = new JavacTaskPool(1);
        List<Double> times = new ArrayList<>();
        for (int n = 0; n < warm + measured; n++) {
            String name = "Bench0_" + n;
            String code = "public class " + name + " {\n    public String run() { return \"bench " + n + "\"; }\n}\n";
            JavaFileObject source = new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
                                                             JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return code;
                }
            };
            long start = System.nanoTime();
            output.classes = new HashMap<>();
            boolean ok = contexts.getTask(null, output, null, List.of("-proc:none"), null, List.of(source),
                                          task -> task.call());
            Class<?> c = new Loader(output.classes).loadClass(name);
            Object answer = c.getMethod("run").invoke(c.getDeclaredConstructor().newInstance());
            long took = System.nanoTime() - start;
            if (!ok || !("bench " + n).equals(answer))
                throw new IllegalStateException("job " + n + " answered " + answer);
            if (n >= warm)
                times.add(took / 1e6);
        }
        Collections.sort(times);
        System.out.printf("%-34s n=%d after %d warm-up jobs: p50 %.2f ms p90 %.2f ms%n",
                          "bare harness (one JVM, no HTTP)", measured, warm,
                          times.get(times.size() / 2), times.get(times.size() * 9 / 10));
    }
}
