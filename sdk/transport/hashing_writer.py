"""Write a LOG frame into shared memory and compute its XXH3 trailer in the same pass over its bytes.

With the native module :mod:`rerun._copy_hash` (built from ``sdk/native/copy_hash.c`` when a C compiler and
libxxhash are there) Arrow's IPC output goes to its ``CopyHasher``: each piece is hashed from the source
in L1-sized steps and copied from there, big pieces with non-temporal stores, so the frame costs about
one plain memcpy (``bench/wire_checksum.py``). Without it, the Python :class:`ChunkHashingWriter` below:

Arrow copies a frame's buffers with one ``memcpy`` each; for buffers of several MiB glibc uses
non-temporal stores, so a checksum pass afterwards reads the whole frame back from RAM
(7-24 GB/s here instead of ~48 GB/s from cache). :class:`ChunkHashingWriter` receives Arrow's IPC
output instead (through ``pa.PythonFile``: Arrow hands each body buffer over as a zero-copy
``pa.Buffer``), copies it into the target in L2-sized chunks and feeds each chunk to an incremental
XXH3 right after writing it. The digest equals XXH3-64 of the whole frame, so the wire format is
unchanged. The Python call per IPC piece (about a dozen per frame) costs more than it saves on
frames that fit the cache, so the ring uses this only from :data:`CHUNKED_HASH_MIN_BYTES` on
(``bench/wire_checksum.py`` measured both).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from xxhash import xxh3_64

from rerun.wire.frames import DIGEST, FRAME_HEADER, FrameKind, encode_frame_header, seal_frame
from rerun.wire.log_table import write_log_payload

try:
    from rerun._copy_hash import CopyHasher, copy_and_hash
except ImportError:  # not built (no compiler or libxxhash): the Python copy-then-hash path below
    CopyHasher = copy_and_hash = None

#: True when frames are copied and hashed by the native module.
NATIVE_COPY_HASH = CopyHasher is not None
#: Frames from this payload size on are copied and hashed together (smaller ones: Arrow copies, then
#: one XXH3 pass over bytes still in cache; below it the per-piece calls cost more than they save).
CHUNKED_HASH_MIN_BYTES = (256 << 10) if NATIVE_COPY_HASH else (8 << 20)
#: Bytes copied then hashed per step: fits the 512 KiB L2 of this machine's cores with room to spare.
HASH_CHUNK_BYTES = 256 << 10


class ChunkHashingWriter:
    """File-like sink for ``pa.PythonFile``: copies what Arrow writes into ``target`` (a writable
    buffer), hashing it in :data:`HASH_CHUNK_BYTES` steps right after each step is copied."""

    closed = False

    def __init__(self, target) -> None:
        view = memoryview(target)
        self._view = view if view.format == "B" else view.cast("B")
        self._array = np.frombuffer(self._view, dtype=np.uint8)
        self._position = 0
        self._hashed = 0  # bytes before this are in the digest; small pieces are hashed with the next chunk
        self._state = xxh3_64()

    def write(self, data) -> int:
        piece = data if type(data) is bytes else memoryview(data).cast("B")
        n = len(piece)
        start = self._position
        end = start + n
        if end > len(self._view):
            raise ValueError(f"Arrow wrote past the {len(self._view)}-byte frame")
        if n < HASH_CHUNK_BYTES:
            self._view[start:end] = piece
            self._position = end
            return n
        source = np.frombuffer(piece, dtype=np.uint8)
        target, state, view = self._array, self._state, self._view
        if self._hashed < start:
            state.update(view[self._hashed : start])
        for offset in range(0, n, HASH_CHUNK_BYTES):
            stop = min(n, offset + HASH_CHUNK_BYTES)
            np.copyto(target[start + offset : start + stop], source[offset:stop])
            state.update(view[start + offset : start + stop])
        self._position = self._hashed = end
        return n

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def writable(self) -> bool:
        return True

    def release(self) -> None:
        """Drop the views of the target (an exception's traceback would otherwise keep them)."""
        del self._array
        self._view.release()

    def seal(self) -> int:
        """Write the XXH3-64 of everything written so far after it (u64 LE, the frame's trailer)."""
        if self._hashed < self._position:
            self._state.update(self._view[self._hashed : self._position])
            self._hashed = self._position
        digest = self._state.intdigest()
        DIGEST.pack_into(self._view, self._position, digest)
        return digest


def write_sealed_log_frame(target, batch: pa.RecordBatch, payload_size: int) -> int:
    """Write the sealed LOG frame of ``batch`` (header, Arrow payload of ``payload_size`` bytes,
    XXH3 trailer) into ``target``, a writable buffer exactly the frame's size; return the bytes Arrow
    and the header took (the caller checks them against ``FRAME_HEADER.size + payload_size``)."""
    sink = CopyHasher(target) if NATIVE_COPY_HASH else ChunkHashingWriter(target)
    try:
        sink.write(encode_frame_header(FrameKind.LOG, payload_size, checksum=True))
        write_log_payload(batch, pa.PythonFile(sink, mode="w"))
        written = sink.tell()
        if written == FRAME_HEADER.size + payload_size:
            sink.seal()
    finally:
        sink.release()  # no view of the mapping may outlive this call (it must close later), even on error
    return written


def write_sealed_parts(target, header: bytes, payload: np.ndarray) -> None:
    """Write a frame given as its ``header`` (checksum flag set) and ``payload`` (uint8) into ``target``,
    a writable buffer exactly the frame's size, with the XXH3 of both as its trailer."""
    if NATIVE_COPY_HASH:
        sink = CopyHasher(target)
        try:
            sink.write(header)
            sink.write(payload)
            sink.seal()
        finally:
            sink.release()
        return
    view = memoryview(target).cast("B")
    try:
        h = len(header)
        view[:h] = header
        np.copyto(np.frombuffer(view, dtype=np.uint8)[h : h + payload.nbytes], payload)
        seal_frame(view)
    finally:
        view.release()
