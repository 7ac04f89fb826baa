"""Write sealed LOG frames into shared memory: Arrow's writer kept per schema, copy and hash in one pass.

The frame is the header, then the payload written by the schema's kept stream writer
(:mod:`rerun.wire.kept_writers`), then the XXH3 trailer. Every piece Arrow writes goes through the
copy-and-hash sink of :mod:`rerun.transport.hashing_writer`, re-aimed at each frame's place, so the
checksum comes out of the same pass as the copy.
"""

from __future__ import annotations

import pyarrow as pa

from rerun.transport.hashing_writer import NATIVE_COPY_HASH, new_sealing_sink
from rerun.wire.kept_writers import KeptWriters


class LogFrameEncoder:
    """Writes the sealed LOG frame of a batch (header, IPC payload, XXH3 trailer) into a given buffer.

    Not thread-safe: its owner (a ring writer) serialises calls.

    Parameters
    ----------
    native : bool
        Copy and hash with the native ``rerun._copy_hash`` (when built); False: the Python sink.
    """

    def __init__(self, native: bool = NATIVE_COPY_HASH) -> None:
        self._native = native
        self._writers = KeptWriters(lambda: new_sealing_sink(bytearray(0), native))

    def payload_size(self, batch: pa.RecordBatch) -> int:
        """Byte size of the LOG payload of ``batch`` (as :func:`rerun.wire.log_table.log_payload_size`)."""
        return self._writers.payload_size(batch)

    def write(self, target, batch: pa.RecordBatch, payload_size: int) -> None:
        """Write the frame into ``target``, a writable buffer exactly ``frame_size(payload_size)`` long.

        Raises
        ------
        RuntimeError
            If Arrow wrote another number of bytes than ``payload_size`` (nothing is then valid in
            ``target``; the caller must not publish it).
        """
        kept = self._writers.get(batch)
        sink = kept.sink if kept is not None else new_sealing_sink(target, self._native)
        sink.reset(target)
        try:
            self._writers.write_frame(sink, kept, batch, payload_size)
            sink.seal()
        finally:
            sink.release()  # no view of the target may outlive this call (a ring's mapping must close later)
