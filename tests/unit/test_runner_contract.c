/* test_runner_contract: every row of the README's compile-and-run table (the HTTP API), through the real pool actor.
 * Bodies are the original JavaRunner's, exactly (stack frames below the first line may differ). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "test_runner_support.h"

static zactor_t *pool;
static uint64_t next_id = 1;

static int start_pool(void **state)
{
    pool = test_runner_pool_new(1, 10000);
    return pool ? 0 : -1;
}

static int stop_pool(void **state)
{
    zactor_destroy(&pool);
    return 0;
}

static test_result_t *run_case(const char *name)
{
    test_result_t *result = test_runner_run_case(pool, next_id++, name);
    assert_non_null(result);
    return result;
}

static test_result_t *run_text(const char *source)
{
    test_result_t *result = test_runner_run_text(pool, next_id++, source, strlen(source));
    assert_non_null(result);
    return result;
}

/* The 400 body of an exception: its message, "\n", then the first line of printStackTrace. */
static void assert_exception(test_result_t *result, zr_job_status_t status, const char *type,
                             const char *message)
{
    char expected[2048];
    snprintf(expected, sizeof expected, "%s\n%s: %s\n\tat ", message, type, message);
    assert_int_equal(result->http_status, 400);
    assert_int_equal(result->status, status);
    if (!test_runner_starts_with(result->body, expected))
        fail_msg("body:\n%s\nexpected to start with:\n%s", result->body, expected);
}

static void assert_ok(test_result_t *result, const char *body)
{
    assert_int_equal(result->status, ZR_JOB_OK);
    assert_int_equal(result->http_status, 200);
    assert_string_equal(result->body, body);
    assert_int_equal(result->body_len, strlen(body));
}

static void assert_contains(const test_result_t *result, const char *part)
{
    if (!strstr(result->body, part))
        fail_msg("body:\n%s\nexpected to contain: %s", result->body, part);
}

static void success_returns_run_value_and_captures_output(void **state)
{
    test_result_t *result = run_case("hello.java");
    assert_ok(result, "Hello, world!");
    assert_string_equal(result->out, "to stdout\n");
    assert_string_equal(result->err, "to stderr\n");
    assert_int_equal(result->worker_id, 0);
    test_result_destroy(&result);
    /* output belongs to its job: the next one starts empty */
    result = run_case("null_return.java");
    assert_ok(result, "null");
    assert_string_equal(result->out, "");
    assert_string_equal(result->err, "");
    test_result_destroy(&result);
}

static void compile_error_lists_diagnostics_of_trimmed_source(void **state)
{
    const char *message = "Code did not compile:\n"
                          "Error on line 3, column 17 in string:///Broken.java\n"
                          "Error on line 4, column 16 in string:///Broken.java\n";
    test_result_t *result = run_case("compile_error.java");
    assert_exception(result, ZR_JOB_COMPILE_ERROR, "java.lang.IllegalArgumentException", message);
    test_result_destroy(&result);
    /* the same source again comes from the cache of failures, with the same answer */
    result = run_case("compile_error.java");
    assert_exception(result, ZR_JOB_COMPILE_ERROR, "java.lang.IllegalArgumentException", message);
    test_result_destroy(&result);
}

static void compile_error_in_package_names_its_path(void **state)
{
    test_result_t *result = run_case("package_error.java");
    assert_exception(result, ZR_JOB_COMPILE_ERROR, "java.lang.IllegalArgumentException",
                     "Code did not compile:\n"
                     "Error on line 5, column 16 in string:///com/example/demo/PackagedBroken.java\n");
    test_result_destroy(&result);
}

