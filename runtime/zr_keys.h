/* zr_keys: the cluster's key material: a CURVE keypair per node (czmq zcert files) and the
 * 32-byte datagram key; made by `zrun keygen`, loaded once per process, applied to TCP sockets. */
#ifndef ZR_KEYS_H
#define ZR_KEYS_H
#include <czmq.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "runtime/zr_config.h"

/* The layout of a key directory DIR:
 *   DIR/public/node-<id>.cert   every node's public certificate (zauth admits exactly these)
 *   DIR/secret/node-<id>.cert   every node's secret certificate (0600; a node needs only its own)
 *   DIR/datagram.key            the shared datagram key: 64 hex digits (0600) */
#define ZR_KEY_BYTES 32

typedef struct zr_keys zr_keys_t;

/* Creates what is missing in dir for the given node ids (existing keys are kept, so a running
 * cluster keeps working); *created counts the files written. -1 with a one-line reason. */
int zr_keys_generate(const char *dir, const int *ids, size_t count, int *created,
                     char *err, size_t err_size);

/* What a process of config with node_id needs: its own keypair, every node's public key and the
 * datagram key, from config->keys_dir. NULL with "<file>: <problem>" in err. */
zr_keys_t *zr_keys_load(const zr_config_t *config, int node_id, char *err, size_t err_size);
void zr_keys_destroy(zr_keys_t **self_p);

/* The directory of public certificates (for zauth) and the datagram key (32 bytes). */
const char *zr_keys_public_dir(const zr_keys_t *self);
const uint8_t *zr_keys_datagram_key(const zr_keys_t *self);

/* CURVE on a socket before it binds or connects. keys NULL (insecure): nothing is set.
 * A server admits only clients whose key zauth knows (ZAP enforced: no zauth, no entry). */
void zr_keys_curve_server(const zr_keys_t *keys, zsock_t *sock);
/* A client of server_id's socket; false (nothing set) if server_id has no key. */
bool zr_keys_curve_client(const zr_keys_t *keys, zsock_t *sock, int server_id);

#endif
