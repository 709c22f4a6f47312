/* zr_process_security: loads a process's keys, shares the context's zauth, or warns loudly that
 * the cluster runs without them. */
#include "actors/process/zr_process_security.h"
#include "runtime/zr_log.h"
#include "runtime/zr_zap.h"

static void warn_insecure(const zr_env_t *env)
{
    const char *warning = "cluster/insecure = 1: TCP without CURVE and datagrams without "
                          "authentication; anyone who reaches this node's ports can act as a member";
    zr_log_t *log = zr_log_open(env->config->log_dir, env->node_id, "security");
    zr_warn(log, "%s", warning);
    zr_log_close(&log);
    fprintf(stderr, "WARN node %d: %s\n", env->node_id, warning);
}

int zr_process_security_start(zr_env_t *env, zr_keys_t **keys, char *err, size_t err_size)
{
    env->keys = *keys = NULL;
    if (env->config->insecure) {
        warn_insecure(env);
        return 0;
    }
    if (!(*keys = zr_keys_load(env->config, env->node_id, err, err_size)))
        return -1;
    if (zr_zap_acquire(zr_keys_public_dir(*keys), err, err_size) != 0) {
        zr_keys_destroy(keys);
        return -1;
    }
    env->keys = *keys;
    zr_log_t *log = zr_log_open(env->config->log_dir, env->node_id, "security");
    zr_info(log, "members only: CURVE with the keys of %s, datagrams authenticated",
            zr_keys_public_dir(*keys));
    zr_log_close(&log);
    return 0;
}

void zr_process_security_stop(zr_env_t *env, zr_keys_t **keys)
{
    if (*keys)
        zr_zap_release();
    env->keys = NULL;
    zr_keys_destroy(keys);
}
