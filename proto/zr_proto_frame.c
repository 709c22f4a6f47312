/* zr_proto_frame: sizes the message with a NULL buffer, allocates the frame, encodes into it.
 * One allocation per message; no intermediate copy. */
#include "proto/zr_proto_frame.h"

zframe_t *zr_proto_frame_encode(const zr_proto_msg_t *msg)
{
    size_t length = 0;
    if (zr_proto_encode(msg, NULL, 0, &length) != ZR_ENCODE_OK)
        return NULL;
    zframe_t *frame = zframe_new(NULL, length);
    size_t written = 0;
    if (zr_proto_encode(msg, zframe_data(frame), length, &written) != ZR_ENCODE_OK || written != length)
        zframe_destroy(&frame);
    return frame;
}

zr_decode_status_t zr_proto_frame_decode(zframe_t *frame, zr_proto_msg_t *msg)
{
    if (!frame)
        return ZR_DECODE_TRUNCATED;
    return zr_proto_decode(zframe_data(frame), zframe_size(frame), msg);
}
