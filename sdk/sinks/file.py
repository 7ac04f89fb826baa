"""The ``.rrd`` file sink behind ``rr.save``: frames go through the OS as soon as they are sent."""

from __future__ import annotations

import os
import sys

import pyarrow as pa
from xxhash import xxh3_64

from rerun.sinks.base import Sink
from rerun.wire.frames import DIGEST, FRAME_HEADER, STREAM_HEADER, FrameKind, encode_frame_header, encode_json_frame, frame_size
from rerun.wire.kept_writers import KeptWriter, KeptWriters
from rerun.wire.log_table import END_OF_STREAM, log_payload_size

#: Batches with at least this many bytes of buffers go to the OS straight from their own memory: the
#: schema's kept IPC stream writer (:mod:`rerun.wire.kept_writers`) hands its pieces (the batch's own
#: buffers) to a collector, and the frame goes out in one writev. Below it, ``batch.serialize()``'s copy
#: (~4 us at 64 KiB) costs less than Arrow's calls into Python for each piece (measured crossing over
#: between 128 and 256 KiB).
_ZERO_COPY_MIN = 256 << 10
_COALESCE_BYTES = 64 << 10
#: File space is reserved ahead of the writes (fallocate, size kept): about as much as was already
#: written, within these bounds.
_RESERVE_MIN = 4 << 20
_RESERVE_MAX = 128 << 20
_FALLOC_FL_KEEP_SIZE = 1
#: File systems where reserving was measured to help (ext4). Elsewhere it may cost: tmpfs would
#: zero RAM pages ahead of the writes, copy-on-write file systems allocate again on write.
_RESERVING_FILE_SYSTEMS = frozenset({0xEF53})  # statfs f_type: EXT2/3/4_SUPER_MAGIC
_libc = None  # (fallocate, statfs) once looked up; False where there are none


def _libc_functions():
    """libc's ``fallocate`` and ``statfs`` on Linux, else None (looked up once, lazily)."""
    global _libc
    if _libc is None:
        _libc = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes  # lazily: keeps `import rerun` light

                libc = ctypes.CDLL(None, use_errno=True)
                fallocate, statfs = libc.fallocate, libc.statfs
                fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64]
                fallocate.restype = ctypes.c_int
                statfs.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
                statfs.restype = ctypes.c_int
                _libc = (fallocate, statfs)
            except (OSError, AttributeError):
                pass
    return _libc or None


def _block_reserver(path: str):
    """``fallocate`` if ``path`` lies on a file system in ``_RESERVING_FILE_SYSTEMS``, else None."""
    functions = _libc_functions()
    if functions is None:
        return None
    fallocate, statfs = functions
    import ctypes

    buffer = ctypes.create_string_buffer(256)  # struct statfs is 120 bytes on 64-bit Linux
    if statfs(os.fsencode(path), buffer) != 0:
        return None
    file_system = int.from_bytes(buffer.raw[: ctypes.sizeof(ctypes.c_long)], sys.byteorder)
    return fallocate if file_system in _RESERVING_FILE_SYSTEMS else None


_EOS_BYTES = len(END_OF_STREAM)
#: A checksummed LOG frame's header fields for an empty payload: the length field then counts only
#: the trailer (a payload's length is added to it).
_LOG_HEADER_FIELDS = FRAME_HEADER.unpack(encode_frame_header(FrameKind.LOG, 0, checksum=True))
_LOG_FRAME_OVERHEAD = frame_size(0)
#: Most pieces one writev takes (Linux: 1024).
_IOV_MAX = os.sysconf("SC_IOV_MAX") if hasattr(os, "sysconf") and "SC_IOV_MAX" in os.sysconf_names else 16


class _PieceCollector:
    """Sink of a kept stream writer (``pa.PythonFile``): keeps what Arrow writes, in order, without
    copying it (the big pieces are the batch's own buffers), and the XXH3 of it so far."""

    closed = False

    def __init__(self) -> None:
        self.reset(None)

    def reset(self, target) -> None:
        """Start a new frame (``target`` is unused: the pieces are kept, not copied)."""
        self.pieces: list = []
        self.position = 0
        self.state = xxh3_64()

    def write(self, data) -> int:
        n = len(data) if type(data) is bytes else data.size
        self.pieces.append(data)
        self.state.update(data)
        self.position += n
        return n

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def writable(self) -> bool:
        return True

    def release(self) -> None:
        """Let go of the pieces (they keep the batch's memory alive)."""
        self.pieces = []


