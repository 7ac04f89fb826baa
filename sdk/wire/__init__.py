"""The one byte format shared by files, sockets and the shared-memory ring.

Layout
------
A stream starts with an 8-byte header: the magic ``b"RRPY"``, then the format version (u16 LE) and
flags (u16 LE, zero). Frames follow back to back, each a 16-byte frame header then the payload::

    offset  size  field
    0       2     marker b"RF"
    2       1     kind (FrameKind)
    3       1     flags (zero)
    4       4     reserved (zero)
    8       8     payload length, u64 LE

Payloads by kind:

- ``BEGIN_RECORDING``, ``CLEAR``, ``GOODBYE``: UTF-8 JSON objects (control messages, tiny; parsed
  with ``json.loads``, never evaluated).
- ``LOG``: an Arrow IPC *stream* (schema, one record batch, end marker). See
  :mod:`rerun.wire.log_table` for the columns. Its buffers are read back as zero-copy views.

Nothing in this format is pickled. Lengths are checked against limits before any allocation.
"""

from rerun.wire.frames import (
    FORMAT_VERSION,
    FRAME_HEADER,
    MAX_FRAME_BYTES,
    STREAM_HEADER,
    STREAM_MAGIC,
    Frame,
    FrameKind,
    WireError,
    encode_frame_header,
    encode_json_frame,
    iter_frames,
    parse_frame_header,
    parse_stream_header,
)

__all__ = [
    "FORMAT_VERSION",
    "FRAME_HEADER",
    "MAX_FRAME_BYTES",
    "STREAM_HEADER",
    "STREAM_MAGIC",
    "Frame",
    "FrameKind",
    "WireError",
    "encode_frame_header",
    "encode_json_frame",
    "iter_frames",
    "parse_frame_header",
    "parse_stream_header",
]
