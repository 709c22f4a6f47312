/* zr_datagram_auth: the datagram envelope of proto/PROTOCOL.md: a message sealed with its
 * sender's id, incarnation and sequence and an HMAC-SHA-512-256 tag under the cluster's key. */
#ifndef ZR_DATAGRAM_AUTH_H
#define ZR_DATAGRAM_AUTH_H
#include <stddef.h>
#include <stdint.h>

/* [u8 envelope version 3][int64 sender id][u64 incarnation][u64 sequence][message][32-byte tag] */
#define ZR_DATAGRAM_ENVELOPE_VERSION 3
#define ZR_DATAGRAM_HEADER_SIZE 25
#define ZR_DATAGRAM_TAG_SIZE 32
#define ZR_DATAGRAM_OVERHEAD (ZR_DATAGRAM_HEADER_SIZE + ZR_DATAGRAM_TAG_SIZE)
#define ZR_DATAGRAM_KEY_SIZE 32

typedef struct {
    int64_t sender_id;       /* >= 0; must equal the sender id of the message inside */
    uint64_t incarnation;    /* the sender process's start (wall-clock ms) */
    uint64_t sequence;       /* per sender process, counting up */
} zr_datagram_stamp_t;

typedef enum {
    ZR_DATAGRAM_OK = 0,
    ZR_DATAGRAM_UNSEALED,    /* shorter than an envelope, or not envelope version 3 */
    ZR_DATAGRAM_FORGED,      /* the tag does not verify: wrong key, tampered, other group */
    ZR_DATAGRAM_BAD_SENDER,  /* verified, but the sender id is negative */
} zr_datagram_status_t;

/* Seals message (size bytes) for group into out[0..cap): *out_len = size + ZR_DATAGRAM_OVERHEAD.
 * -1 if cap is too small or the sender id is negative. Pure: no clock, no sockets. */
int zr_datagram_seal(const uint8_t key[ZR_DATAGRAM_KEY_SIZE], const char *group,
                     const zr_datagram_stamp_t *stamp, const uint8_t *message, size_t size,
                     uint8_t *out, size_t cap, size_t *out_len);
/* Verifies data as received on group; on OK, *stamp and the message (pointing into data). The
 * tag is compared in constant time; nothing but the tag is trusted before it verifies. */
zr_datagram_status_t zr_datagram_open(const uint8_t key[ZR_DATAGRAM_KEY_SIZE], const char *group,
                                      const uint8_t *data, size_t size, zr_datagram_stamp_t *stamp,
                                      const uint8_t **message, size_t *message_size);

#endif
