/* zr_keys: key directories: generation (zcert, libsodium's random bytes), loading with one-line
 * errors that name the file, and CURVE options on sockets. Loaded keys are read-only. */
#include "runtime/zr_keys.h"
#include <errno.h>
#include <sodium.h>
#include <sys/stat.h>

#define PATH_SIZE 700
#define ZAP_DOMAIN "zrun"

struct zr_keys {
    char public_dir[PATH_SIZE];
    uint8_t public_key[ZR_KEY_BYTES], secret_key[ZR_KEY_BYTES];
    uint8_t datagram[ZR_KEY_BYTES];
    size_t count;
    int ids[ZR_CONFIG_MAX_NODES];
    uint8_t publics[ZR_CONFIG_MAX_NODES][ZR_KEY_BYTES];
};

static void cert_path(char *path, const char *dir, const char *kind, int id)
{
    snprintf(path, PATH_SIZE, "%s/%s/node-%d.cert", dir, kind, id);
}

static void datagram_path(char *path, const char *dir)
{
    snprintf(path, PATH_SIZE, "%s/datagram.key", dir);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- generation ------------------------------------------------------------------------- */

/* Creates path (and its parents) with mode unless it exists. */
static int make_dir(const char *path, mode_t mode, char *err, size_t err_size)
{
    if (!exists(path) && (zsys_dir_create("%s", path) != 0 || chmod(path, mode) != 0)) {
        snprintf(err, err_size, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int cannot_write(const char *path, char *err, size_t err_size)
{
    snprintf(err, err_size, "%s: cannot write: %s", path, strerror(errno));
    return -1;
}

/* A secret file, created 0600 and never overwritten. */
static int write_secret_file(const char *path, const char *text, char *err, size_t err_size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    size_t length = strlen(text);
    if (fd < 0 || write(fd, text, length) != (ssize_t) length) {
        if (fd >= 0)
            close(fd);
        return cannot_write(path, err, err_size);
    }
    return close(fd);
}

static int generate_datagram_key(const char *dir, int *created, char *err, size_t err_size)
{
    char path[PATH_SIZE];
    datagram_path(path, dir);
    if (exists(path))
        return 0;
    uint8_t key[ZR_KEY_BYTES];
    char hex[2 * ZR_KEY_BYTES + 2];
    randombytes_buf(key, sizeof key);
    sodium_bin2hex(hex, sizeof hex, key, sizeof key);
    sodium_memzero(key, sizeof key);
    strcat(hex, "\n");
    int rc = write_secret_file(path, hex, err, err_size);
    sodium_memzero(hex, sizeof hex);
    *created += rc == 0;
    return rc;
}

/* A node's keypair: a new one, or the one its secret certificate already holds. */
static int generate_node(const char *dir, int id, int *created, char *err, size_t err_size)
{
    char secret[PATH_SIZE], public[PATH_SIZE];
    cert_path(secret, dir, "secret", id);
    cert_path(public, dir, "public", id);
    bool have_secret = exists(secret);
    if (have_secret && exists(public))
        return 0;
    zcert_t *cert = have_secret ? zcert_load(secret) : zcert_new();
    if (!cert) {
        snprintf(err, err_size, "%s: not a CURVE certificate", secret);
        return -1;
    }
    zcert_set_meta(cert, "zrun-node", "%d", id);
    int rc = 0;
    if (!have_secret && (zcert_save_secret(cert, secret) != 0 || chmod(secret, 0600) != 0))
        rc = cannot_write(secret, err, err_size);
    if (rc == 0 && zcert_save_public(cert, public) != 0)
        rc = cannot_write(public, err, err_size);
    *created += rc == 0 ? 1 + !have_secret : 0;
    zcert_destroy(&cert);
    return rc;
}

int zr_keys_generate(const char *dir, const int *ids, size_t count, int *created,
                     char *err, size_t err_size)
{
    *created = 0;
    char public_dir[PATH_SIZE], secret_dir[PATH_SIZE];
    snprintf(public_dir, sizeof public_dir, "%s/public", dir);
    snprintf(secret_dir, sizeof secret_dir, "%s/secret", dir);
    if (sodium_init() < 0) {
        snprintf(err, err_size, "libsodium cannot initialise");
        return -1;
    }
    if (make_dir(dir, 0700, err, err_size) || make_dir(public_dir, 0755, err, err_size)
        || make_dir(secret_dir, 0700, err, err_size)
        || generate_datagram_key(dir, created, err, err_size))
        return -1;
    for (size_t i = 0; i < count; i++)
        if (generate_node(dir, ids[i], created, err, err_size) != 0)
            return -1;
    return 0;
}

/* ---- loading ---------------------------------------------------------------------------- */

/* 0 if path can be opened for reading; otherwise the one-line reason in err. */
static int readable(const char *path, char *err, size_t err_size)
{
    FILE *file = fopen(path, "r");
    if (file) {
        fclose(file);
        return 0;
    }
    if (errno == ENOENT)
        snprintf(err, err_size, "%s: missing (zrun keygen DIR --config FILE makes the keys)", path);
    else
        snprintf(err, err_size, "%s: cannot read: %s", path, strerror(errno));
    return -1;
}

static zcert_t *load_cert(const char *path, char *err, size_t err_size)
{
    if (readable(path, err, err_size) != 0)
        return NULL;
    zcert_t *cert = zcert_load(path);
    if (!cert)
        snprintf(err, err_size, "%s: not a CURVE certificate", path);
    return cert;
}

static int load_own(zr_keys_t *self, const char *dir, int node_id, char *err, size_t err_size)
{
    char path[PATH_SIZE];
    cert_path(path, dir, "secret", node_id);
    zcert_t *cert = load_cert(path, err, err_size);
    if (!cert)
        return -1;
    static const uint8_t zero[ZR_KEY_BYTES];
    bool has_secret = memcmp(zcert_secret_key(cert), zero, ZR_KEY_BYTES) != 0;
    if (has_secret) {
        memcpy(self->public_key, zcert_public_key(cert), ZR_KEY_BYTES);
        memcpy(self->secret_key, zcert_secret_key(cert), ZR_KEY_BYTES);
    } else
        snprintf(err, err_size, "%s: holds no secret key", path);
    zcert_destroy(&cert);
    return has_secret ? 0 : -1;
}

static int load_publics(zr_keys_t *self, const char *dir, const zr_config_t *config,
                        int node_id, char *err, size_t err_size)
{
    for (size_t i = 0; i < config->node_count; i++) {
        char path[PATH_SIZE];
        int id = config->nodes[i].id;
        cert_path(path, dir, "public", id);
        zcert_t *cert = load_cert(path, err, err_size);
        if (!cert)
            return -1;
        memcpy(self->publics[i], zcert_public_key(cert), ZR_KEY_BYTES);
        self->ids[i] = id;
        zcert_destroy(&cert);
        if (id == node_id && memcmp(self->publics[i], self->public_key, ZR_KEY_BYTES) != 0) {
            snprintf(err, err_size, "%s: does not match %s/secret/node-%d.cert", path, dir, id);
            return -1;
        }
    }
    self->count = config->node_count;
    return 0;
}

static int load_datagram_key(zr_keys_t *self, const char *dir, char *err, size_t err_size)
{
    char path[PATH_SIZE], text[2 * ZR_KEY_BYTES + 8] = "";
    datagram_path(path, dir);
    if (readable(path, err, err_size) != 0)
        return -1;
    FILE *file = fopen(path, "r");
    size_t got = file ? fread(text, 1, sizeof text - 1, file) : 0;
    if (file)
        fclose(file);
    size_t decoded = 0;
    const char *end = NULL;
    bool ok = got >= 2 * ZR_KEY_BYTES
        && sodium_hex2bin(self->datagram, ZR_KEY_BYTES, text, got, "\n", &decoded, &end) == 0
        && decoded == ZR_KEY_BYTES && (size_t) (end - text) == got;
    sodium_memzero(text, sizeof text);
    if (!ok)
        snprintf(err, err_size, "%s: not a datagram key (64 hex digits expected)", path);
    return ok ? 0 : -1;
}

zr_keys_t *zr_keys_load(const zr_config_t *config, int node_id, char *err, size_t err_size)
{
    const char *dir = config->keys_dir;
    if (!*dir) {
        snprintf(err, err_size, "cluster/keys_dir is not set: make keys with zrun keygen DIR --config FILE "
                 "and set keys_dir = DIR, or set cluster/insecure = 1 to run without them");
        return NULL;
    }
    if (sodium_init() < 0) {
        snprintf(err, err_size, "libsodium cannot initialise");
        return NULL;
    }
    zr_keys_t *self = calloc(1, sizeof *self);
    snprintf(self->public_dir, sizeof self->public_dir, "%s/public", dir);
    if (load_own(self, dir, node_id, err, err_size) || load_publics(self, dir, config, node_id, err, err_size)
        || load_datagram_key(self, dir, err, err_size))
        zr_keys_destroy(&self);
    return self;
}

void zr_keys_destroy(zr_keys_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sodium_memzero(*self_p, sizeof **self_p);
    free(*self_p);
    *self_p = NULL;
}

const char *zr_keys_public_dir(const zr_keys_t *self)
{
    return self->public_dir;
}

const uint8_t *zr_keys_datagram_key(const zr_keys_t *self)
{
    return self->datagram;
}

/* ---- sockets ---------------------------------------------------------------------------- */

void zr_keys_curve_server(const zr_keys_t *keys, zsock_t *sock)
{
    if (!keys)
        return;
    int enforce = 1;
    zsock_set_curve_server(sock, 1);
    zsock_set_curve_publickey_bin(sock, keys->public_key);
    zsock_set_curve_secretkey_bin(sock, keys->secret_key);
    zsock_set_zap_domain(sock, ZAP_DOMAIN);
    zmq_setsockopt(zsock_resolve(sock), ZMQ_ZAP_ENFORCE_DOMAIN, &enforce, sizeof enforce);
}

bool zr_keys_curve_client(const zr_keys_t *keys, zsock_t *sock, int server_id)
{
    if (!keys)
        return true;
    for (size_t i = 0; i < keys->count; i++)
        if (keys->ids[i] == server_id) {
            zsock_set_curve_serverkey_bin(sock, keys->publics[i]);
            zsock_set_curve_publickey_bin(sock, keys->public_key);
            zsock_set_curve_secretkey_bin(sock, keys->secret_key);
            return true;
        }
    return false;
}