def _reason(exc: OSError) -> str:
    """The OS's words for ``exc`` (pyarrow's own messages are long and repeat the path)."""
    return os.strerror(exc.errno) if exc.errno else str(exc)


class FileSink(Sink):
    """Writes a stream (header, then frames) to ``path``.

    The file is created at once. Every frame is pushed to the OS when ``send_*`` returns (small
    writes are coalesced inside one frame, never across frames), so a ``kill -9`` of the logging
    process loses at most the frame being written: readers stop cleanly at such a torn tail.
    ``close()`` adds GOODBYE.

    On Linux ext4, disk blocks are reserved ahead of the writes (``fallocate`` with
    ``FALLOC_FL_KEEP_SIZE``: the file's size is always exactly what was written). ``close()`` frees
    the unused reserve; after a ``kill -9`` up to 128 MB stay allocated past the end of the file
    until it is truncated or deleted.

    If a write fails (disk full, file size limit, I/O error), the error is raised once with the path
    in its message, the file is left as it is (every complete frame readable) and later messages are
    counted as dropped instead of being appended after a half-written frame.

    Raises
    ------
    OSError
        If the file cannot be created; the message names the path.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        super().__init__()
        self.path = os.fspath(path)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        except OSError as exc:
            raise type(exc)(exc.errno, f"Failed to create file {self.path!r}: {exc.strerror}") from None
        os.close(fd)
        # Append mode on the now empty file, not "wb": truncating again would make ext4 (auto_da_alloc)
        # push every written page to disk when the file is closed (~50 ms per 200 MB, in close()).
        # Closing the descriptor above, which did the truncation, cleared that state.
        self._raw = pa.OSFile(self.path, "ab")
        self._fd = self._raw.fileno()
        # Coalesces the IPC writer's many small writes (metadata, padding) into few syscalls; array
        # buffers larger than the buffer go straight from their memory to the OS.
        self._file = pa.BufferedOutputStream(self._raw, buffer_size=_COALESCE_BYTES)
        self._closed = False
        self._writers = KeptWriters(_PieceCollector)
        self._collector = _PieceCollector()  # for schemas whose writer is not kept
        self.error: OSError | None = None
        # Blocks reserved ahead of the writes: ext4 then maps each written page to an extent that
        # exists instead of doing delayed-allocation bookkeeping per page, which made a buffered write
        # ~1.5x slower (measured: 640x480 u16 frames, 115 -> 74 us each). FALLOC_FL_KEEP_SIZE leaves
        # the file's size alone (readers never see the reserve); close() gives the unused tail back.
        self._position = 0  # bytes handed to the file
        self._reserved = 0
        self._reserve_with = _block_reserver(self.path)
        try:
            self._write(lambda: self._file.write(STREAM_HEADER), len(STREAM_HEADER))
        except OSError as exc:
            cause = exc.__cause__ or exc
            raise OSError(cause.errno, f"Failed to write file {self.path!r}: {_reason(cause)}") from None

    def _reserve(self, end: int) -> None:
        """Reserve file blocks up to at least ``end`` (and some way beyond); a no-op where unsupported."""
        ahead = min(max(self._position, _RESERVE_MIN), _RESERVE_MAX)
        start = max(self._reserved, self._position)
        if self._reserve_with(self._raw.fileno(), _FALLOC_FL_KEEP_SIZE, start, end + ahead - start) == 0:
            self._reserved = end + ahead
        else:  # the file system cannot (EOPNOTSUPP) or the disk is full: plain writes report that
            self._reserve_with = None

    def _write(self, write, nbytes: int) -> bool:
        """Run ``write`` (``nbytes``) and push the frame to the OS; False if the sink already failed or closed."""
        if self._closed or self.error is not None:
            self._dropped_messages += 1
            return False
        try:
            end = self._position + nbytes
            if end > self._reserved and self._reserve_with is not None:
                self._reserve(end)
            write()
            self._file.flush()
            self._position = end
        except OSError as exc:
            self._fail(exc)
        return True

    def _fail(self, exc: OSError) -> None:
        """The write failed: keep the file as it is, drop later messages, raise once with the path."""
        self.error = exc
        self._dropped_messages += 1
        self._abandon()
        raise OSError(exc.errno, f"Writing {self.path!r} failed: {_reason(exc)}; later messages to it are dropped") from exc

    def _send_frame(self, pieces: list, nbytes: int) -> None:
        """Write one frame's ``pieces`` (``nbytes`` in all) back to back with writev (the coalescing buffer is
        empty between frames), within the reserved blocks; the frame is in the file when this returns, or the
        sink has failed (raised once)."""
        end = self._position + nbytes
        try:
            if end > self._reserved and self._reserve_with is not None:
                self._reserve(end)
            written = os.writev(self._fd, pieces) if len(pieces) <= _IOV_MAX else 0
            if written != nbytes:
                self._write_rest(pieces, written)
            self._position = end
        except OSError as exc:
            self._fail(exc)
        self._sent_messages += 1
        self._sent_bytes += nbytes

    def _write_rest(self, pieces: list, written: int) -> None:
        """Write what follows the first ``written`` bytes of ``pieces``: after a short write (allowed,
        though not seen on a regular file), or for more pieces than one writev takes."""
        views = [view for view in (memoryview(piece).cast("B") for piece in pieces) if len(view)]
        views.reverse()  # popped from the end
        while views:
            while views and written >= len(views[-1]):
                written -= len(views.pop())
            if views and written:
                views[-1] = views[-1][written:]
            if views:
                written = os.writev(self._fd, views[: -_IOV_MAX - 1 : -1])

    def _abandon(self) -> None:
        for stream in (self._file, self._raw):
            try:
                stream.close()
            except OSError:
                pass

    def send_log(self, batch: pa.RecordBatch) -> None:
        # Every frame carries an XXH3 (see rerun.wire): a reader skips a damaged frame and keeps the rest.
        kept = self._writers.get(batch)
        if kept is not None and batch.get_total_buffer_size() < _ZERO_COPY_MIN:
            self._send_serialized(kept.schema_message, batch.serialize())
        else:
            self._send_pieces(kept, batch)

    def _send_serialized(self, schema_message: pa.Buffer, body: pa.Buffer) -> None:
        """Write a LOG frame whose payload is ``schema_message``, ``body`` (``batch.serialize()``: one
        copy, by Arrow, of a size that is a multiple of 8) and the end marker, with one writev. The
        small frames' way: every step here is one that a frame of 64 KiB pays for in full."""
        if self._closed or self.error is not None:
            self._dropped_messages += 1
            return
        size = schema_message.size + body.size + _EOS_BYTES
        nbytes = size + _LOG_FRAME_OVERHEAD
        marker, kind, flags, tag, trailer = _LOG_HEADER_FIELDS
        header = FRAME_HEADER.pack(marker, kind, flags, tag, size + trailer)
        state = xxh3_64(header)  # the frame's XXH3, as frame_digest makes it, without its per-call overhead
        state.update(schema_message)
        state.update(body)
        state.update(END_OF_STREAM)
        self._send_frame([header, schema_message, body, END_OF_STREAM + DIGEST.pack(state.intdigest())], nbytes)

    def _send_pieces(self, kept: KeptWriter | None, batch: pa.RecordBatch) -> None:
        """Write a LOG frame whose payload the schema's kept writer (``kept``; None: a new one, for a
        schema with dictionaries) writes into a piece collector: one writev of the pieces, no copy of
        the batch's buffers, hashed in order; the frame is in the file when this returns (or the sink
        has failed)."""
        if self._closed or self.error is not None:
            self._dropped_messages += 1
            return
        size = log_payload_size(batch) if kept is None else kept.payload_size(batch)
        nbytes = size + _LOG_FRAME_OVERHEAD
        collector = self._collector if kept is None else kept.sink
        collector.reset(None)
        try:
            self._writers.write_frame(collector, kept, batch, size)
            collector.pieces.append(DIGEST.pack(collector.state.intdigest()))
            self._send_frame(collector.pieces, nbytes)
        finally:
            collector.release()

    def send_control(self, kind: FrameKind, obj: dict) -> None:
        frame = encode_json_frame(kind, obj, checksum=True)
        if self._write(lambda: self._file.write(frame), len(frame)):
            self._sent_messages += 1
            self._sent_bytes += len(frame)

    def close(self, goodbye: dict | None = None) -> None:
        if self._closed:
            return
        try:
            if self.error is None:
                self.send_control(FrameKind.GOODBYE, goodbye or {})
        finally:
            self._closed = True
            if self.error is None:
                self._file.flush()
                if self._reserved > self._position:
                    try:  # same size: frees the blocks reserved past the end (a size of 0 never happens here)
                        os.ftruncate(self._raw.fileno(), self._position)
                    except OSError:
                        pass
                self._file.close()  # closes the OSFile under it
            else:
                self._abandon()

    def stats(self) -> dict:
        stats = super().stats()
        stats["path"] = self.path
        stats["error"] = None if self.error is None else str(self.error)
        return stats
