"""The ``.rrd`` file sink behind ``rr.save``: frames go through the OS as soon as they are sent."""

from __future__ import annotations

import os
import sys

import numpy as np
import pyarrow as pa

from rerun.sinks.base import Sink
from xxhash import xxh3_64

from rerun.wire.frames import DIGEST, FRAME_HEADER, STREAM_HEADER, FrameKind, encode_frame_header, encode_json_frame, frame_digest, frame_size, seal_frame
from rerun.wire.ipc_pieces import BatchLayout
from rerun.wire.log_table import ENTITY_PATH_KEY, log_payload_size

#: Batches with at least this many bytes of buffers go to the OS straight from their own memory
#: (:mod:`rerun.wire.ipc_pieces`): the frame is the header, the schema's message (cached), the batch
#: message's metadata, the batch's buffers, the end marker and the XXH3, in one writev. Below it,
#: ``batch.serialize()``'s copy (~4 us at 64 KiB) costs less than finding the buffers in Python
#: (~6 us for one list column; measured crossing over between 128 and 256 KiB).
_ZERO_COPY_MIN = 256 << 10
#: Batches up to this size that are not written from their own memory (a sliced array, a type left
#: to Arrow, or small) are written as pieces with ``batch.serialize()`` (one copy) in place of the
#: buffers: no IPC writer per frame, which dominates small frames. Larger ones are staged (fresh
#: allocations that large would page-fault) or streamed.
_COMPOSED_LIMIT = 512 << 10
#: Buffers smaller than this are copied into the frame's header run instead of being a writev
#: piece of their own (one piece and one hash update less each).
_INLINE_MAX = 4 << 10
#: Frames up to this size are staged in a buffer the sink keeps (see ``send_log``); larger ones are
#: streamed and checksummed piece by piece (the buffer would not stay in the CPU cache anyway).
_STAGED_LIMIT = 8 << 20
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


#: Explicit options: without them pyarrow reads two environment variables per writer.
_WRITE_OPTIONS = pa.ipc.IpcWriteOptions()

_EOS = b"\xff\xff\xff\xff\x00\x00\x00\x00"  # the IPC stream's end marker
_EOS_BYTES = len(_EOS)
#: A checksummed LOG frame's header fields for an empty payload: the length field then counts only
#: the trailer (a payload's length is added to it).
_LOG_HEADER_FIELDS = FRAME_HEADER.unpack(encode_frame_header(FrameKind.LOG, 0, checksum=True))
_LOG_FRAME_OVERHEAD = frame_size(0)
_PADDING = bytes(8)
#: Most pieces one writev takes (Linux: 1024).
_IOV_MAX = os.sysconf("SC_IOV_MAX") if hasattr(os, "sysconf") and "SC_IOV_MAX" in os.sysconf_names else 16


class _SchemaMessage:
    """A schema's encapsulated IPC message, whether a LOG payload of that schema is exactly this
    message + the batch's message + the end marker (checked byte for byte once per schema against
    the IPC stream writer; where it is not, the writer is used for that schema), and how its
    batches are cut into pieces without copying."""

    __slots__ = ("schema", "message", "composable", "layout")

    def __init__(self, schema: pa.Schema, message: bytes, composable: bool) -> None:
        self.schema = schema
        self.message = message
        self.composable = composable
        self.layout = BatchLayout(schema)


#: (entity path, column names) -> _SchemaMessage.
_schema_messages: dict[tuple, _SchemaMessage] = {}


def _schema_message(batch: pa.RecordBatch) -> _SchemaMessage:
    schema = batch.schema
    key = (schema.metadata.get(ENTITY_PATH_KEY), tuple(schema.names))
    cached = _schema_messages.get(key)
    if cached is None or not cached.schema.equals(schema, check_metadata=True):
        stream = pa.BufferOutputStream()
        _write_payload(batch, stream)
        message = schema.serialize().to_pybytes()
        composed = message + batch.serialize().to_pybytes() + _EOS
        if len(_schema_messages) >= 1024:
            _schema_messages.clear()
        cached = _schema_messages[key] = _SchemaMessage(schema, message, composed == stream.getvalue().to_pybytes())
    return cached


