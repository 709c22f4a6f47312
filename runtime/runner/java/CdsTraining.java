/* CdsTraining: run once by the build with -XX:ArchiveClassesAtExit, so that the classes a runner JVM
 * loads to compile, load and run jobs (javac's among them) go into the runner's class-data archive. */
package zrun;

import java.nio.charset.StandardCharsets;

public final class CdsTraining {
    private CdsTraining() {
    }

    /** Compiles, loads and runs the warm-up templates a few times (no pipes, no sandbox), then ends. */
    public static void main(String[] args) throws Exception {
        JobCompiler compiler = new JobCompiler();
        int n = 0;
        for (int round = 0; round < 3; round++) {
            for (String template : Runner.WARM_UP) {
                n++;
                try {
                    JobCompiler.Compiled compiled = compiler.compile(
                        String.format(template, n).getBytes(StandardCharsets.UTF_8));
                    Class<?> job = JobCompiler.loader(compiled, null).mainClass();
                    job.getMethod("run").invoke(job.getDeclaredConstructor().newInstance());
                } catch (IllegalArgumentException compileError) {
                    // the template that does not compile: its diagnostics' classes are loaded now
                }
            }
        }
    }
}
