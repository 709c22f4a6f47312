/* zr_runner_sched: which warm JVM runs which job and when: the pool's decisions, without processes or clocks.
 * Pure: fed events with now_ms; answers spawns, assignments, expiries, abandoned jobs and the next timeout. */
#ifndef ZR_RUNNER_SCHED_H
#define ZR_RUNNER_SCHED_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { ZR_SLOT_DOWN, ZR_SLOT_STARTING, ZR_SLOT_IDLE, ZR_SLOT_BUSY } zr_slot_state_t;
typedef enum { ZR_EXPIRY_NONE, ZR_EXPIRY_JOB, ZR_EXPIRY_START } zr_expiry_t;

typedef struct {
    int wall_ms;           /* a job must be answered within this after it was handed to a JVM */
    int start_ms;          /* a new JVM must report ready within this */
    int jobs_per_jvm;      /* a JVM is replaced after this many jobs */
    int retry_ms;          /* delay before respawning a JVM that failed to start; doubles per failure */
    int retry_max_ms;      /* ... up to this */
    int give_up_failures;  /* once every slot failed to start this many times in a row, jobs are failed */
    int busy_max;          /* at most this many slots run jobs at once (0: all); the others are spares,
                            * warm and idle, so a JVM that is killed or recycled is replaced at once */
    int refill_delay_ms;   /* a JVM replaced while the others still fill busy_max is respawned this much
                            * later (so the job right after a kill does not share the CPU with a JVM
                            * starting), or at once when the pool falls short */
} zr_runner_sched_config_t;

typedef struct zr_runner_sched zr_runner_sched_t;

zr_runner_sched_t *zr_runner_sched_new(int slots, const zr_runner_sched_config_t *config);
void zr_runner_sched_destroy(zr_runner_sched_t **self_p);

/* Events. */
/* A job arrives; jobs wait in arrival order for an idle JVM. */
void zr_runner_sched_submit(zr_runner_sched_t *self, uint64_t job_id);
/* A JVM process was started in a DOWN slot: STARTING, with a start deadline. */
void zr_runner_sched_spawned(zr_runner_sched_t *self, int slot, int64_t now_ms);
/* The slot's JVM finished warming up: IDLE (chosen after every JVM that has run a job since it
 * was ready), and its slot's start failures are forgotten. */
void zr_runner_sched_ready(zr_runner_sched_t *self, int slot, int64_t now_ms);
/* The slot's JVM answered its job. True if it must be replaced now (it asked to be, or it ran
 * jobs_per_jvm jobs): the slot is then DOWN and due for respawn at once; otherwise IDLE. */
bool zr_runner_sched_done(zr_runner_sched_t *self, int slot, bool wants_recycle, int64_t now_ms);
/* The slot's JVM died or was killed. Sets *job_id and returns true if it was running a job.
 * One that dies before it is ready is respawned after a growing delay; others at once. */
bool zr_runner_sched_died(zr_runner_sched_t *self, int slot, int64_t now_ms, uint64_t *job_id);

/* Decisions: each call makes at most one; call again until it returns false / NONE. */
/* A DOWN slot whose respawn time has come. A spare (a slot beyond busy_max live ones) is refilled
 * only while no other JVM is starting, so it never slows the warm-up of the JVMs jobs need. */
bool zr_runner_sched_next_spawn(zr_runner_sched_t *self, int64_t now_ms, int *slot);
/* The oldest queued job and the JVM that went idle last (its JIT and caches are the warmest; at
 * low load one JVM does the work and gets fast), unless busy_max JVMs are busy already: the slot
 * becomes BUSY with a deadline. */
bool zr_runner_sched_next_assignment(zr_runner_sched_t *self, int64_t now_ms, int *slot, uint64_t *job_id);
/* A busy JVM past its job's deadline (JOB, *job_id set) or a JVM slow to start (START); either way
 * the slot is now DOWN and its process must be killed. */
zr_expiry_t zr_runner_sched_next_expiry(zr_runner_sched_t *self, int64_t now_ms, int *slot, uint64_t *job_id);
/* A queued job to fail because no JVM can be started (see give_up_failures). */
bool zr_runner_sched_next_abandoned(zr_runner_sched_t *self, uint64_t *job_id);
/* Milliseconds until the next timed decision (0 if one is due), or -1 if none is pending. */
int64_t zr_runner_sched_timeout(const zr_runner_sched_t *self, int64_t now_ms);

/* Queries. */
zr_slot_state_t zr_runner_sched_state(const zr_runner_sched_t *self, int slot);
/* The job a BUSY slot is running: true and *job_id set, false if the slot is not busy. */
bool zr_runner_sched_job(const zr_runner_sched_t *self, int slot, uint64_t *job_id);
int zr_runner_sched_count(const zr_runner_sched_t *self, zr_slot_state_t state);
size_t zr_runner_sched_queued(const zr_runner_sched_t *self);
/* True once every slot has failed to start give_up_failures times in a row. */
bool zr_runner_sched_hopeless(const zr_runner_sched_t *self);

#endif