def _payload_size(batch: pa.RecordBatch) -> int:
    """Size of the IPC stream (schema, batch, end marker) that ``_write_payload`` writes for ``batch``.

    Schema message size (cached per schema) + ``get_record_batch_size`` + the end marker: ~4 us
    instead of a full pass of the IPC writer through a counting stream (~17 us).
    """
    cached = _schema_message(batch)
    if not cached.composable:
        return log_payload_size(batch)
    return len(cached.message) + pa.ipc.get_record_batch_size(batch) + _EOS_BYTES


def _write_payload(batch: pa.RecordBatch, out) -> None:
    """The LOG payload: an IPC stream with one batch (the bytes of rerun.wire.log_table.write_log_payload)."""
    with pa.ipc.RecordBatchStreamWriter(out, batch.schema, options=_WRITE_OPTIONS) as writer:
        writer.write_batch(batch)


#: Big buffers are checksummed and written in pieces this large: each piece is still in the CPU
#: cache when it is copied to the OS, so the checksum adds a pass over cache, not over RAM.
_CHECKSUM_PIECE = 256 << 10


class _ChecksummingWriter:
    """A write-only file object for ``pa.PythonFile``: hashes (XXH3) what goes through, then writes it to ``out``."""

    def __init__(self, out, header: bytes) -> None:
        self._out = out
        self.digest = xxh3_64(header)
        self.closed = False

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        n = len(view)
        for start in range(0, n, _CHECKSUM_PIECE):
            piece = view[start : start + _CHECKSUM_PIECE]
            self.digest.update(piece)
            self._out.write(piece)
        return n

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True  # the frame goes on after the payload: the file itself stays open


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
        self._staging: np.ndarray | None = None  # reused by send_log for frames up to _STAGED_LIMIT
        self._schema: _SchemaMessage | None = None  # the last batch's (batches in a row often share one)
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

    def _write_pieces(self, pieces: list, nbytes: int) -> None:
        """Write ``pieces`` (``nbytes`` in all) back to back with writev (the coalescing buffer is empty
        between frames)."""
        written = os.writev(self._fd, pieces) if len(pieces) <= _IOV_MAX else 0
        if written != nbytes:
            self._write_rest(pieces, written)

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
        schema = self._schema
        if schema is None or not batch.schema.equals(schema.schema, check_metadata=True):
            schema = self._schema = _schema_message(batch)
        if schema.composable:
            total = batch.get_total_buffer_size()
            message = schema.layout.pieces(batch) if total >= _ZERO_COPY_MIN else None
            if message is not None:
                self._send_composed(schema.message, message.metadata, message.buffers, message.sizes, message.body_length)
                return
            if total <= _COMPOSED_LIMIT:
                self._send_serialized(schema.message, batch.serialize())
                return
        size = _payload_size(batch)
        frame_len = frame_size(size)
        header = encode_frame_header(FrameKind.LOG, size, checksum=True)
        if frame_len <= _STAGED_LIMIT:
            # Serialised into a reused buffer (Arrow copies at memory speed, no page faults), checksummed
            # while that copy is still in the CPU cache, then written with one call: cheaper than
            # checksumming the pieces Arrow hands to a Python file object (bench/wire_checksum.py).
            if self._staging is None or len(self._staging) < frame_len:
                self._staging = np.empty(max(frame_len, 2 * len(self._staging) if self._staging is not None else 0), np.uint8)
            staged = memoryview(self._staging)[:frame_len]
            staged[: FRAME_HEADER.size] = header
            _write_payload(batch, pa.FixedSizeBufferWriter(pa.py_buffer(staged[FRAME_HEADER.size : FRAME_HEADER.size + size])))
            seal_frame(staged)
            if self._write(lambda: self._file.write(staged), frame_len):
                self._sent_messages += 1
                self._sent_bytes += frame_len
            return
        # Huge batch: header + IPC metadata go through the coalescing buffer, array buffers larger
        # than it straight from their memory to the OS, checksummed on the way.
        file = self._file

        def write() -> None:
            start = file.tell()
            file.write(header)
            summer = _ChecksummingWriter(file, header)
            _write_payload(batch, pa.PythonFile(summer, mode="w"))
            file.write(DIGEST.pack(summer.digest.intdigest()))
            if file.tell() - start != frame_len:  # never seen; would corrupt the file
                raise OSError(0, f"LOG frame of {file.tell() - start} bytes announced {frame_len}")

        if self._write(write, frame_len):
            self._sent_messages += 1
            self._sent_bytes += frame_len

    def _send_serialized(self, schema_message: bytes, body: pa.Buffer) -> None:
        """Write a LOG frame whose payload is ``schema_message``, ``body`` (``batch.serialize()``: one
        copy, by Arrow, of a size that is a multiple of 8) and the end marker, with one writev. The
        small frames' way: every step here is one that a frame of 64 KiB pays for in full."""
        if self._closed or self.error is not None:
            self._dropped_messages += 1
            return
        size = len(schema_message) + body.size + _EOS_BYTES
        nbytes = size + _LOG_FRAME_OVERHEAD
        marker, kind, flags, tag, trailer = _LOG_HEADER_FIELDS
        head = FRAME_HEADER.pack(marker, kind, flags, tag, size + trailer) + schema_message
        state = xxh3_64(head)  # the frame's XXH3, as frame_digest makes it, without its per-call overhead
        state.update(body)
        state.update(_EOS)
        pieces = [head, body, _EOS + DIGEST.pack(state.intdigest())]
        end = self._position + nbytes
        try:
            if end > self._reserved and self._reserve_with is not None:
                self._reserve(end)
            written = os.writev(self._fd, pieces)
            if written != nbytes:
                self._write_rest(pieces, written)
            self._position = end
        except OSError as exc:
            self._fail(exc)
        self._sent_messages += 1
        self._sent_bytes += nbytes

    def _send_composed(self, schema_message: bytes, metadata, buffers: list, sizes: list, body_length: int) -> None:
        """Write a LOG frame whose payload is ``schema_message``, ``metadata``, then each of ``buffers``
        cut to its size and padded to 8, then the end marker: one writev of the pieces, no copy of
        the large buffers (small ones join the run of bytes before them). The pieces are hashed in
        order; the frame is in the file when this returns (or the sink has failed)."""
        size = len(schema_message) + len(metadata) + body_length + _EOS_BYTES
        nbytes = size + _LOG_FRAME_OVERHEAD
        if self._closed or self.error is not None:
            self._dropped_messages += 1
            return
        marker, kind, flags, tag, trailer = _LOG_HEADER_FIELDS
        run = bytearray(FRAME_HEADER.pack(marker, kind, flags, tag, size + trailer))
        run += schema_message
        run += metadata
        pieces = [run]
        for buffer, piece_size in zip(buffers, sizes):
            if not piece_size:
                continue
            if piece_size != buffer.size:
                buffer = memoryview(buffer)[:piece_size]
            padding = -piece_size & 7
            if piece_size < _INLINE_MAX:
                run += buffer
                if padding:
                    run += _PADDING[:padding]
            else:
                run = bytearray(_PADDING[:padding])
                pieces += (buffer, run)
        run += _EOS
        run += DIGEST.pack(frame_digest(*pieces))
        try:
            end = self._position + nbytes
            if end > self._reserved and self._reserve_with is not None:
                self._reserve(end)
            self._write_pieces(pieces, nbytes)
            self._position = end
        except OSError as exc:
            self._fail(exc)
        self._sent_messages += 1
        self._sent_bytes += nbytes

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
