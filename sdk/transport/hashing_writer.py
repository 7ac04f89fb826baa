"""Copy-and-hash sinks: what Arrow writes goes into a target buffer, and the XXH3-64 of it comes out of
the same pass over the bytes (the trailer of a sealed frame, see :mod:`rerun.wire`).

With the native module :mod:`rerun._copy_hash` (built from ``sdk/native/copy_hash.c`` when a C compiler and
libxxhash are there) each piece is hashed from the source in L1-sized steps and copied from there, big
pieces with non-temporal stores, so a frame costs about one plain memcpy (``bench/wire_checksum.py``).
Without it, the Python :class:`ChunkHashingWriter`: copies each big piece in L2-sized chunks and feeds
each to an incremental XXH3 right after writing it (small pieces are hashed with the next big one).
Either digest equals XXH3-64 of the whole frame, so the wire format does not depend on which ran.
"""

from __future__ import annotations

import numpy as np
from xxhash import xxh3_64

from rerun.wire.frames import DIGEST

try:
    from rerun._copy_hash import CopyHasher
except ImportError:  # not built (no compiler or libxxhash): the Python copy-then-hash path below
    CopyHasher = None

#: True when frames are copied and hashed by the native module.
NATIVE_COPY_HASH = CopyHasher is not None
#: Bytes copied then hashed per step: fits the 512 KiB L2 of this machine's cores with room to spare.
HASH_CHUNK_BYTES = 256 << 10


class ChunkHashingWriter:
    """File-like sink for ``pa.PythonFile``: copies what Arrow writes into ``target`` (a writable
    buffer), hashing it in :data:`HASH_CHUNK_BYTES` steps right after each step is copied."""

    def __init__(self, target) -> None:
        self.closed = True
        self.reset(target)

    def reset(self, target) -> None:
        """Start over on ``target``: position 0, an empty hash (as a new writer on it)."""
        if not self.closed:
            self.release()
        view = memoryview(target)
        self._view = view if view.format == "B" else view.cast("B")
        self._array = np.frombuffer(self._view, dtype=np.uint8)
        self._position = 0
        self._hashed = 0  # bytes before this are in the digest; small pieces are hashed with the next chunk
        self._state = xxh3_64()
        self.closed = False

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
        if self.closed:
            return
        del self._array
        self._view.release()
        self.closed = True

    def seal(self) -> int:
        """Write the XXH3-64 of everything written so far after it (u64 LE, the frame's trailer)."""
        if self._hashed < self._position:
            self._state.update(self._view[self._hashed : self._position])
            self._hashed = self._position
        digest = self._state.intdigest()
        DIGEST.pack_into(self._view, self._position, digest)
        return digest


def new_sealing_sink(target, native: bool = NATIVE_COPY_HASH):
    """A copy-and-hash sink on ``target`` (write/tell/seal/reset/release): the native ``CopyHasher``, or
    the Python :class:`ChunkHashingWriter` when ``native`` is False or the module is not built."""
    return CopyHasher(target) if native and NATIVE_COPY_HASH else ChunkHashingWriter(target)
