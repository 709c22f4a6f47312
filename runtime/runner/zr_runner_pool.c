/* zr_runner_pool: the actor that keeps warm, jailed JVMs and runs compile-and-run jobs on them.
 * The shell only: pipes, processes, timers and answers; every decision comes from zr_runner_sched. */
#include "runtime/runner/zr_runner_pool.h"
#include "runtime/zr_actor.h"
#include "runtime/zr_clock.h"
#include "proto/zr_proto_frame.h"
#include "runtime/zr_event.h"
#include "runtime/zr_inproc.h"
#include "runtime/zr_log.h"
#include "runtime/runner/zr_runner_cgroup.h"
#include "runtime/runner/zr_runner_jail.h"
#include "runtime/runner/zr_runner_jvm.h"
#include "runtime/runner/zr_runner_sched.h"
#include "runtime/runner/zr_runner_setup.h"
#include <errno.h>
#include <ftw.h>
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define START_MS 60000          /* a JVM must warm up within this */
#define RETRY_MS 500            /* first respawn delay after a failed start */
#define REFILL_DELAY_MS 1000   /* a killed JVM's spare refill starts this much later (measured: a JVM
                                   starting beside the job right after the kill made it ~2x slower) */
#define BACKGROUND_START_MS 10000   /* a spare refill not ready on idle CPU by then warms at the work's priority
                                       (a machine kept busy gives SCHED_IDLE next to nothing) */
#define RETRY_MAX_MS 30000
#define GIVE_UP_FAILURES 3      /* failed starts in a row, on every slot, before jobs are failed */
#define JVM_BASE_TASKS 40       /* threads of a runner JVM itself, with room to spare (measured: 14) */
#define JVM_NATIVE_MB 384       /* non-heap memory a runner JVM may use (javac, metaspace, code) */
#define OOM_EXIT_CODE 3         /* -XX:+ExitOnOutOfMemoryError */
#define RECENT_JOBS 100         /* the p50 of recent executions is over this many */
#define MAX_SLOTS (64 + 4)      /* jvms + spare_jvms, as zr_runner_setup bounds them */

typedef struct {
    zr_runner_jvm_t *jvm;       /* NULL while the slot is down */
    zr_runner_cgroup_t *cgroup; /* NULL when the machine has none */
    char workdir[PATH_MAX];
    char log_path[PATH_MAX];
    bool background;            /* at SCHED_IDLE, not yet given a job: a spare starting, or any JVM ready */
    int64_t background_until;   /* ...and while it is not ready, at most until then */
} slot_t;

typedef struct {
    uint64_t id;                    /* the pool's own: unique in the JVM protocol */
    zframe_t *frame;                /* the WORK_REQUEST as it came */
    zr_work_request_msg_t request;  /* decoded; its source points into frame */
} job_t;

typedef struct {
    uint64_t jobs, ok, compile_errors, runtime_errors, limits, internal, timeouts, deaths, spawns;
    uint64_t malformed, recycles;
    zr_histogram_t compile, run;    /* as the JVMs measured each job */
    zr_window_t recent;             /* compile + run of the latest jobs, ms */
} stats_t;

typedef struct {
    zsock_t *pipe;
    zr_runner_setup_t *setup;
    zr_runner_config_t config;  /* setup's, for short access */
    zr_log_t *log;
    zr_clock_t clock;
    zr_runner_sched_t *sched;
    slot_t *slots;
    int slot_count;             /* jvms + spare_jvms */
    zhash_t *jobs;              /* "%016llx" job id -> job_t */
    uint64_t last_job_id;
    bool started, terminated;
    stats_t stats;
    zr_events_t *events;        /* JVM starts, recycles and kills (NULL: no monitor) */
} pool_t;

/* ---- jobs and answers ---- */

static void job_key(uint64_t id, char key[17])
{
    snprintf(key, 17, "%016llx", (unsigned long long) id);
}

static void job_free(void *item)
{
    job_t *job = item;
    zframe_destroy(&job->frame);
    free(job);
}

static job_t *job_find(pool_t *self, uint64_t id)
{
    char key[17];
    job_key(id, key);
    return zhash_lookup(self->jobs, key);
}

