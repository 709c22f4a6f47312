/* zr_cmd_bench: `zrun bench` drives a zrun HTTP endpoint with N concurrent clients (libcurl
 * multi), checks every answer, and prints one line: requests/s, p50 and p99 latency. */
#include "cmd/zr_commands.h"
#include "cmd/zr_cli.h"
#include "runtime/zr_clock.h"
#include <curl/curl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *url, *label;
    int concurrency, requests, warmup;
    bool same_source;
} bench_options_t;

typedef struct {
    CURL *easy;
    int index;
    char source[256], expected[32], body[256];
    size_t body_len;
    int64_t started_us;
} bench_slot_t;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static size_t collect(char *data, size_t size, size_t count, void *user)
{
    bench_slot_t *slot = user;
    size_t length = size * count, room = sizeof slot->body - 1 - slot->body_len;
    size_t take = length < room ? length : room;
    memcpy(slot->body + slot->body_len, data, take);
    slot->body_len += take;
    return length;
}

/* Request i: a distinct class per request (nothing cached), or one class for all. */
static void prepare(bench_slot_t *slot, const bench_options_t *o, int i, int run_id)
{
    int n = o->same_source ? 0 : i;
    snprintf(slot->source, sizeof slot->source,
             "public class Bench%d_%d {\n    public String run() { return \"bench %d\"; }\n}\n", run_id, n, n);
    snprintf(slot->expected, sizeof slot->expected, "bench %d", n);
    slot->body_len = 0;
    slot->index = i;
    curl_easy_setopt(slot->easy, CURLOPT_POSTFIELDS, slot->source);
    curl_easy_setopt(slot->easy, CURLOPT_POSTFIELDSIZE, (long) strlen(slot->source));
    slot->started_us = now_us();
}

static int compare_us(const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

static void bench_usage(FILE *out)
{
    fprintf(out, "usage: zrun bench [--url URL] [--concurrency N] [--requests M] [--warmup W] [--same] [--label TEXT]\n"
                 "  Sends W unmeasured, then M measured POST /compileandrun requests, N at a time; each\n"
                 "  source is distinct unless --same. Prints: label, req/s, p50 ms, p99 ms, errors.\n");
}

static int parse_bench_options(int argc, char **argv, bench_options_t *o)
{
    static const struct option longs[] = {
        { "url", required_argument, 0, 'u' }, { "concurrency", required_argument, 0, 'c' },
        { "requests", required_argument, 0, 'n' }, { "warmup", required_argument, 0, 'w' },
        { "same", no_argument, 0, 's' }, { "label", required_argument, 0, 'l' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    *o = (bench_options_t) { "http://127.0.0.1:8888", "zrun", 1, 200, 50, false };
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":h", longs, NULL)) != -1;) {
        int rc = 0;
        switch (c) {
        case 'u': o->url = optarg; break;
        case 'l': o->label = optarg; break;
        case 's': o->same_source = true; break;
        case 'c': rc = zr_cli_int("bench", "--concurrency", optarg, 1, 256, &o->concurrency); break;
        case 'n': rc = zr_cli_int("bench", "--requests", optarg, 1, 1000000, &o->requests); break;
        case 'w': rc = zr_cli_int("bench", "--warmup", optarg, 0, 1000000, &o->warmup); break;
        case 'h': bench_usage(stdout); return 1;
        case ':': fprintf(stderr, "zrun bench: %s needs a value\n", argv[optind - 1]); return -1;
        default: fprintf(stderr, "zrun bench: unknown option '%s'\n", argv[optind - 1]); return -1;
        }
        if (rc)
            return -1;
    }
    return optind < argc ? (fprintf(stderr, "zrun bench: unexpected argument '%s'\n", argv[optind]), -1) : 0;
}

typedef struct {
    int64_t *latencies_us;
    int measured, errors, sent, done;
    int64_t first_measured_us, last_done_us;
} bench_run_t;

