"""The outer layers of a Rerun 0.4 ``.rrd`` file: header, zstd stream, length-prefixed MessagePack records.

Layout (read from ``re_log_types/src/encoding.rs`` at v0.4.0 and confirmed on files the SDK wrote)::

    bytes 0-3   magic b"RRF0"
    bytes 4-7   writer version [major, minor, patch, suffix]
    bytes 8-    one zstd stream (normally one frame, no content size, no checksum); decompressed it is
                a sequence of records: u64 LE byte length, then MessagePack of one ``LogMsg``

There is no index, footer or per-record checksum: a file ends when its zstd stream ends. A file cut off
while being written therefore ends in an unfinished zstd frame; that *torn tail* is not an error (every
complete record before it is returned and a warning says where it stopped). Damage anywhere else is.

``zstandard`` and ``msgpack`` are imported inside the functions so ``import rerun`` stays light.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from typing import Iterator

from rerun.wire.frames import WireError

LEGACY_MAGIC = b"RRF0"
HEADER_SIZE = 8
#: The writer version this reader was built against; other major.minor versions are tried with a warning.
KNOWN_VERSION = (0, 4)
#: A record longer than this is taken as corruption before anything is allocated for it.
MAX_RECORD_BYTES = 4 << 30
_LENGTH = struct.Struct("<Q")
_INPUT_CHUNK = 1 << 20
#: A memory-mapped file's decompressed pages are released in steps of this size.
_RELEASE_BYTES = 16 << 20


@dataclass(frozen=True)
class LegacyVersion:
    """The writer version stored in bytes 4-7 of a 0.4-era ``.rrd`` file."""

    major: int
    minor: int
    patch: int
    suffix: int

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.suffix & 0x80:
            text += f"-alpha.{self.suffix & 0x7F}"
        return text


def parse_legacy_header(data: bytes | memoryview, warnings: list[str] | None = None) -> LegacyVersion:
    """Check the magic and return the writer version of a Rerun 0.4-era ``.rrd`` file.

    A writer version other than 0.4 is not refused (Rerun itself only warns and tries); a warning is
    appended to ``warnings`` instead.

    Raises
    ------
    WireError
        If ``data`` is shorter than the 8-byte header or does not start with ``b"RRF0"``.
    """
    if len(data) < HEADER_SIZE:
        raise WireError(f"not an .rrd file: {len(data)} bytes, expected at least an {HEADER_SIZE}-byte header")
    magic = bytes(data[:4])
    if magic != LEGACY_MAGIC:
        raise WireError(f"not an .rrd file: magic {magic!r}, expected {LEGACY_MAGIC!r} (Rerun 0.4)")
    # 00 00 00 00 is what Rerun 0.2 wrote before it stored a version; Rerun reads it as 0.2.0.
    raw = bytes(data[4:8])
    version = LegacyVersion(0, 2, 0, 0) if raw == b"\0\0\0\0" else LegacyVersion(*raw)
    if (version.major, version.minor) != KNOWN_VERSION and warnings is not None:
        warnings.append(
            f"file written by Rerun {version}, this reader knows the 0.4 format: trying anyway, "
            "reading may fail or miss data"
        )
    return version


@dataclass
class RecordStats:
    """What :func:`iter_records` got through; filled in as it goes."""

    records: int = 0
    torn: bool = False


def iter_records(
    data: bytes | memoryview,
    warnings: list[str] | None = None,
    stats: RecordStats | None = None,
) -> Iterator[bytes]:
    """Yield the MessagePack bytes of every complete record after the 8-byte header.

    Decompresses incrementally, so at most about one record plus one input chunk of decompressed data
    is held beyond the records the caller keeps.

    Parameters
    ----------
    data : bytes, memoryview or mmap.mmap
        The whole file, header included (the header is not checked here). From an ``mmap.mmap`` the pages
        already read are released as decompression goes on, so a big file never stays resident whole.
    warnings : list of str, optional
        A torn tail appends a message saying how many records were read.
    stats : RecordStats, optional
        Updated with the record count and whether the stream was torn.

    Raises
    ------
    WireError
        On corrupt zstd data, bytes after the end of the last zstd frame that are not a new frame, a
        record length above :data:`MAX_RECORD_BYTES`, or a complete stream whose last record is cut short.
    """
    import zstandard

    stats = stats if stats is not None else RecordStats()
    mapping = data if isinstance(data, mmap.mmap) else None
    released = 0  # bytes at the start of ``mapping`` already handed back to the kernel
    source = memoryview(data).cast("B")[HEADER_SIZE:]
    buffer = bytearray()
    read_pos = 0  # start of the first unread record in ``buffer``
    in_pos = 0
    decompressor = zstandard.ZstdDecompressor().decompressobj()
    frame_complete = False

    while in_pos < len(source):
        chunk = source[in_pos : in_pos + _INPUT_CHUNK]
        in_pos += len(chunk)
        if mapping is not None and in_pos + HEADER_SIZE - released >= _RELEASE_BYTES:
            # A memory-mapped file: pages already decompressed would stay resident (and count in the reader's
            # RSS) until the mapping closes; drop them, the page cache keeps them if they are read again.
            upto = (in_pos + HEADER_SIZE - len(chunk)) // mmap.PAGESIZE * mmap.PAGESIZE
            if upto > released:
                mapping.madvise(mmap.MADV_DONTNEED, released, upto - released)
                released = upto
        try:
            out = decompressor.decompress(chunk)
        except zstandard.ZstdError as exc:
            raise WireError(
                f"corrupt .rrd: the zstd stream is damaged after {stats.records} records ({exc})"
            ) from None
        frame_complete = decompressor.eof
        if frame_complete:
            leftover = decompressor.unused_data
            if leftover or in_pos < len(source):
                # Another zstd frame follows (Rerun wrote one, but concatenated frames are still one stream).
                in_pos -= len(leftover)
                decompressor = zstandard.ZstdDecompressor().decompressobj()
                frame_complete = False
        if read_pos > (1 << 20) and read_pos * 2 > len(buffer):
            del buffer[:read_pos]
            read_pos = 0
        buffer += out
        while True:
            record = _next_record(buffer, read_pos, stats)
            if record is None:
                break
            start, end = record
            # A copy: a view would pin ``buffer`` and forbid growing it while the caller holds the record.
            yield bytes(memoryview(buffer)[start:end])
            read_pos = end
            stats.records += 1

    remaining = len(buffer) - read_pos
    if remaining == 0 and frame_complete:
        return
    if not frame_complete:
        stats.torn = True
        if warnings is not None:
            partial = f"; dropped {remaining} bytes of a partial record" if remaining else ""
            warnings.append(
                f"the .rrd file ends before its compressed stream does (torn tail: the writer probably "
                f"stopped mid-write): read {stats.records} complete records{partial}"
            )
        return
    raise WireError(
        f"corrupt .rrd: the compressed stream ends cleanly but its last record is cut short "
        f"({remaining} bytes left after {stats.records} records)"
    )


def _next_record(buffer: bytearray, pos: int, stats: RecordStats) -> tuple[int, int] | None:
    """(start, end) of the record at ``pos`` if it is complete in ``buffer``, else None."""
    if len(buffer) - pos < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack_from(buffer, pos)
    if length > MAX_RECORD_BYTES:
        raise WireError(
            f"corrupt .rrd: record {stats.records} claims {length} bytes, above the limit of {MAX_RECORD_BYTES}"
        )
    start = pos + _LENGTH.size
    end = start + length
    if end > len(buffer):
        return None
    return start, end


def decode_record(record: memoryview | bytes, index: int) -> object:
    """Decode one record's MessagePack into plain Python values (maps with unhashable keys become pair lists).

    Raises
    ------
    WireError
        If the bytes are not exactly one valid MessagePack value.
    """
    import msgpack

    try:
        return msgpack.unpackb(record, raw=False, strict_map_key=False, object_pairs_hook=_map_from_pairs)
    except Exception as exc:  # msgpack raises many types (ExtraData, FormatError, ValueError, ...)
        raise WireError(f"corrupt .rrd: record {index} is not valid MessagePack ({type(exc).__name__}: {exc})") from None


def _map_from_pairs(pairs: list[tuple]) -> dict | list[tuple]:
    # Rerun's TimePoint serialises as a map keyed by {name, typ} maps, which Python cannot hash.
    try:
        return dict(pairs)
    except TypeError:
        return list(pairs)
