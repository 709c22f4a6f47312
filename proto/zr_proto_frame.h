/* zr_proto_frame: encode a proto message straight into a czmq frame, decode one from a frame.
 * The bridge between the pure codecs in proto/ and the sockets the actors own. */
#ifndef ZR_PROTO_FRAME_H
#define ZR_PROTO_FRAME_H
#include <czmq.h>
#include "proto/zr_proto.h"

/* A new frame holding msg encoded; NULL (and nothing sent) if the encoder refuses it. */
zframe_t *zr_proto_frame_encode(const zr_proto_msg_t *msg);
/* Decodes frame into msg (texts point into the frame, which must outlive msg). */
zr_decode_status_t zr_proto_frame_decode(zframe_t *frame, zr_proto_msg_t *msg);

#endif