static void finish(bench_run_t *run, bench_slot_t *slot, const bench_options_t *o, CURLcode code)
{
    long status = 0;
    curl_easy_getinfo(slot->easy, CURLINFO_RESPONSE_CODE, &status);
    slot->body[slot->body_len] = 0;
    bool correct = code == CURLE_OK && status == 200 && strcmp(slot->body, slot->expected) == 0;
    int64_t end = now_us();
    run->done++;
    run->last_done_us = end;
    if (slot->index < o->warmup)
        return;
    if (!correct) {
        run->errors++;
        if (run->errors <= 3)
            fprintf(stderr, "zrun bench: request %d: status %ld, body '%.80s'%s\n", slot->index, status,
                    slot->body, code == CURLE_OK ? "" : curl_easy_strerror(code));
        return;
    }
    run->latencies_us[run->measured++] = end - slot->started_us;
}

static void run_requests(const bench_options_t *o, bench_slot_t *slots, bench_run_t *run)
{
    CURLM *multi = curl_multi_init();
    int total = o->warmup + o->requests, run_id = (int) (zr_clock_wall_ms() % 1000000);
    for (int i = 0; i < o->concurrency && run->sent < total; i++) {
        prepare(&slots[i], o, run->sent++, run_id);
        curl_multi_add_handle(multi, slots[i].easy);
    }
    while (run->done < total) {
        int running = 0, queued = 0;
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        while ((msg = curl_multi_info_read(multi, &queued))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            bench_slot_t *slot = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **) &slot);
            CURLcode code = msg->data.result;
            curl_multi_remove_handle(multi, slot->easy);
            finish(run, slot, o, code);
            if (run->done == o->warmup)
                run->first_measured_us = now_us();
            if (run->sent < total) {
                prepare(slot, o, run->sent++, run_id);
                curl_multi_add_handle(multi, slot->easy);
            }
        }
        if (run->done < total)
            curl_multi_poll(multi, NULL, 0, 100, NULL);
    }
    curl_multi_cleanup(multi);
}

int zr_cmd_bench(int argc, char **argv)
{
    bench_options_t o;
    int rc = parse_bench_options(argc, argv, &o);
    if (rc)
        return rc > 0 ? 0 : 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char endpoint[1024];
    snprintf(endpoint, sizeof endpoint, "%s/compileandrun", o.url);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: text/x-java-source");
    bench_slot_t *slots = calloc((size_t) o.concurrency, sizeof *slots);
    for (int i = 0; i < o.concurrency; i++) {
        slots[i].easy = curl_easy_init();
        curl_easy_setopt(slots[i].easy, CURLOPT_URL, endpoint);
        curl_easy_setopt(slots[i].easy, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(slots[i].easy, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(slots[i].easy, CURLOPT_WRITEDATA, &slots[i]);
        curl_easy_setopt(slots[i].easy, CURLOPT_PRIVATE, (char *) &slots[i]);
        curl_easy_setopt(slots[i].easy, CURLOPT_TIMEOUT, 120L);
    }
    bench_run_t run = { .latencies_us = calloc((size_t) o.requests, sizeof(int64_t)) };
    run.first_measured_us = now_us();
    run_requests(&o, slots, &run);
    qsort(run.latencies_us, (size_t) run.measured, sizeof(int64_t), compare_us);
    double seconds = (double) (run.last_done_us - run.first_measured_us) / 1e6;
    double p50 = run.measured ? run.latencies_us[run.measured / 2] / 1000.0 : 0;
    double p99 = run.measured ? run.latencies_us[(run.measured * 99) / 100] / 1000.0 : 0;
    printf("%-34s c=%-3d n=%-5d %9.1f req/s   p50 %8.2f ms   p99 %8.2f ms   errors %d\n", o.label,
           o.concurrency, o.requests, seconds > 0 ? run.measured / seconds : 0, p50, p99, run.errors);
    for (int i = 0; i < o.concurrency; i++)
        curl_easy_cleanup(slots[i].easy);
    free(slots);
    free(run.latencies_us);
    curl_slist_free_all(headers);
    curl_global_cleanup();
    return run.errors ? 1 : 0;
}