static void class_name_rules_are_the_originals(void **state)
{
    const char *none = "No class name found in code";
    test_result_t *result = run_case("no_class_name.java");
    assert_exception(result, ZR_JOB_COMPILE_ERROR, "java.lang.IllegalArgumentException", none);
    test_result_destroy(&result);
    /* "public final class" does not match the original's pattern */
    result = run_case("public_final_class.java");
    assert_exception(result, ZR_JOB_COMPILE_ERROR, "java.lang.IllegalArgumentException", none);
    test_result_destroy(&result);
    /* the LAST "public class Name" wins, even inside a comment */
    result = run_case("last_public_class.java");
    assert_exception(result, ZR_JOB_COMPILE_ERROR, "java.lang.IllegalArgumentException",
                     "Code did not compile:\nError on line 1, column 8 in string:///Second.java\n");
    test_result_destroy(&result);
    result = run_text("");
    assert_exception(result, ZR_JOB_COMPILE_ERROR, "java.lang.IllegalArgumentException",
                     "input stream in null or empty");
    test_result_destroy(&result);
}

static void unusable_class_cannot_be_created_and_run(void **state)
{
    static const struct { const char *file, *cause; } cases[] = {
        { "no_noarg_ctor.java", "Caused by: java.lang.NoSuchMethodException: NeedsArgs.<init>()" },
        { "no_run.java", "Caused by: java.lang.NoSuchMethodException: NoRun.run()" },
        { "run_not_public.java", "Caused by: java.lang.IllegalAccessException: " },
        { "run_throws.java",
          "Caused by: java.lang.IllegalStateException: boom\n\tat zrun-job//Thrower.run(Thrower.java:3)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        test_result_t *result = run_case(cases[i].file);
        assert_exception(result, ZR_JOB_RUNTIME_ERROR, "java.lang.ReflectiveOperationException",
                         "Could not create and run instance of class");
        assert_contains(result, cases[i].cause);
        test_result_destroy(&result);
    }
}

static void wrong_return_type_is_named(void **state)
{
    test_result_t *result = run_case("wrong_return.java");
    assert_exception(result, ZR_JOB_RUNTIME_ERROR, "java.lang.IllegalArgumentException",
                     "The return type of the class was int, not java.lang.String");
    test_result_destroy(&result);
}

static void packages_follow_the_original(void **state)
{
    test_result_t *result = run_case("package_ok.java");
    assert_ok(result, "com.example.demo.Packaged");
    test_result_destroy(&result);
    /* a comment before "package": the original looked for Commented.class, found no bytes and
     * failed on them; zrun answers the same */
    result = run_case("comment_before_package.java");
    assert_exception(result, ZR_JOB_RUNTIME_ERROR, "java.lang.NullPointerException",
                     "Cannot read the array length because \"b\" is null");
    test_result_destroy(&result);
    /* "package" with no ';' anywhere: the original's substring failed */
    const char *source = "package demo\npublic class NoSemicolon { public String run() { return \"x\" } }";
    char message[64];
    snprintf(message, sizeof message, "begin 7, end -1, length %zu", strlen(source));
    result = run_text(source);
    assert_exception(result, ZR_JOB_COMPILE_ERROR, "java.lang.StringIndexOutOfBoundsException", message);
    test_result_destroy(&result);
}

static void modern_java_runs(void **state)
{
    test_result_t *result = run_case("text_block.java");
    assert_ok(result, "Hello,\n  text block!\n");
    test_result_destroy(&result);
    result = run_case("java_util.java");
    assert_ok(result, "{apple=3, fig=2, kiwi=1, pear=1}|Pair[word=apple, count=3]|1|apple|2025-02-28|36|"
                      "[4, 3, 2, 1, 0]");
    test_result_destroy(&result);
    result = run_case("several_methods.java");
    assert_ok(result, "TOTAL 30! calls 14");
    test_result_destroy(&result);
    /* parallel streams, the common pool and executors work under the sandbox */
    result = run_case("concurrency_utilities.java");
    assert_ok(result, "9999900000 async pool");
    test_result_destroy(&result);
}

static void every_class_of_the_source_is_loaded(void **state)
{
    test_result_t *result = run_case("nested_and_second.java");
    assert_ok(result, "inner+helper+anonymous");
    test_result_destroy(&result);
}

static void cached_source_still_runs_fresh(void **state)
{
    const char *source = "public class Counter { static int n; public String run() { n++; "
                         "System.out.print(n); return \"n=\" + n; } }";
    for (int i = 0; i < 3; i++) {
        test_result_t *result = run_text(source);
        assert_ok(result, "n=1");   /* a fresh class loader: statics start over */
        assert_string_equal(result->out, "1");
        if (i > 0)
            assert_true(result->compile_ms <= 1);   /* hashed, not compiled */
        test_result_destroy(&result);
    }
}

/* javac contexts are reused between jobs: nothing one job compiled may be seen by the next. */
static void reused_compiler_forgets_earlier_jobs(void **state)
{
    const char *first = "public class Main { public String run() { return Helper.x(); } }\n"
                        "class Helper { static String x() { return \"first\"; } }";
    const char *second = "public class Main { public String run() { return Helper.x() + 2; } }\n"
                         "class Helper { static String x() { return \"second\"; } }";
    test_result_t *result = run_text(first);
    assert_ok(result, "first");
    test_result_destroy(&result);
    result = run_text(second);
    assert_ok(result, "second2");
    test_result_destroy(&result);
    result = run_text("public class Other { public String run() { return Helper.x(); } }");
    assert_exception(result, ZR_JOB_COMPILE_ERROR, "java.lang.IllegalArgumentException",
                     "Code did not compile:\nError on line 1, column 51 in string:///Other.java\n");
    test_result_destroy(&result);
    /* a failed compile leaves nothing behind either: the next one reports only its own error */
    result = run_text("public class Later { public String run() { return 1 +; } }");
    assert_exception(result, ZR_JOB_COMPILE_ERROR, "java.lang.IllegalArgumentException",
                     "Code did not compile:\nError on line 1, column 54 in string:///Later.java\n");
    test_result_destroy(&result);
}

static void output_of_job_threads_is_captured(void **state)
{
    test_result_t *result = run_text(
        "public class Threads { public String run() throws Exception {\n"
        "  Thread t = new Thread(() -> System.out.println(\"from a thread\"));\n"
        "  t.start(); t.join(); System.err.print(\"é\"); return \"joined\"; } }");
    assert_ok(result, "joined");
    assert_string_equal(result->out, "from a thread\n");
    assert_string_equal(result->err, "é");
    test_result_destroy(&result);
}

static void pool_without_a_usable_java_does_not_start(void **state)
{
    zr_runner_config_t config;
    test_runner_config(&config, 1, 1000);
    config.java = "/nonexistent/bin/java";
    assert_null(zr_runner_pool_new(&config));
    config.java = "java";
    config.classes_dir = "/nonexistent";
    assert_null(zr_runner_pool_new(&config));
    /* a launcher that starts but never becomes a runner: three failed starts, then it gives up */
    config.classes_dir = NULL;
    config.java = "/bin/false";
    assert_null(zr_runner_pool_new(&config));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(success_returns_run_value_and_captures_output),
        cmocka_unit_test(compile_error_lists_diagnostics_of_trimmed_source),
        cmocka_unit_test(compile_error_in_package_names_its_path),
        cmocka_unit_test(class_name_rules_are_the_originals),
        cmocka_unit_test(unusable_class_cannot_be_created_and_run),
        cmocka_unit_test(wrong_return_type_is_named),
        cmocka_unit_test(packages_follow_the_original),
        cmocka_unit_test(modern_java_runs),
        cmocka_unit_test(every_class_of_the_source_is_loaded),
        cmocka_unit_test(cached_source_still_runs_fresh),
        cmocka_unit_test(reused_compiler_forgets_earlier_jobs),
        cmocka_unit_test(output_of_job_threads_is_captured),
        cmocka_unit_test(pool_without_a_usable_java_does_not_start),
    };
    return cmocka_run_group_tests(tests, start_pool, stop_pool);
}