static void count_answer(pool_t *self, zr_job_status_t status)
{
    uint64_t *counter[] = { &self->stats.ok, &self->stats.compile_errors, &self->stats.runtime_errors,
                            &self->stats.limits, &self->stats.internal };
    (*counter[status <= ZR_JOB_INTERNAL ? status : ZR_JOB_INTERNAL])++;
}

/* The WORK_RESULT of a job: the request's names, this node as the worker. */
static zr_work_result_msg_t result_of(const pool_t *self, const job_t *job, zr_job_status_t status,
                                      const char *body, size_t body_len)
{
    const zr_work_request_msg_t *request = &job->request;
    return (zr_work_result_msg_t) {
        .request_id = request->request_id, .gateway_id = request->gateway_id,
        .leader_id = request->leader_id, .leader_epoch = request->leader_epoch,
        .worker_id = self->config.node_id, .status = status,
        .http_status = (uint16_t) zr_job_status_http(status), .body = { body, body_len },
    };
}

/* Sends the job's RESULT to the owner and forgets the job. An answer too large for the wire
 * (a runner configured with a huge output limit) becomes a LIMIT answer saying so. */
static void answer(pool_t *self, uint64_t id, zr_job_status_t status, const char *body, size_t body_len,
                   const zr_runner_reply_t *reply)
{
    job_t *job = job_find(self, id);
    if (!job)
        return;
    zr_work_result_msg_t result = result_of(self, job, status, body, body_len);
    if (reply) {
        zr_histogram_observe_ms(&self->stats.compile, reply->compile_ms);
        zr_histogram_observe_ms(&self->stats.run, reply->run_ms);
        zr_window_add(&self->stats.recent, (double) reply->compile_ms + (double) reply->run_ms);
        result.out = (zr_wire_bytes_t) { (const char *) reply->out, reply->out_len };
        result.err = (zr_wire_bytes_t) { (const char *) reply->err, reply->err_len };
        result.compile_ms = reply->compile_ms;
        result.run_ms = reply->run_ms;
    }
    if (zr_inproc_result_send(self->pipe, &result) != 0) {
        static const char too_large[] = "Output limit exceeded: the answer is larger than the wire allows";
        status = ZR_JOB_LIMIT;
        result = result_of(self, job, status, too_large, sizeof too_large - 1);
        zr_inproc_result_send(self->pipe, &result);
    }
    count_answer(self, status);
    zr_debug(self->log, "request %llu (job %llu): %s", (unsigned long long) job->request.request_id,
             (unsigned long long) id, zr_job_status_name(status));
    char key[17];
    job_key(id, key);
    zhash_delete(self->jobs, key);
}

/* The request a job runs (0 if the job is gone), for logs and events. */
static uint64_t request_of(pool_t *self, uint64_t job_id)
{
    job_t *job = job_find(self, job_id);
    return job ? job->request.request_id : 0;
}

static void answer_text(pool_t *self, uint64_t id, zr_job_status_t status, const char *text)
{
    zr_info(self->log, "request %llu (job %llu): %s: %s", (unsigned long long) request_of(self, id),
            (unsigned long long) id, zr_job_status_name(status), text);
    answer(self, id, status, text, strlen(text), NULL);
}

/* ---- slots: directories, processes ---- */

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void) st; (void) type; (void) ftw;
    remove(path);
    return 0;
}

