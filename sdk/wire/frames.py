"""Stream header and frame header encoding, frame checksums, and a bounds-checked frame iterator."""

from __future__ import annotations

import enum
import json
import struct
from dataclasses import dataclass
from typing import Iterator

from crc32c import crc32c
from xxhash import xxh3_64, xxh3_64_intdigest

STREAM_MAGIC = b"RRPY"
#: 3: frames end with an XXH3-64 (``FLAG_XXH3``). 2: frames may end with a CRC32C (``FLAG_CRC32C``).
#: 1: no checksums. All three are read.
FORMAT_VERSION = 3
_STREAM_HEADER = struct.Struct("<4sHH")
STREAM_HEADER = _STREAM_HEADER.pack(STREAM_MAGIC, FORMAT_VERSION, 0)

FRAME_MARKER = b"RF"
FRAME_HEADER = struct.Struct("<2sBBIQ")

#: Frame flag (format 2): the frame's last 4 bytes (counted in its length) are the CRC32C
#: (Castagnoli, u32 LE) of the 16-byte header and the payload before them. Read, no longer written.
FLAG_CRC32C = 0x01
#: Frame flag (format 3): the frame's last 8 bytes (counted in its length) are the XXH3-64 (seed 0,
#: u64 LE) of the 16-byte header and the payload before them. Every writer sets it.
FLAG_XXH3 = 0x02
#: The reserved field of a frame with ``FLAG_XXH3`` (b"XXH3"; zero in every other frame): a damaged
#: flag byte then no longer passes for a frame without a checksum, whose payload nobody would verify.
XXH3_TAG = int.from_bytes(b"XXH3", "little")
#: Either checksum flag: the frame carries a checksum.
CHECKSUM_FLAGS = FLAG_CRC32C | FLAG_XXH3
KNOWN_FLAGS = CHECKSUM_FLAGS
CRC32C = struct.Struct("<I")
DIGEST = struct.Struct("<Q")
_TRAILER = {0: 0, FLAG_CRC32C: CRC32C.size, FLAG_XXH3: DIGEST.size}

#: The first format whose every frame carries a checksum: in a stream of this version or later a frame
#: without one is damaged (a burst that cleared both its flag and its tag), never an old frame.
CHECKSUMS_REQUIRED_FROM = 3

#: Largest payload a reader accepts before allocating anything (a 4 GiB frame is far beyond any
#: sane single log call; anything larger is treated as corruption).
MAX_FRAME_BYTES = 4 << 30


def frame_size(payload_length: int) -> int:
    """Bytes of a frame as written now: header, ``payload_length`` bytes of payload, XXH3 trailer."""
    return FRAME_HEADER.size + payload_length + DIGEST.size


class WireError(ValueError):
    """Raised for bytes that are not a valid stream: wrong magic, newer version, corrupt frame."""


class ChecksumError(WireError):
    """A frame whose checksum does not match its bytes (changed after it was written).

    ``stored`` and ``computed`` are the two checksums, as text (hex).
    """

    def __init__(self, offset: int, stored: str, computed: str) -> None:
        super().__init__(
            f"frame at byte {offset}: checksum mismatch (stored {stored}, computed {computed}): "
            "its bytes changed after it was written"
        )
        self.stored = stored
        self.computed = computed


class MissingChecksumError(WireError):
    """A frame without a checksum in a stream whose format requires one on every frame.

    No writer of such a stream leaves it out, so its header was damaged: the checksum flag and the
    b"XXH3" tag next to it were both cleared (a burst), and its bytes cannot be verified.
    """

    def __init__(self, offset: int, format_version: int) -> None:
        super().__init__(
            f"frame at byte {offset}: no checksum, although every frame of a format-{format_version} stream carries one: "
            "its header was damaged (checksum flag and tag cleared), so its bytes cannot be trusted"
        )
        self.format_version = format_version


def checksums_required(format_version: int) -> bool:
    """Whether every frame of a stream of ``format_version`` must carry a checksum (format 3 on)."""
    return format_version >= CHECKSUMS_REQUIRED_FROM


class FrameKind(enum.IntEnum):
    """What a frame's payload holds."""

    BEGIN_RECORDING = 1
    LOG = 2
    CLEAR = 3
    GOODBYE = 4


