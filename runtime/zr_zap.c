/* zr_zap: a mutex-guarded reference count around czmq's zauth: started by the first node of the
 * process that needs it, stopped by the last. The only state shared between threads here. */
#include "runtime/zr_zap.h"
#include "runtime/zr_actor.h"
#include <czmq.h>
#include <pthread.h>

static pthread_mutex_t zap_lock = PTHREAD_MUTEX_INITIALIZER;
static zactor_t *zap_auth;
static char zap_dir[700];
static int zap_references;

/* czmq's zauth in a thread of its own name (it would keep the name of the thread that starts it) */
static void named_zauth(zsock_t *pipe, void *certstore)
{
    zr_actor_name("zauth");
    zauth(pipe, certstore);
}

static int start_locked(const char *public_dir, char *err, size_t err_size)
{
    zap_auth = zactor_new(named_zauth, NULL);
    if (!zap_auth) {
        snprintf(err, err_size, "cannot start zauth");
        return -1;
    }
    zstr_sendx(zap_auth, "CURVE", public_dir, NULL);
    zsock_wait(zap_auth);
    snprintf(zap_dir, sizeof zap_dir, "%s", public_dir);
    return 0;
}

int zr_zap_acquire(const char *public_dir, char *err, size_t err_size)
{
    pthread_mutex_lock(&zap_lock);
    int rc = 0;
    if (zap_references == 0)
        rc = start_locked(public_dir, err, err_size);
    else if (strcmp(zap_dir, public_dir) != 0) {
        snprintf(err, err_size, "this process already admits the keys in %s, not %s: one key "
                 "directory per process", zap_dir, public_dir);
        rc = -1;
    }
    zap_references += rc == 0;
    pthread_mutex_unlock(&zap_lock);
    return rc;
}

void zr_zap_release(void)
{
    pthread_mutex_lock(&zap_lock);
    if (zap_references > 0 && --zap_references == 0)
        zactor_destroy(&zap_auth);
    pthread_mutex_unlock(&zap_lock);
}