/* Empties (or creates) the slot's scratch directory. */
static int fresh_workdir(const slot_t *slot)
{
    nftw(slot->workdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return mkdir(slot->workdir, 0700) == 0 ? 0 : -1;
}

static void slot_init(pool_t *self, int index)
{
    slot_t *slot = &self->slots[index];
    snprintf(slot->workdir, sizeof slot->workdir, "%s/node%d-pid%d-jvm%d", self->config.scratch_dir,
             self->config.node_id, (int) getpid(), index);
    if (self->config.log_dir)
        snprintf(slot->log_path, sizeof slot->log_path, "%s/node-%d-runner-jvm%d.log",
                 self->config.log_dir, self->config.node_id, index);
    char name[64], why[256];
    snprintf(name, sizeof name, "node%d-pid%d-jvm%d", self->config.node_id, (int) getpid(), index);
    long tasks = JVM_BASE_TASKS + self->config.max_threads;
    long memory = ((long) self->config.heap_mb + JVM_NATIVE_MB) << 20;
    slot->cgroup = zr_runner_cgroup_new(name, tasks, memory, why, sizeof why);
    if (!slot->cgroup && index == 0)
        zr_warn(self->log, "JVMs run without cgroup caps: %s", why);
}

/* kill -9 and reap the slot's JVM; returns waitpid's status. */
static int slot_kill(slot_t *slot)
{
    int status = 0;
    zr_runner_jvm_destroy(&slot->jvm, &status);
    return status;
}

static void slot_fini(slot_t *slot)
{
    if (slot->jvm)
        slot_kill(slot);
    zr_runner_cgroup_destroy(&slot->cgroup);
    nftw(slot->workdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* JVMs that are warm (running a job or ready for one). */
static int working_jvms(const pool_t *self)
{
    return zr_runner_sched_count(self->sched, ZR_SLOT_IDLE) + zr_runner_sched_count(self->sched, ZR_SLOT_BUSY);
}

/* JVMs warm, or starting at the work's priority: those that will fill the working set. */
static int foreground_jvms(const pool_t *self)
{
    int count = 0;
    for (int i = 0; i < self->slot_count; i++) {
        zr_slot_state_t state = zr_runner_sched_state(self->sched, i);
        count += state == ZR_SLOT_IDLE || state == ZR_SLOT_BUSY
                 || (state == ZR_SLOT_STARTING && !self->slots[i].background);
    }
    return count;
}

/* A JVM may be put on idle CPU (SCHED_IDLE) only where the pool may raise it again when it is
 * needed: that takes CAP_SYS_NICE (here: root). */
static bool may_use_idle_cpu(void)
{
    return geteuid() == 0;
}

/* A spare (a slot past `jvms` at start; later, any JVM started while the pool has its full working
 * set) starts on idle CPU, so the jobs running beside it keep theirs. */
static bool spare_in_background(const pool_t *self, int index)
{
    bool spare = self->started ? working_jvms(self) >= self->config.jvms : index >= self->config.jvms;
    return spare && may_use_idle_cpu();
}

/* Every JVM, once ready and until its first job, runs the warm-up burst on idle CPU. */
static int idle_warm_up_jobs(const pool_t *self)
{
    return may_use_idle_cpu() ? self->config.idle_warm_up_jobs : 0;
}

/* A spare refill takes its first job, or the pool is short of warm JVMs: it works at the work's
 * priority from now on. */
static void to_work_priority(pool_t *self, int index)
{
    slot_t *slot = &self->slots[index];
    if (!slot->background || !slot->jvm)
        return;
    slot->background = false;
    if (zr_runner_jvm_to_work_priority(slot->jvm, self->config.nice) != 0)
        zr_warn(self->log, "JVM %d: could not raise it from SCHED_IDLE: %s", index, strerror(errno));
    else
        zr_debug(self->log, "JVM %d: now at the work's priority", index);
}

static void spawn(pool_t *self, int index)
{
    slot_t *slot = &self->slots[index];
    int64_t now = zr_clock_now_ms(&self->clock);
    slot->background = spare_in_background(self, index);
    slot->background_until = now + BACKGROUND_START_MS;
    zr_runner_jvm_spec_t spec = {
        .java = self->setup->java, .classes_dir = self->config.classes_dir, .workdir = slot->workdir,
        .log_path = slot->log_path[0] ? slot->log_path : NULL, .heap_mb = self->config.heap_mb,
        .output_limit = self->config.output_limit, .max_threads = self->config.max_threads,
        .nice = self->config.nice, .no_security_manager = self->config.no_security_manager,
        .extra_flags = getenv("ZRUN_RUNNER_JVM_FLAGS"), .background = slot->background,
        .c1_only = self->config.c1_only, .idle_warm_up_jobs = idle_warm_up_jobs(self),
    };
    zr_runner_cgroup_join_fds(slot->cgroup, spec.cgroup_fds);
    zr_runner_cgroup_mark(slot->cgroup);
    char err[256] = "cannot create its scratch directory";
    zr_runner_sched_spawned(self->sched, index, now);
    if (fresh_workdir(slot) == 0)
        slot->jvm = zr_runner_jvm_spawn(&spec, err, sizeof err);
    self->stats.spawns++;
    if (!slot->jvm) {
        uint64_t lost;
        zr_error(self->log, "JVM %d: cannot start: %s", index, err);
        zr_runner_sched_died(self->sched, index, now, &lost);
        return;
    }
    zr_info(self->log, "JVM %d: started pid %d%s", index, (int) zr_runner_jvm_pid(slot->jvm),
            slot->background ? " (a spare: idle CPU only until it takes a job)" : "");
    zr_event_emit(self->events, ZR_EVENT_JVM_START, "slot=%d pid=%d", index, (int) zr_runner_jvm_pid(slot->jvm));
}

/* Why a JVM that was running a job ended, as the job's answer. */
static void describe_end(pool_t *self, const slot_t *slot, int status, char *text, size_t size)
{
    if (WIFEXITED(status) && WEXITSTATUS(status) == OOM_EXIT_CODE)
        snprintf(text, size, "Memory limit exceeded: the job ran out of the %d MB heap "
                 "(java.lang.OutOfMemoryError)", self->config.heap_mb);
    else if (zr_runner_cgroup_tasks_refused(slot->cgroup))
        snprintf(text, size, "Thread limit exceeded: the JVM reached its task limit of %d threads "
                 "beyond its own", self->config.max_threads);
    else if (zr_runner_cgroup_memory_killed(slot->cgroup))
        snprintf(text, size, "Memory limit exceeded: the JVM used more than %d MB of memory",
                 self->config.heap_mb + JVM_NATIVE_MB);
    else if (WIFSIGNALED(status))
        snprintf(text, size, "Runner failure: the JVM running this job was killed by signal %d",
                 WTERMSIG(status));
    else
        snprintf(text, size, "Runner failure: the JVM running this job exited with status %d",
                 WEXITSTATUS(status));
}

/* The slot's JVM is gone or untrustworthy: kill it, answer its job (if any), let sched respawn. */
static void jvm_ended(pool_t *self, int index, const char *why)
{
    slot_t *slot = &self->slots[index];
    int status = slot_kill(slot);
    char text[256];
    describe_end(self, slot, status, text, sizeof text);
    uint64_t job_id;
    self->stats.deaths++;
    zr_warn(self->log, "JVM %d: %s (%s)", index, why, text);
    bool had_job = zr_runner_sched_died(self->sched, index, zr_clock_now_ms(&self->clock), &job_id);
    zr_event_emit_reason(self->events, ZR_EVENT_JVM_KILL, text, "slot=%d request=%llu why=%s", index,
                         (unsigned long long) (had_job ? request_of(self, job_id) : 0), why);
    if (had_job)
        answer_text(self, job_id, ZR_JOB_LIMIT, text);
}

/* ---- replies from a JVM ---- */

static void on_done(pool_t *self, int index, const zr_runner_reply_t *reply)
{
    uint64_t job_id;
    if (!zr_runner_sched_job(self->sched, index, &job_id) || job_id != reply->job_id) {
        jvm_ended(self, index, "answered a job it was not given");
        return;
    }
    bool recycle = reply->flags & ZR_RUNNER_FLAG_RECYCLE;
    answer(self, job_id, (zr_job_status_t) reply->status, (const char *) reply->body, reply->body_len, reply);
    if (zr_runner_sched_done(self->sched, index, recycle, zr_clock_now_ms(&self->clock))) {
        zr_info(self->log, "JVM %d: replaced (%s)", index, recycle ? "job left threads or files" : "job quota");
        self->stats.recycles++;
        zr_event_emit(self->events, ZR_EVENT_JVM_RECYCLE, "slot=%d reason=%s", index, recycle ? "leftovers" : "quota");
        slot_kill(&self->slots[index]);
    }
}

/* A JVM said it is warm. With an idle warm-up burst, and no job waiting for it, it goes on warming
 * on idle CPU until its first job raises it. A move that failed half done is undone, and a spare
 * raised before its child lowered itself is raised again; a spare with a job waiting, by the job. */
static void on_ready(pool_t *self, int index, unsigned warmup_ms)
{
    slot_t *slot = &self->slots[index];
    zr_info(self->log, "JVM %d: ready after %u ms of warm-up", index, warmup_ms);
    bool to_idle_cpu = idle_warm_up_jobs(self) > 0 && zr_runner_sched_queued(self->sched) == 0;
    bool raised_too_early = !slot->background && sched_getscheduler(zr_runner_jvm_pid(slot->jvm)) == SCHED_IDLE;
    if (to_idle_cpu && zr_runner_jvm_to_idle_cpu(slot->jvm) == 0) {
        slot->background = true;
        zr_debug(self->log, "JVM %d: warms on idle CPU until its first job", index);
    } else if (to_idle_cpu || raised_too_early) {
        if (to_idle_cpu)
            zr_warn(self->log, "JVM %d: could not put it on idle CPU (%s): it stays at the work's priority",
                    index, strerror(errno));
        slot->background = true;
        to_work_priority(self, index);
    }
    zr_runner_sched_ready(self->sched, index, zr_clock_now_ms(&self->clock));
}

/* Handles every whole frame buffered from the slot's JVM. */
static void drain_replies(pool_t *self, int index)
{
    slot_t *slot = &self->slots[index];
    zr_runner_reply_t reply;
    while (slot->jvm) {
        zr_runner_reply_kind_t kind = zr_runner_jvm_reply(slot->jvm, &reply);
        if (kind == ZR_RUNNER_REPLY_PARTIAL)
            return;
        if (kind == ZR_RUNNER_REPLY_BAD) {
            jvm_ended(self, index, "sent a malformed reply");
            return;
        }
        if (kind == ZR_RUNNER_REPLY_READY)
            on_ready(self, index, reply.warmup_ms);
        zr_runner_jvm_consume(slot->jvm, &reply);   /* before on_done may kill the JVM */
        if (kind == ZR_RUNNER_REPLY_DONE)
            on_done(self, index, &reply);
    }
}

static void on_readable(pool_t *self, int index)
{
    slot_t *slot = &self->slots[index];
    int rc = zr_runner_jvm_fill(slot->jvm);
    drain_replies(self, index);
    if (rc != 0 && slot->jvm)
        jvm_ended(self, index, "ended");
}

static void on_writable(pool_t *self, int index)
{
    if (zr_runner_jvm_flush(self->slots[index].jvm) != 0)
        jvm_ended(self, index, "stopped reading its jobs");
}

/* ---- decisions ---- */

static void run_assignment(pool_t *self, int index, uint64_t job_id)
{
    job_t *job = job_find(self, job_id);
    slot_t *slot = &self->slots[index];
    const zr_wire_bytes_t *source = &job->request.source;
    to_work_priority(self, index);
    if (zr_runner_jvm_send(slot->jvm, job_id, source->data, source->size) != 0) {
        zr_runner_sched_done(self->sched, index, false, zr_clock_now_ms(&self->clock));
        answer_text(self, job_id, ZR_JOB_INTERNAL, "source too large to hand to a JVM");
        return;
    }
    on_writable(self, index);
}

static void run_expiry(pool_t *self, zr_expiry_t expiry, int index, uint64_t job_id)
{
    slot_kill(&self->slots[index]);
    if (expiry == ZR_EXPIRY_START) {
        zr_error(self->log, "JVM %d: not ready within %d ms; killed", index, START_MS);
        zr_event_emit_reason(self->events, ZR_EVENT_JVM_KILL, "not ready in time", "slot=%d", index);
        return;
    }
    char text[128];
    snprintf(text, sizeof text, "Time limit exceeded: run() did not return within %d ms", self->config.wall_ms);
    self->stats.timeouts++;
    zr_event_emit_reason(self->events, ZR_EVENT_JVM_KILL, text, "slot=%d request=%llu", index,
                         (unsigned long long) request_of(self, job_id));
    answer_text(self, job_id, ZR_JOB_LIMIT, text);
}

/* A spare still starting on idle CPU (SCHED_IDLE). */
static bool starting_in_background(const pool_t *self, int index)
{
    return self->slots[index].background && zr_runner_sched_state(self->sched, index) == ZR_SLOT_STARTING;
}

/* JVMs on idle CPU go to the work's priority when the pool is short of working JVMs (they are
 * needed now), and a starting spare that idle CPU starved (a busy machine) after BACKGROUND_START_MS. */
static void raise_when_needed(pool_t *self, int64_t now)
{
    bool short_of_jvms = foreground_jvms(self) < self->config.jvms;
    for (int i = 0; i < self->slot_count; i++) {
        bool starved = starting_in_background(self, i) && now >= self->slots[i].background_until;
        if (starved && !short_of_jvms)
            zr_info(self->log, "JVM %d: not ready after %d ms on idle CPU (a busy machine): it warms at the "
                    "work's priority", i, BACKGROUND_START_MS);
        if (self->slots[i].background && (short_of_jvms || starved))
            to_work_priority(self, i);
    }
}

/* Carries out every decision that is due, until none is. */
static void decide(pool_t *self)
{
    int64_t now = zr_clock_now_ms(&self->clock);
    int index;
    uint64_t job_id;
    zr_expiry_t expiry;
    while ((expiry = zr_runner_sched_next_expiry(self->sched, now, &index, &job_id)) != ZR_EXPIRY_NONE)
        run_expiry(self, expiry, index, job_id);
    while (zr_runner_sched_next_abandoned(self->sched, &job_id))
        answer_text(self, job_id, ZR_JOB_INTERNAL, "No Java runner could be started on this node");
    while (zr_runner_sched_next_spawn(self->sched, now, &index))
        spawn(self, index);
    raise_when_needed(self, now);
    while (zr_runner_sched_next_assignment(self->sched, now, &index, &job_id))
        run_assignment(self, index, job_id);
}

/* ---- the owner's commands ---- */

/* A WORK_REQUEST to run; a frame that is none cannot be answered (it names no job): dropped. */
static void on_run(pool_t *self, zframe_t **frame)
{
    zr_proto_msg_t decoded;
    if (zr_proto_frame_decode(*frame, &decoded) != ZR_DECODE_OK || decoded.type != ZR_MSG_WORK_REQUEST) {
        zr_warn(self->log, "RUN without a valid work request dropped");
        self->stats.malformed++;
        return;
    }
    job_t *job = calloc(1, sizeof *job);
    job->id = ++self->last_job_id;
    job->frame = *frame;
    *frame = NULL;
    job->request = decoded.work_request;
    char key[17];
    job_key(job->id, key);
    zhash_insert(self->jobs, key, job);
    zhash_freefn(self->jobs, key, job_free);
    self->stats.jobs++;
    zr_debug(self->log, "request %llu: queued as job %llu", (unsigned long long) job->request.request_id,
             (unsigned long long) job->id);
    zr_runner_sched_submit(self->sched, job->id);
}

static long total_rss_kb(const pool_t *self)
{
    long total = 0;
    for (int i = 0; i < self->slot_count; i++) {
        long kb = self->slots[i].jvm ? zr_runner_jvm_rss_kb(self->slots[i].jvm) : -1;
        total += kb > 0 ? kb : 0;
    }
    return total;
}

static void on_stats(pool_t *self)
{
    const stats_t *s = &self->stats;
    zr_pool_stats_t stats = {
        .jvms = (uint32_t) self->config.jvms,
        .idle = (uint32_t) zr_runner_sched_count(self->sched, ZR_SLOT_IDLE),
        .busy = (uint32_t) zr_runner_sched_count(self->sched, ZR_SLOT_BUSY),
        .starting = (uint32_t) zr_runner_sched_count(self->sched, ZR_SLOT_STARTING),
        .queued = (uint32_t) zr_runner_sched_queued(self->sched),
        .jobs = s->jobs, .ok = s->ok, .compile_errors = s->compile_errors,
        .runtime_errors = s->runtime_errors, .limits = s->limits, .internal = s->internal,
        .timeouts = s->timeouts, .deaths = s->deaths, .spawns = s->spawns, .recycles = s->recycles,
        .rss_kb = total_rss_kb(self), .compile = s->compile, .run = s->run, .recent_p50_ms = -1,
    };
    zr_window_percentile(&s->recent, 0.5, &stats.recent_p50_ms);
    zr_inproc_pool_stats_reply(self->pipe, &stats);
}

static void on_pipe(pool_t *self)
{
    zr_inproc_command_t command;
    if (!zr_inproc_command_recv(self->pipe, &command) || zr_inproc_is(&command, ZR_CMD_TERM))
        self->terminated = true;
    else if (zr_inproc_is(&command, ZR_CMD_RUN))
        on_run(self, &command.frame);
    else if (zr_inproc_is(&command, ZR_CMD_STATS))
        on_stats(self);
    else
        zr_warn(self->log, "unknown command '%s'", command.name);
    zr_inproc_command_fini(&command);
}

/* ---- the loop ---- */

typedef struct {
    zmq_pollitem_t items[1 + 2 * MAX_SLOTS];
    int slot_of[1 + 2 * MAX_SLOTS];
    int count;
} poll_set_t;

/* The pipe (once started), each live JVM's answers, and its job pipe while a job is being written.
 * zmq_poll rather than zpoller: the job pipes need POLLOUT. */
static void build_poll_set(const pool_t *self, poll_set_t *set)
{
    set->count = 0;
    if (self->started) {
        set->items[0] = (zmq_pollitem_t) { .socket = zsock_resolve(self->pipe), .events = ZMQ_POLLIN };
        set->slot_of[set->count++] = -1;
    }
    for (int i = 0; i < self->slot_count; i++) {
        zr_runner_jvm_t *jvm = self->slots[i].jvm;
        if (!jvm)
            continue;
        set->items[set->count] = (zmq_pollitem_t) { .fd = zr_runner_jvm_read_fd(jvm), .events = ZMQ_POLLIN };
        set->slot_of[set->count++] = i;
        if (zr_runner_jvm_writing(jvm)) {
            set->items[set->count] = (zmq_pollitem_t) { .fd = zr_runner_jvm_write_fd(jvm), .events = ZMQ_POLLOUT };
            set->slot_of[set->count++] = i;
        }
    }
}

static void handle_events(pool_t *self, const poll_set_t *set)
{
    for (int i = 0; i < set->count; i++) {
        const zmq_pollitem_t *item = &set->items[i];
        int index = set->slot_of[i];
        if (index < 0 && (item->revents & ZMQ_POLLIN)) {
            while (!self->terminated && (zsock_events(self->pipe) & ZMQ_POLLIN))
                on_pipe(self);
        } else if (index >= 0 && self->slots[index].jvm && item->fd == zr_runner_jvm_read_fd(self->slots[index].jvm)
                   && item->revents) {
            on_readable(self, index);
        } else if (index >= 0 && self->slots[index].jvm && item->revents) {
            on_writable(self, index);
        }
    }
}

static long poll_timeout(const pool_t *self, int64_t start_deadline)
{
    int64_t now = zr_clock_now_ms(&self->clock);
    int64_t timeout = zr_runner_sched_timeout(self->sched, now);
    for (int i = 0; i < self->slot_count; i++) {   /* a starting spare that may be starved */
        int64_t left = self->slots[i].background_until > now ? self->slots[i].background_until - now : 0;
        if (starting_in_background(self, i))
            timeout = timeout < 0 || left < timeout ? left : timeout;
    }
    if (!self->started) {
        int64_t left = start_deadline > now ? start_deadline - now : 0;
        timeout = timeout < 0 || left < timeout ? left : timeout;
    }
    return (long) timeout;
}

/* Until the owner is told: true once a JVM is ready; false (and the owner told why) if none can be. */
static bool check_started(pool_t *self, int64_t start_deadline)
{
    if (self->started)
        return true;
    if (zr_runner_sched_count(self->sched, ZR_SLOT_IDLE) > 0) {
        self->started = true;
        zr_info(self->log, "runner pool ready");
        zr_actor_ready(self->pipe);
        return true;
    }
    if (zr_runner_sched_hopeless(self->sched) || zr_clock_now_ms(&self->clock) >= start_deadline) {
        char reason[PATH_MAX + 64];
        snprintf(reason, sizeof reason, "no runner JVM could be started (%s, see the runner log)",
                 self->setup->java);
        zr_error(self->log, "%s", reason);
        zr_actor_failed(self->pipe, reason);
        return false;
    }
    return true;
}

static void run_loop(pool_t *self)
{
    int64_t start_deadline = zr_clock_now_ms(&self->clock) + START_MS * (GIVE_UP_FAILURES + 1);
    poll_set_t set;
    decide(self);
    while (!self->terminated) {
        if (!check_started(self, start_deadline))
            return;
        build_poll_set(self, &set);
        int rc = zmq_poll(set.items, set.count, poll_timeout(self, start_deadline));
        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0)
            handle_events(self, &set);
        decide(self);
    }
}

/* ---- setup ---- */

static pool_t *pool_new(zsock_t *pipe, zr_runner_setup_t *setup)
{
    pool_t *self = calloc(1, sizeof *self);
    const zr_runner_config_t *config = &setup->config;
    self->pipe = pipe;
    self->setup = setup;
    self->config = *config;
    self->clock = zr_clock_monotonic();
    self->log = zr_log_open(config->log_dir, config->node_id, "runner");
    zr_runner_sched_config_t sched = {
        .wall_ms = config->wall_ms, .start_ms = START_MS, .jobs_per_jvm = config->jobs_per_jvm,
        .retry_ms = RETRY_MS, .retry_max_ms = RETRY_MAX_MS, .give_up_failures = GIVE_UP_FAILURES,
        .busy_max = config->jvms, .refill_delay_ms = REFILL_DELAY_MS,
    };
    self->slot_count = config->jvms + config->spare_jvms;
    self->sched = zr_runner_sched_new(self->slot_count, &sched);
    self->slots = calloc((size_t) self->slot_count, sizeof *self->slots);
    self->jobs = zhash_new();
    zr_window_init(&self->stats.recent, RECENT_JOBS);
    self->events = zr_events_open_prefix(config->event_prefix);
    return self;
}

static void pool_destroy(pool_t **self_p)
{
    pool_t *self = *self_p;
    for (int i = 0; self->slots && i < self->slot_count; i++)
        slot_fini(&self->slots[i]);
    free(self->slots);
    zr_runner_sched_destroy(&self->sched);
    zhash_destroy(&self->jobs);
    zr_events_close(&self->events);
    zr_log_close(&self->log);
    zr_runner_setup_destroy(&self->setup);
    free(self);
    *self_p = NULL;
}

/* Said once, loudly (log and stderr), when the JVMs' files cannot be walled off by the kernel. */
static void warn_about_files(pool_t *self)
{
    const char *problem = zr_runner_jail_files_problem(zr_runner_jail_probe_files());
    if (!problem)
        return;
    zr_error(self->log, "JVMs' files: %s", problem);
    fprintf(stderr, "zrun: WARNING: runner JVMs' files: %s\n", problem);
}

static void zr_runner_pool_actor(zsock_t *pipe, void *args)
{
    zr_actor_name("runner-pool");
    sigset_t pipe_only;   /* writes to a dead JVM's pipe fail with EPIPE instead of killing the process */
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, NULL);
    pool_t *self = pool_new(pipe, args);
    char why[PATH_MAX + 128];
    if (zr_runner_setup_check(self->setup, why, sizeof why) != 0) {
        zr_error(self->log, "%s", why);
        zr_actor_failed(pipe, why);
    } else {
        zr_runner_cgroup_sweep();
        warn_about_files(self);
        for (int i = 0; i < self->slot_count; i++)
            slot_init(self, i);
        zr_info(self->log, "starting %d JVMs and %d spare (%s, heap %d MB, wall %d ms)", self->config.jvms,
                self->config.spare_jvms, self->setup->java, self->config.heap_mb, self->config.wall_ms);
        run_loop(self);
    }
    pool_destroy(&self);
}

zactor_t *zr_runner_pool_new(const zr_runner_config_t *config)
{
    char err[PATH_MAX + 128];   /* the actor has logged why already */
    return zr_actor_start(zr_runner_pool_actor, zr_runner_setup_new(config), err, sizeof err);
}
