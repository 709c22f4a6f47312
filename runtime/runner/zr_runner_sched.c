/* zr_runner_sched: slot states, the FIFO job queue, deadlines and respawn back-off.
 * No I/O and no clock: the pool actor supplies now_ms and carries out each decision. */
#include "runtime/runner/zr_runner_sched.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
    zr_slot_state_t state;
    int64_t deadline;        /* STARTING: start deadline; BUSY: job deadline; DOWN: respawn time */
    int64_t idle_since;
    uint64_t job_id;         /* BUSY */
    int jobs_run;            /* since this JVM started */
    int start_failures;      /* in a row */
    bool refill;             /* DOWN: a spare's refill, due at deadline or once the pool falls short */
} slot_t;

struct zr_runner_sched {
    zr_runner_sched_config_t config;
    slot_t *slots;
    int slot_count;
    uint64_t *queue;         /* ring buffer */
    size_t head, count, capacity;
};

zr_runner_sched_t *zr_runner_sched_new(int slots, const zr_runner_sched_config_t *config)
{
    zr_runner_sched_t *self = calloc(1, sizeof *self);
    if (!self || slots < 1 || !(self->slots = calloc((size_t) slots, sizeof *self->slots))) {
        free(self);
        return NULL;
    }
    self->config = *config;
    self->slot_count = slots;
    return self;   /* every slot starts DOWN with deadline 0: due for its first spawn */
}

void zr_runner_sched_destroy(zr_runner_sched_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->slots);
    free((*self_p)->queue);
    free(*self_p);
    *self_p = NULL;
}

static slot_t *slot_at(const zr_runner_sched_t *self, int slot)
{
    return slot >= 0 && slot < self->slot_count ? &self->slots[slot] : NULL;
}

void zr_runner_sched_submit(zr_runner_sched_t *self, uint64_t job_id)
{
    if (self->count == self->capacity) {
        size_t capacity = self->capacity ? self->capacity * 2 : 64;
        uint64_t *queue = malloc(capacity * sizeof *queue);
        if (!queue)
            abort();
        for (size_t i = 0; i < self->count; i++)
            queue[i] = self->queue[(self->head + i) % self->capacity];
        free(self->queue);
        self->queue = queue;
        self->capacity = capacity;
        self->head = 0;
    }
    self->queue[(self->head + self->count) % self->capacity] = job_id;
    self->count++;
}

static uint64_t dequeue(zr_runner_sched_t *self)
{
    uint64_t job_id = self->queue[self->head];
    self->head = (self->head + 1) % self->capacity;
    self->count--;
    return job_id;
}

void zr_runner_sched_spawned(zr_runner_sched_t *self, int slot, int64_t now_ms)
{
    slot_t *s = slot_at(self, slot);
    if (!s || s->state != ZR_SLOT_DOWN)
        return;
    s->state = ZR_SLOT_STARTING;
    s->deadline = now_ms + self->config.start_ms;
    s->jobs_run = 0;
}

void zr_runner_sched_ready(zr_runner_sched_t *self, int slot, int64_t now_ms)
{
    slot_t *s = slot_at(self, slot);
    if (!s || s->state != ZR_SLOT_STARTING)
        return;
    s->state = ZR_SLOT_IDLE;
    s->idle_since = INT64_MIN;   /* fresh: its JIT saw only the warm-up, so it comes after every JVM
                                    that has worked (jobs go to the JVM idle last) */
    s->start_failures = 0;
    (void) now_ms;
}

/* DOWN, due for respawn after `delay` ms. */
static void take_down(slot_t *s, int64_t now_ms, int64_t delay)
{
    s->state = ZR_SLOT_DOWN;
    s->deadline = now_ms + delay;
    s->refill = false;
}

static int busy_max(const zr_runner_sched_t *self);

static int warm_slots(const zr_runner_sched_t *self)
{
    return zr_runner_sched_count(self, ZR_SLOT_IDLE) + zr_runner_sched_count(self, ZR_SLOT_BUSY);
}

/* A warm JVM (IDLE or BUSY) is gone: DOWN, respawned at once, or refill_delay_ms later when the
 * JVMs left still fill busy_max (then it only refills the spares). */
static void replace(zr_runner_sched_t *self, slot_t *s, int64_t now_ms)
{
    bool spare_refill = self->config.refill_delay_ms > 0 && warm_slots(self) - 1 >= busy_max(self);
    take_down(s, now_ms, spare_refill ? self->config.refill_delay_ms : 0);
    s->refill = spare_refill;
}

static int64_t retry_delay(const zr_runner_sched_t *self, int failures)
{
    int64_t delay = self->config.retry_ms;
    for (int i = 1; i < failures && delay < self->config.retry_max_ms; i++)
        delay *= 2;
    return delay < self->config.retry_max_ms ? delay : self->config.retry_max_ms;
}

static void failed_to_start(zr_runner_sched_t *self, slot_t *s, int64_t now_ms)
{
    s->start_failures++;
    take_down(s, now_ms, retry_delay(self, s->start_failures));
}

bool zr_runner_sched_done(zr_runner_sched_t *self, int slot, bool wants_recycle, int64_t now_ms)
{
    slot_t *s = slot_at(self, slot);
    if (!s || s->state != ZR_SLOT_BUSY)
        return false;
    s->jobs_run++;
    if (wants_recycle || s->jobs_run >= self->config.jobs_per_jvm) {
        replace(self, s, now_ms);
        return true;
    }
    s->state = ZR_SLOT_IDLE;
    s->idle_since = now_ms;
    return false;
}

