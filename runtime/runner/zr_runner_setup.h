/* zr_runner_setup: a runner pool's configuration made whole before its actor starts.
 * Owns defaults for unset fields, private copies of the strings, and the checks (java, classes, scratch). */
#ifndef ZR_RUNNER_SETUP_H
#define ZR_RUNNER_SETUP_H
#include <limits.h>
#include <stddef.h>
#include "runtime/runner/zr_runner_pool.h"

typedef struct {
    zr_runner_config_t config;   /* its strings are owned by this setup */
    char java[PATH_MAX];         /* the launcher's absolute path, set by zr_runner_setup_check */
} zr_runner_setup_t;

/* Copies config; zero or out-of-range numbers and NULL paths (but log_dir) take the defaults. */
zr_runner_setup_t *zr_runner_setup_new(const zr_runner_config_t *config);
void zr_runner_setup_destroy(zr_runner_setup_t **self_p);

/* Finds the launcher ($JAVA_HOME/bin, then $PATH), checks the runner classes are there and creates
 * the scratch directory. 0, or -1 with the reason in why. */
int zr_runner_setup_check(zr_runner_setup_t *self, char *why, size_t why_size);

#endif
