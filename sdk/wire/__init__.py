"""The one byte format shared by files, sockets and the shared-memory ring.

Layout
------
A stream starts with an 8-byte header: the magic ``b"RRPY"``, then the format version (u16 LE) and
flags (u16 LE, zero). Frames follow back to back, each a 16-byte frame header then its body::

    offset  size  field
    0       2     marker b"RF"
    2       1     kind (FrameKind)
    3       1     flags: bit 0 = FLAG_CRC32C (format 2), bit 1 = FLAG_XXH3 (format 3); at most one
    4       4     reserved: b"XXH3" with FLAG_XXH3 (a damaged flag byte cannot pass for "no checksum"), else zero
    8       8     body length (everything after the header), u64 LE

With ``FLAG_XXH3`` the body is the payload followed by 8 bytes: the XXH3-64 (seed 0, u64 LE) of the
16-byte header and the payload. With ``FLAG_CRC32C`` (format 2) it is the payload followed by the
CRC32C (Castagnoli, u32 LE) of the same bytes. Without either the body is the payload.

Payloads by kind:

- ``BEGIN_RECORDING``, ``CLEAR``, ``GOODBYE``: UTF-8 JSON objects (control messages, tiny; parsed
  with ``json.loads``, never evaluated).
- ``LOG``: an Arrow IPC *stream* (schema, one record batch, end marker). See
  :mod:`rerun.wire.log_table` for the columns. Its buffers are read back as zero-copy views.

Nothing in this format is pickled. Lengths are checked against limits before any allocation.

Versions
--------
- **3** (current): every frame that any writer sends carries ``FLAG_XXH3``: files (``rr.save``,
  the viewer's ``--save``), the shared-memory ring (records, chunked frames, segments) and TCP.
  Readers require it: in a format-3 stream a frame without a checksum is damaged (a burst that
  cleared both the flag and its b"XXH3" tag) and is dropped like one whose checksum fails
  (:class:`MissingChecksumError`). Every reader knows its stream's version: the stream header of a
  file, a TCP or WebSocket stream, the handshake's ``format_version`` for a ring.
- **2**: frames may carry ``FLAG_CRC32C``; ``rr.save`` wrote it, the live transports did not. Read.
- **1**: no flags; read as before (its frames simply have no checksum).
- Rerun 0.4.0's ``RRF0`` files are read by :mod:`rerun.legacy`.

Why XXH3
--------
The checksum is computed by the SDK, which loads no JIT (``import rerun`` stays light, see DESIGN.md),
so it is a C library's: XXH3-64 (libxxhash / ``xxhash``) runs at ~45-50 GB/s on one AVX2 core here,
hardware CRC32C at ~24 GB/s and ``zlib.crc32``/``adler32`` at 2-4 GB/s. A separate checksum pass costs
bytes / its speed on top of the copy it guards: against ``os.write`` (~2-4 GB/s into the page cache)
that is a few percent; against a copy into the shared-memory ring (~12 GB/s) about a quarter. So ring
frames and segments are copied and hashed in one pass by the SDK's small native module
``rerun._copy_hash`` (``sdk/native/copy_hash.c``, libxxhash's XXH3): each 16 KiB step is hashed from the
source while in L1 and copied from there, big pieces with non-temporal stores, which do not read the
target's cache lines before overwriting them; this costs about one plain memcpy. Where the module was not
built (no C compiler or libxxhash) the SDK copies, then hashes in Python (big frames in 256 KiB chunks
still in L2, :mod:`rerun.transport.hashing_writer`); the wire bytes are the same either way.
``bench/wire_checksum.py`` measures all of these against baselines in the same run. A 64-bit hash misses a random change with probability 2^-64; XXH3 gives
no proof for single-bit flips and bursts the way a CRC does, so ``tests/sdk/test_frame_checksums.py``
checks every single-bit flip of a frame and thousands of bursts; the b"XXH3" tag keeps a flipped flag
bit from turning verification off.

Readers verify a checksummed frame before decoding it. ``rerun.recording.load``, ``rerun print`` and
the viewer skip a damaged frame (bad header, checksum mismatch, undecodable or invalid batch) with
a warning naming its byte offset, and go on with the next valid frame: after the damaged one when
its length can be trusted, else at the next ``RF`` marker that starts a valid (checksum-verified)
frame. The viewer drops a ring or TCP frame whose checksum fails with a warning naming the source,
and keeps the connection (a damaged *length* loses the stream's frame boundaries: that connection
ends). A version-1 frame has no checksum, so a changed value inside it cannot be detected; its
batch is still validated in full, so the damage cannot crash the reader.

Modules: ``frames`` (headers, checksums, frame iteration), ``log_table`` (the LOG batch layout and its
names: timeline columns, metadata keys, ``log_time``), ``events`` (typed stream events and their one
dispatch).
"""

from rerun.wire.frames import (
    CHECKSUM_FLAGS,
    CRC32C,
    DIGEST,
    FLAG_CRC32C,
    FLAG_XXH3,
    FORMAT_VERSION,
    FRAME_HEADER,
    MAX_FRAME_BYTES,
    STREAM_HEADER,
    STREAM_MAGIC,
    ChecksumError,
    CorruptRegion,
    MissingChecksumError,
    Frame,
    FrameKind,
    WireError,
    checked_payload,
    checksums_required,
    encode_frame_header,
    encode_json_frame,
    frame_digest,
    frame_size,
    iter_frames,
    parse_frame_header,
    parse_stream_header,
    seal_frame,
    verified_payload,
)

__all__ = [
    "CHECKSUM_FLAGS",
    "CRC32C",
    "DIGEST",
    "ChecksumError",
    "CorruptRegion",
    "FLAG_CRC32C",
    "FLAG_XXH3",
    "FORMAT_VERSION",
    "FRAME_HEADER",
    "MAX_FRAME_BYTES",
    "MissingChecksumError",
    "STREAM_HEADER",
    "STREAM_MAGIC",
    "Frame",
    "FrameKind",
    "WireError",
    "checked_payload",
    "checksums_required",
    "encode_frame_header",
    "encode_json_frame",
    "frame_digest",
    "frame_size",
    "iter_frames",
    "parse_frame_header",
    "parse_stream_header",
    "seal_frame",
    "verified_payload",
]