bool zr_runner_sched_died(zr_runner_sched_t *self, int slot, int64_t now_ms, uint64_t *job_id)
{
    slot_t *s = slot_at(self, slot);
    if (!s || s->state == ZR_SLOT_DOWN)
        return false;
    bool had_job = s->state == ZR_SLOT_BUSY;
    if (had_job)
        *job_id = s->job_id;
    if (s->state == ZR_SLOT_STARTING)
        failed_to_start(self, s, now_ms);
    else
        replace(self, s, now_ms);
    return had_job;
}

static int busy_max(const zr_runner_sched_t *self)
{
    int max = self->config.busy_max;
    return max > 0 && max < self->slot_count ? max : self->slot_count;
}

/* Only spares are missing and another JVM is warming up: they wait for it (its ready or its death
 * is an event of its own, so no timer is needed). */
static bool spawns_deferred(const zr_runner_sched_t *self)
{
    int live = self->slot_count - zr_runner_sched_count(self, ZR_SLOT_DOWN);
    return live >= busy_max(self) && zr_runner_sched_count(self, ZR_SLOT_STARTING) > 0;
}

/* DOWN and its respawn is due: its time came, or it was put off as a refill and the pool is short. */
static bool spawn_due(const zr_runner_sched_t *self, const slot_t *s, int64_t now_ms)
{
    return s->state == ZR_SLOT_DOWN
           && (s->deadline <= now_ms || (s->refill && warm_slots(self) < busy_max(self)));
}

bool zr_runner_sched_next_spawn(zr_runner_sched_t *self, int64_t now_ms, int *slot)
{
    if (spawns_deferred(self))
        return false;
    for (int i = 0; i < self->slot_count; i++) {
        if (spawn_due(self, &self->slots[i], now_ms)) {
            *slot = i;
            return true;
        }
    }
    return false;
}

bool zr_runner_sched_next_assignment(zr_runner_sched_t *self, int64_t now_ms, int *slot, uint64_t *job_id)
{
    slot_t *best = NULL;
    int best_index = -1;
    for (int i = 0; i < self->slot_count; i++) {
        slot_t *s = &self->slots[i];
        if (s->state == ZR_SLOT_IDLE && (!best || s->idle_since > best->idle_since)) {
            best = s;
            best_index = i;
        }
    }
    if (!best || self->count == 0 || zr_runner_sched_count(self, ZR_SLOT_BUSY) >= busy_max(self))
        return false;
    *slot = best_index;
    best->state = ZR_SLOT_BUSY;
    best->job_id = *job_id = dequeue(self);
    best->deadline = now_ms + self->config.wall_ms;
    return true;
}

zr_expiry_t zr_runner_sched_next_expiry(zr_runner_sched_t *self, int64_t now_ms, int *slot, uint64_t *job_id)
{
    for (int i = 0; i < self->slot_count; i++) {
        slot_t *s = &self->slots[i];
        if (s->state == ZR_SLOT_BUSY && s->deadline <= now_ms) {
            *slot = i;
            *job_id = s->job_id;
            replace(self, s, now_ms);
            return ZR_EXPIRY_JOB;
        }
        if (s->state == ZR_SLOT_STARTING && s->deadline <= now_ms) {
            *slot = i;
            failed_to_start(self, s, now_ms);
            return ZR_EXPIRY_START;
        }
    }
    return ZR_EXPIRY_NONE;
}

bool zr_runner_sched_hopeless(const zr_runner_sched_t *self)
{
    for (int i = 0; i < self->slot_count; i++) {
        if (self->slots[i].start_failures < self->config.give_up_failures)
            return false;
    }
    return true;
}

bool zr_runner_sched_next_abandoned(zr_runner_sched_t *self, uint64_t *job_id)
{
    if (self->count == 0 || !zr_runner_sched_hopeless(self))
        return false;
    *job_id = dequeue(self);
    return true;
}

int64_t zr_runner_sched_timeout(const zr_runner_sched_t *self, int64_t now_ms)
{
    int64_t timeout = -1;
    bool deferred = spawns_deferred(self);
    for (int i = 0; i < self->slot_count; i++) {
        const slot_t *s = &self->slots[i];
        if (s->state == ZR_SLOT_IDLE || (s->state == ZR_SLOT_DOWN && deferred))
            continue;
        int64_t left = s->deadline > now_ms && !spawn_due(self, s, now_ms) ? s->deadline - now_ms : 0;
        if (timeout < 0 || left < timeout)
            timeout = left;
    }
    return timeout;
}

zr_slot_state_t zr_runner_sched_state(const zr_runner_sched_t *self, int slot)
{
    const slot_t *s = slot_at(self, slot);
    return s ? s->state : ZR_SLOT_DOWN;
}

bool zr_runner_sched_job(const zr_runner_sched_t *self, int slot, uint64_t *job_id)
{
    const slot_t *s = slot_at(self, slot);
    if (!s || s->state != ZR_SLOT_BUSY)
        return false;
    *job_id = s->job_id;
    return true;
}

int zr_runner_sched_count(const zr_runner_sched_t *self, zr_slot_state_t state)
{
    int n = 0;
    for (int i = 0; i < self->slot_count; i++)
        n += self->slots[i].state == state;
    return n;
}

size_t zr_runner_sched_queued(const zr_runner_sched_t *self)
{
    return self->count;
}
