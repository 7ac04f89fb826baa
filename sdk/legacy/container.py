"""The outer layers of a Rerun 0.4 ``.rrd`` file: header, zstd stream, length-prefixed MessagePack records.

Layout (read from ``re_log_types/src/encoding.rs`` at v0.4.0 and confirmed on files the SDK wrote)::

    bytes 0-3   magic b"RRF0"
    bytes 4-7   writer version [major, minor, patch, suffix]
    bytes 8-    one zstd stream (normally one frame, no content size, no checksum); decompressed it is
                a sequence of records: u64 LE byte length, then MessagePack of one ``LogMsg``

There is no index, footer or per-record checksum: a file ends when its zstd stream ends. A file cut off
while being written therefore ends in an unfinished zstd frame; that *torn tail* is not an error (every
complete record before it is returned and a warning says where it stopped). Other damage is skipped
with a warning, as far as the format allows (see :func:`iter_records`); changed bytes that still decode
cannot be told from data (there is no checksum).

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
    """What :func:`iter_records` got through; filled in as it goes.

    ``reject_last`` is the caller's answer about the record just yielded: set it to True when that
    record did not decode, and the reader looks for the next record inside it instead of after it (a
    damaged length may have swallowed the records behind it).
    """

    records: int = 0
    torn: bool = False
    #: Records (or damaged stretches) skipped, and compressed bytes that could not be decoded.
    skipped: int = 0
    lost_compressed_bytes: int = 0
    reject_last: bool = False
    #: Offset in the decompressed stream of the record just yielded.
    offset: int = 0
    #: Looking for the next record start after damage (reported once, not for every chunk searched).
    searching: bool = False


_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
#: How a LogMsg record of Rerun 0.4 starts (rmp-serde: a one-key map naming the variant, or the unit
#: variant's name): what a search for the next record after damage looks for.
_RECORD_STARTS = (b"\x81\xa8ArrowMsg", b"\x81\xb1BeginRecordingMsg", b"\x81\xafEntityPathOpMsg", b"\xa7Goodbye")
#: Input fed to the decompressor at a time when finding exactly where the damage starts.
_FINE_CHUNK = 256


def iter_records(
    data: bytes | memoryview,
    warnings: list[str] | None = None,
    stats: RecordStats | None = None,
) -> Iterator[bytes]:
    """Yield the MessagePack bytes of every complete record after the 8-byte header, past any damage it can.

    Decompresses incrementally, so at most about one record plus one input chunk of decompressed data
    is held beyond the records the caller keeps.

    Damage is skipped with a warning (appended to ``warnings``), never raised:

    - everything decompressed before damaged zstd data is kept, to the last byte zstd produced;
      decoding resumes at the next zstd frame, if any. Within one frame it cannot: each block copies
      matches out of the output before it (a window of 2 MiB in the SDK's files) at distances counted
      in an output length that is lost with the damaged block, and may reuse that block's entropy
      tables. Rerun 0.4.0 writes a whole file as one frame, so there the rest of the file is lost.
    - a record whose length is impossible, or whose start is not a LogMsg, is skipped: the next one
      is found by its start (length, then a LogMsg variant name), inside the damaged one first.
    - a record the caller could not decode (``stats.reject_last``) is skipped the same way.

    Parameters
    ----------
    data : bytes, memoryview or mmap.mmap
        The whole file, header included (the header is not checked here). From an ``mmap.mmap`` the pages
        already read are released as decompression goes on, so a big file never stays resident whole.
    warnings : list of str, optional
        A torn tail, and each damaged stretch skipped, append a message.
    stats : RecordStats, optional
        Updated with the record count, what was skipped and whether the stream was torn.
    """
    stats = stats if stats is not None else RecordStats()
    warnings = warnings if warnings is not None else []
    buffer = bytearray()
    read_pos = 0  # start of the first unread record in ``buffer``
    consumed = 0  # decompressed bytes dropped from the front of ``buffer``
    frame_complete = False
    for piece in _decompressed(data, warnings, stats):
        if piece is None:  # a stretch of the stream is missing: what was partly read of a record is lost
            read_pos = _resync(buffer, len(buffer), consumed, stats, warnings, "after a damaged stretch of the compressed stream")
            del buffer[:read_pos]
            consumed += read_pos
            read_pos = 0
            continue
        frame_complete, out = piece
        if read_pos > (1 << 20) and read_pos * 2 > len(buffer):
            del buffer[:read_pos]
            consumed += read_pos
            read_pos = 0
        buffer += out
        while True:
            record = _next_record(buffer, read_pos)
            if record is None:
                break
            if record == _DAMAGED:
                read_pos = _resync(buffer, read_pos + 1, consumed, stats, warnings, "a record with an impossible start or length")
                continue
            start, end = record
            stats.offset = consumed + read_pos
            # A copy: a view would pin ``buffer`` and forbid growing it while the caller holds the record.
            yield bytes(memoryview(buffer)[start:end])
            stats.records += 1
            if stats.reject_last:
                stats.reject_last = False
                read_pos = _resync(buffer, read_pos + 1, consumed, stats, warnings, None)
            else:
                read_pos = end

    remaining = len(buffer) - read_pos
    if remaining == 0 and frame_complete:
        return
    if not frame_complete:
        if stats.lost_compressed_bytes and not stats.torn:
            return  # the damage ended the stream, and was reported
        stats.torn = True
        partial = f"; dropped {remaining} bytes of a partial record" if remaining else ""
        warnings.append(
            f"the .rrd file ends before its compressed stream does (torn tail: the writer probably "
            f"stopped mid-write): read {stats.records} complete records{partial}"
        )
        return
    stats.skipped += 1
    warnings.append(
        f"damaged .rrd: the compressed stream ends cleanly but its last record is cut short "
        f"({remaining} bytes left after {stats.records} records); dropped them"
    )


_DAMAGED = (-1, -1)


def _next_record(buffer: bytearray, pos: int) -> tuple[int, int] | None:
    """(start, end) of the record at ``pos`` if it is complete in ``buffer``, None if more bytes are needed,
    :data:`_DAMAGED` if what is there cannot be a LogMsg record."""
    if len(buffer) - pos < _LENGTH.size + 1:
        return None
    (length,) = _LENGTH.unpack_from(buffer, pos)
    start = pos + _LENGTH.size
    first = buffer[start]
    # A one-key map (0x81) or the bare name of a unit variant (a fixstr, 0xa0-0xbf).
    if length == 0 or length > MAX_RECORD_BYTES or not (first == 0x81 or 0xA0 <= first <= 0xBF):
        return _DAMAGED
    end = start + length
    if end > len(buffer):
        return None
    return start, end


def _resync(buffer: bytearray, search_from: int, consumed: int, stats: RecordStats, warnings: list[str], why: str | None) -> int:
    """Position of the next plausible record start at or after ``search_from`` (or the end of ``buffer``
    to wait for more bytes); counts and reports the skipped stretch."""
    found = -1
    for marker in _RECORD_STARTS:
        at = buffer.find(marker, search_from + _LENGTH.size)
        while at != -1:
            (length,) = _LENGTH.unpack_from(buffer, at - _LENGTH.size)
            if 0 < length <= MAX_RECORD_BYTES:
                break
            at = buffer.find(marker, at + 1)
        if at != -1 and (found == -1 or at - _LENGTH.size < found):
            found = at - _LENGTH.size
    skipped_from = search_from - 1
    already, stats.searching = stats.searching, found == -1
    if already:
        return _resync_position(buffer, search_from, found)
    stats.skipped += 1
    if why is not None:
        where = f"at byte {consumed + skipped_from} of the decompressed stream (after record {stats.records})"
        if found == -1:
            warnings.append(f"damaged .rrd: {why} {where}; looking for the next record")
        else:
            warnings.append(f"damaged .rrd: {why} {where}; skipped {found - skipped_from} bytes to the next record")
    return _resync_position(buffer, search_from, found)


def _resync_position(buffer: bytearray, search_from: int, found: int) -> int:
    if found == -1:
        # Keep the tail that may hold the start of the next record's marker.
        return max(search_from, len(buffer) - len(_RECORD_STARTS[1]) - _LENGTH.size)
    return found


def _decompressed(data, warnings: list[str], stats: RecordStats) -> Iterator[tuple[bool, bytes] | None]:
    """``(frame complete, bytes)`` as the zstd stream after the header decompresses; None where a damaged
    stretch was skipped (decoding resumed at a later zstd frame)."""
    import zstandard

    mapping = data if isinstance(data, mmap.mmap) else None
    released = 0  # bytes at the start of ``mapping`` already handed back to the kernel
    source = memoryview(data).cast("B")[HEADER_SIZE:]
    in_pos = 0
    frame_start = 0
    produced = 0  # bytes the current frame has produced so far
    decompressor = zstandard.ZstdDecompressor().decompressobj()
    while in_pos < len(source):
        chunk = source[in_pos : in_pos + _INPUT_CHUNK]
        if mapping is not None and in_pos + len(chunk) + HEADER_SIZE - released >= _RELEASE_BYTES:
            # A memory-mapped file: pages already decompressed would stay resident (and count in the reader's
            # RSS) until the mapping closes; drop them, the page cache keeps them if they are read again.
            upto = (in_pos + HEADER_SIZE) // mmap.PAGESIZE * mmap.PAGESIZE
            if upto > released:
                mapping.madvise(mmap.MADV_DONTNEED, released, upto - released)
                released = upto
        try:
            out = decompressor.decompress(chunk)
        except zstandard.ZstdError as exc:
            # Nothing of this chunk came out: decode the frame again up to the exact place of the damage.
            tail, damage_at = _decode_up_to_damage(source, frame_start, in_pos, produced)
            if tail:
                yield False, tail
            resume = bytes(source[damage_at:]).find(_ZSTD_MAGIC)
            lost = len(source) - damage_at if resume == -1 else resume
            stats.lost_compressed_bytes += lost
            stats.skipped += 1
            more = "" if resume == -1 else f"; resumed at the next zstd frame, {resume} bytes on"
            warnings.append(
                f"damaged .rrd: the compressed stream is damaged at byte {HEADER_SIZE + damage_at} of the file ({exc}): "
                f"kept the {stats.records} records before it"
                + (
                    "; the rest of this zstd frame cannot be decoded (its blocks refer to the data and tables of the "
                    f"damaged one): {lost} compressed bytes lost" if resume == -1 else more
                )
            )
            if resume == -1:
                return
            yield None
            in_pos = frame_start = damage_at + resume
            produced = 0
            decompressor = zstandard.ZstdDecompressor().decompressobj()
            continue
        in_pos += len(chunk)
        produced += len(out)
        if decompressor.eof:
            leftover = decompressor.unused_data
            if leftover or in_pos < len(source):
                # Another zstd frame follows (Rerun wrote one, but concatenated frames are still one stream).
                in_pos -= len(leftover)
                frame_start = in_pos
                produced = 0
                decompressor = zstandard.ZstdDecompressor().decompressobj()
                yield False, out
                continue
            yield True, out
            continue
        yield False, out


def _decode_up_to_damage(source: memoryview, frame_start: int, chunk_start: int, produced: int) -> tuple[bytes, int]:
    """Decode the frame at ``frame_start`` again, the chunk at ``chunk_start`` in small steps, and return the bytes
    beyond the first ``produced`` that came out before the error, and where in ``source`` the error was met."""
    import zstandard

    decompressor = zstandard.ZstdDecompressor().decompressobj()
    skipped = 0
    pos = frame_start
    while pos < chunk_start:  # decoded fine before: only the count matters
        step = source[pos : min(chunk_start, pos + _INPUT_CHUNK)]
        skipped += len(decompressor.decompress(step))
        pos += len(step)
    tail = bytearray()
    end = min(len(source), chunk_start + _INPUT_CHUNK)
    while pos < end:
        step = source[pos : min(end, pos + _FINE_CHUNK)]
        try:
            out = decompressor.decompress(step)
        except zstandard.ZstdError:
            break
        tail += out
        pos += len(step)
        if decompressor.eof:
            break
    return bytes(tail[max(0, produced - skipped) :]), pos


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