@dataclass(frozen=True)
class Frame:
    """One decoded frame: its kind and a zero-copy view of its payload."""

    kind: FrameKind
    payload: memoryview
    offset: int  # byte offset of the frame header in its stream, for error messages

    def json(self) -> dict:
        """Decode a control frame's JSON payload (raises WireError if it is not a JSON object)."""
        try:
            value = json.loads(bytes(self.payload).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise WireError(f"frame at byte {self.offset}: control payload is not valid JSON ({exc})") from None
        if not isinstance(value, dict):
            raise WireError(f"frame at byte {self.offset}: control payload is not a JSON object")
        return value


def parse_stream_header(data: bytes | memoryview) -> int:
    """Check an 8-byte stream header and return its format version.

    Raises
    ------
    WireError
        If the magic is wrong or the version is newer than this reader understands.
    """
    if len(data) < _STREAM_HEADER.size:
        raise WireError(f"stream too short for a header: {len(data)} bytes, expected at least {_STREAM_HEADER.size}")
    magic, version, _flags = _STREAM_HEADER.unpack_from(data, 0)
    if magic != STREAM_MAGIC:
        raise WireError(f"not a rerun stream: magic {bytes(magic)!r}, expected {STREAM_MAGIC!r}")
    if version > FORMAT_VERSION:
        raise WireError(
            f"stream format version {version} is newer than this reader (supports up to {FORMAT_VERSION}); "
            "upgrade rerun to read it"
        )
    if version == 0:
        raise WireError("stream format version 0 is invalid")
    return version


def encode_frame_header(kind: FrameKind, payload_length: int, checksum: bool = False) -> bytes:
    """The 16 bytes that precede a payload of ``payload_length`` bytes.

    With ``checksum`` (what every writer of this package passes) the frame's length also counts the
    8-byte XXH3 trailer that must follow the payload (see :func:`seal_frame`, :func:`frame_digest`).
    Without it, a frame without a checksum, as format 1 wrote them (still read).
    """
    if checksum:
        return FRAME_HEADER.pack(FRAME_MARKER, int(kind), FLAG_XXH3, XXH3_TAG, payload_length + DIGEST.size)
    return FRAME_HEADER.pack(FRAME_MARKER, int(kind), 0, 0, payload_length)


def frame_digest(*parts) -> int:
    """XXH3-64 (seed 0) of the concatenation of ``parts`` (a frame's header, then its payload pieces).

    ~50 GB/s on this machine's AVX2 core against ~24 GB/s for hardware CRC32C
    (``bench/wire_checksum.py``).
    """
    if len(parts) == 1:
        return xxh3_64_intdigest(parts[0])
    state = xxh3_64()
    for part in parts:
        state.update(part)
    return state.intdigest()


def seal_frame(frame) -> None:
    """Write the XXH3 trailer of ``frame`` in place: a writable buffer holding exactly one frame
    (header from ``encode_frame_header(..., checksum=True)``, payload, 8 bytes to fill)."""
    view = memoryview(frame).cast("B") if not isinstance(frame, memoryview) or frame.format != "B" else frame
    end = len(view) - DIGEST.size
    DIGEST.pack_into(view, end, xxh3_64_intdigest(view[:end]))


def crc32c_checksum(header: bytes | memoryview, payload=b"", value: int = 0) -> int:
    """CRC32C of a format-2 frame's header and payload; ``value`` continues an earlier partial result."""
    return crc32c(payload, crc32c(header, value)) if len(payload) else crc32c(header, value)


def parse_frame_header(data: bytes | memoryview, offset: int = 0, max_payload: int = MAX_FRAME_BYTES) -> tuple[FrameKind, int]:
    """Decode a frame header at ``offset``; return (kind, length of everything after the header).

    The length includes the checksum when the frame has one (see :func:`checked_payload`).

    Raises
    ------
    WireError
        On a bad marker, an unknown kind, unknown flags, reserved bytes other than zero (``XXH3_TAG``
        with ``FLAG_XXH3``), a length too short for the frame's checksum or above
        ``max_payload``.
    """
    marker, kind, flags, reserved, length = FRAME_HEADER.unpack_from(data, offset)
    if marker != FRAME_MARKER:
        raise WireError(f"frame at byte {offset}: bad marker {bytes(marker)!r}, expected {FRAME_MARKER!r}")
    try:
        kind = FrameKind(kind)
    except ValueError:
        raise WireError(f"frame at byte {offset}: unknown frame kind {kind}") from None
    if flags & ~KNOWN_FLAGS or flags == CHECKSUM_FLAGS or reserved != (XXH3_TAG if flags == FLAG_XXH3 else 0):
        raise WireError(f"frame at byte {offset}: unknown flags {flags:#x} or reserved bytes {reserved:#x} that do not go with them")
    if length > max_payload:
        raise WireError(f"frame at byte {offset}: payload length {length} exceeds the limit of {max_payload} bytes")
    if length < _TRAILER[flags]:
        raise WireError(f"frame at byte {offset}: length {length} is too short for its checksum")
    return kind, length


def checked_payload(data: memoryview | bytes, offset: int, length: int, format_version: int = FORMAT_VERSION) -> memoryview:
    """The payload of the frame at ``offset`` (header already parsed: ``length`` bytes follow it).

    A frame with a checksum (XXH3 or, from format 2, CRC32C) is verified and its payload returned
    without the checksum. ``format_version`` is the version in the header of the frame's stream: from
    format 3 on a frame without a checksum is damaged (see :func:`checksums_required`).

    Raises
    ------
    ChecksumError
        If the checksum does not match: the header or payload changed after it was written.
    MissingChecksumError
        If the frame has no checksum but its stream's format requires one.
    """
    view = memoryview(data).cast("B") if not isinstance(data, memoryview) or data.format != "B" else data
    body = offset + FRAME_HEADER.size
    flags = view[offset + 3] & CHECKSUM_FLAGS
    if not flags:
        if format_version >= CHECKSUMS_REQUIRED_FROM:
            raise MissingChecksumError(offset, format_version)
        return view[body : body + length]
    end = body + length - _TRAILER[flags]
    if flags == FLAG_XXH3:
        (stored,) = DIGEST.unpack_from(view, end)
        actual = xxh3_64_intdigest(view[offset:end])
        width = 18
    else:
        (stored,) = CRC32C.unpack_from(view, end)
        actual = crc32c_checksum(view[offset:body], view[body:end])
        width = 10
    if actual != stored:
        raise ChecksumError(offset, f"{stored:#0{width}x}", f"{actual:#0{width}x}")
    return view[body:end]


def verified_payload(data: memoryview | bytes, offset: int, length: int) -> memoryview:
    """The payload of a frame that :func:`checked_payload` (or :func:`iter_frames`) already verified:
    the same view, without hashing the frame a second time."""
    view = memoryview(data).cast("B") if not isinstance(data, memoryview) or data.format != "B" else data
    body = offset + FRAME_HEADER.size
    return view[body : body + length - _TRAILER[view[offset + 3] & CHECKSUM_FLAGS]]


def with_checksum(frame: memoryview | bytes) -> tuple:
    """The pieces to write for ``frame`` (one whole frame) so that it has a checksum.

    A frame that has one is returned as it is; otherwise a new header (XXH3 flag set, length + 8),
    the payload (not copied) and the XXH3 trailer.
    """
    view = memoryview(frame).cast("B") if not isinstance(frame, memoryview) or frame.format != "B" else frame
    if view[3] & CHECKSUM_FLAGS:
        return (view,)
    kind, length = parse_frame_header(view, 0)
    payload = view[FRAME_HEADER.size : FRAME_HEADER.size + length]
    header = encode_frame_header(kind, length, checksum=True)
    return header, payload, DIGEST.pack(frame_digest(header, payload))


def encode_json_frame(kind: FrameKind, obj: dict, checksum: bool = False) -> bytes:
    """A complete control frame (header + JSON payload [+ XXH3])."""
    payload = json.dumps(obj, separators=(",", ":")).encode("utf-8")
    header = encode_frame_header(kind, len(payload), checksum)
    if checksum:
        return header + payload + DIGEST.pack(frame_digest(header + payload))
    return header + payload


@dataclass
class TornTail:
    """Where a stream ended in the middle of a frame (the writer died, or the copy was cut)."""

    offset: int
    missing_bytes: int


@dataclass
class CorruptRegion:
    """Bytes skipped while reading because they held no valid frame (the reader went on after them)."""

    offset: int
    length: int
    reason: str


def _plausible_frame(view: memoryview, pos: int, size: int, format_version: int) -> bool:
    """Whether a whole, valid frame starts at ``pos`` (checksum verified where it has one, and required
    where ``format_version`` requires it)."""
    if size - pos < FRAME_HEADER.size or view[pos : pos + 2] != FRAME_MARKER:
        return False
    try:
        _kind, length = parse_frame_header(view, pos)
        if pos + FRAME_HEADER.size + length > size:
            return False
        checked_payload(view, pos, length, format_version)
    except WireError:
        return False
    return True


_SCAN_BYTES = 1 << 20


def _next_frame(view: memoryview, start: int, size: int, format_version: int) -> int:
    """Offset of the first valid (verified) frame at or after ``start``, or ``size`` if there is none."""
    pos = start
    while pos < size:
        window = bytes(view[pos : min(size, pos + _SCAN_BYTES + 1)])
        found = window.find(FRAME_MARKER)
        while found >= 0:
            if _plausible_frame(view, pos + found, size, format_version):
                return pos + found
            found = window.find(FRAME_MARKER, found + 1)
        pos += _SCAN_BYTES
    return size


def iter_frames(
    data: bytes | memoryview, start: int = 0, tail: list | None = None, corrupt: list | None = None,
    format_version: int = FORMAT_VERSION,
) -> Iterator[Frame]:
    """Yield each complete frame in ``data`` from ``start`` (just after the stream header).

    ``format_version`` is the version in that stream header (:func:`parse_stream_header`): from
    format 3 on every frame must carry a checksum, and one without is damaged.

    A frame cut off at the end of ``data`` is not yielded: iteration stops cleanly and, if ``tail``
    is a list, a :class:`TornTail` describing it is appended so the caller can say so. A frame with
    a checksum is verified (once) before it is yielded; its payload excludes the checksum.

    A corrupt frame (bad header, checksum mismatch, missing checksum) raises :class:`WireError`,
    unless ``corrupt`` is a list: then a :class:`CorruptRegion` is appended for it and reading goes
    on at the next valid frame (after the damaged one when its length can be trusted, else at the
    next frame marker that starts a valid frame), so one damaged frame costs only itself.
    """
    view = memoryview(data).cast("B")
    size = len(view)
    pos = start
    header_size = FRAME_HEADER.size
    verified = -1  # where a frame starts that finding the way past damage has already verified
    while pos < size:
        if size - pos < header_size:
            if corrupt is not None and view[pos : pos + 2] != FRAME_MARKER[: size - pos]:
                corrupt.append(CorruptRegion(pos, size - pos, "trailing bytes that are no frame"))
            elif tail is not None:
                tail.append(TornTail(pos, header_size - (size - pos)))
            return
        try:
            kind, length = parse_frame_header(view, pos)
        except WireError as exc:
            if corrupt is None:
                raise
            resume = verified = _next_frame(view, pos + 1, size, format_version)
            corrupt.append(CorruptRegion(pos, resume - pos, str(exc)))
            pos = resume
            continue
        body = pos + header_size
        if body + length > size:
            resume = _next_frame(view, pos + 1, size, format_version) if corrupt is not None else size
            if resume < size:  # a valid frame follows: this length was damaged, not cut off
                corrupt.append(CorruptRegion(pos, resume - pos, f"frame at byte {pos}: length {length} runs past the end of the data"))
                pos = verified = resume
                continue
            if tail is not None:
                tail.append(TornTail(pos, body + length - size))
            return
        try:
            payload = verified_payload(view, pos, length) if pos == verified else checked_payload(view, pos, length, format_version)
        except (ChecksumError, MissingChecksumError) as exc:
            if corrupt is None:
                raise
            resume = body + length
            if resume < size and not _plausible_frame(view, resume, size, format_version):
                resume = _next_frame(view, pos + 1, size, format_version)
            corrupt.append(CorruptRegion(pos, resume - pos, str(exc)))
            pos = verified = resume
            continue
        yield Frame(kind, payload, pos)
        pos = body + length
