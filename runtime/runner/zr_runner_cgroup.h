/* zr_runner_cgroup: an optional kernel-enforced cap on one JVM slot's tasks (threads) and memory.
 * Best effort: cgroup v1 (pids and memory hierarchies) or v2; without either the pool runs uncapped. */
#ifndef ZR_RUNNER_CGROUP_H
#define ZR_RUNNER_CGROUP_H
#include <stdbool.h>
#include <stddef.h>

typedef struct zr_runner_cgroup zr_runner_cgroup_t;

/* Creates (or reuses) the cgroup(s) <root>/zrun/<name> with the caps. NULL with why set if the
 * machine offers no writable pids or memory controller. */
zr_runner_cgroup_t *zr_runner_cgroup_new(const char *name, long max_tasks, long memory_bytes,
                                         char *why, size_t why_size);
/* Removes groups left by pools that died without cleaning up: names "<prefix>pid<PID>-..." whose
 * PID no longer runs. Live pools' groups are never touched. */
void zr_runner_cgroup_sweep(void);
/* Removes the cgroups; their processes must be gone. */
void zr_runner_cgroup_destroy(zr_runner_cgroup_t **self_p);

/* The cgroup.procs descriptors a child writes "0" to, to join (-1 where absent). */
void zr_runner_cgroup_join_fds(const zr_runner_cgroup_t *self, int fds[2]);
/* Remembers the kernel's event counters; call when a JVM starts in this cgroup. */
void zr_runner_cgroup_mark(zr_runner_cgroup_t *self);
/* Since the mark: did the kernel kill for memory / refuse a task for the task cap? */
bool zr_runner_cgroup_memory_killed(const zr_runner_cgroup_t *self);
bool zr_runner_cgroup_tasks_refused(const zr_runner_cgroup_t *self);

#endif
