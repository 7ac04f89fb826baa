"""The one byte format shared by files, sockets and the shared-memory ring.

Layout
------
A stream starts with an 8-byte header: the magic ``b"RRPY"``, then the format version (u16 LE) and
flags (u16 LE, zero). Frames follow back to back, each a 16-byte frame header then its body::

    offset  size  field
    0       2     marker b"RF"
    2       1     kind (FrameKind)
    3       1     flags: bit 0 = FLAG_CHECKSUM; other bits zero
    4       4     reserved (zero)
    8       8     body length (everything after the header), u64 LE

With ``FLAG_CHECKSUM`` the body is the payload followed by 4 bytes: the CRC32C (Castagnoli, u32
LE) of the 16-byte header and the payload. Without it the body is the payload.

Payloads by kind:

- ``BEGIN_RECORDING``, ``CLEAR``, ``GOODBYE``: UTF-8 JSON objects (control messages, tiny; parsed
  with ``json.loads``, never evaluated).
- ``LOG``: an Arrow IPC *stream* (schema, one record batch, end marker). See
  :mod:`rerun.wire.log_table` for the columns. Its buffers are read back as zero-copy views.

Nothing in this format is pickled. Lengths are checked against limits before any allocation.

Versions
--------
- **2** (current): frames may carry ``FLAG_CHECKSUM``. Files written by ``rr.save`` and by the
  viewer's ``--save`` checksum every frame; the live transports (shared-memory ring, TCP) send
  frames without one (TCP has its own; ``bench/wire_checksum.py`` measures what one costs).
- **1**: no flags; read as before (its frames simply have no checksum).
- Rerun 0.4.0's ``RRF0`` files are read by :mod:`rerun.legacy`.

Readers verify a checksummed frame before decoding it. ``rerun.recording.load``, ``rerun print`` and
the viewer skip a damaged frame (bad header, checksum mismatch, undecodable or invalid batch) with
a warning naming its byte offset, and go on with the next valid frame: after the damaged one when
its length can be trusted, else at the next ``RF`` marker that starts a valid (checksum-verified)
frame. A version-1 frame has no checksum, so a changed value inside it cannot be detected; its
batch is still validated in full, so the damage cannot crash the reader.

Modules: ``frames`` (headers, frame iteration), ``log_table`` (the LOG batch layout and its names: timeline
columns, metadata keys, ``log_time``), ``events`` (typed stream events and their one dispatch).
"""

from rerun.wire.frames import (
    CHECKSUM,
    FLAG_CHECKSUM,
    FORMAT_VERSION,
    FRAME_HEADER,
    MAX_FRAME_BYTES,
    STREAM_HEADER,
    STREAM_MAGIC,
    ChecksumError,
    CorruptRegion,
    Frame,
    FrameKind,
    WireError,
    checked_payload,
    encode_frame_header,
    encode_json_frame,
    frame_checksum,
    iter_frames,
    parse_frame_header,
    parse_stream_header,
)

__all__ = [
    "CHECKSUM",
    "ChecksumError",
    "CorruptRegion",
    "FLAG_CHECKSUM",
    "FORMAT_VERSION",
    "FRAME_HEADER",
    "MAX_FRAME_BYTES",
    "STREAM_HEADER",
    "STREAM_MAGIC",
    "Frame",
    "FrameKind",
    "WireError",
    "checked_payload",
    "encode_frame_header",
    "encode_json_frame",
    "frame_checksum",
    "iter_frames",
    "parse_frame_header",
    "parse_stream_header",
]
