"""Stream header and frame header encoding, and a bounds-checked frame iterator."""

from __future__ import annotations

import enum
import json
import struct
from dataclasses import dataclass
from typing import Iterator

STREAM_MAGIC = b"RRPY"
FORMAT_VERSION = 1
_STREAM_HEADER = struct.Struct("<4sHH")
STREAM_HEADER = _STREAM_HEADER.pack(STREAM_MAGIC, FORMAT_VERSION, 0)

FRAME_MARKER = b"RF"
FRAME_HEADER = struct.Struct("<2sBBIQ")

#: Largest payload a reader accepts before allocating anything (a 4 GiB frame is far beyond any
#: sane single log call; anything larger is treated as corruption).
MAX_FRAME_BYTES = 4 << 30


class WireError(ValueError):
    """Raised for bytes that are not a valid stream: wrong magic, newer version, corrupt frame."""


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


def encode_frame_header(kind: FrameKind, payload_length: int) -> bytes:
    """The 16 bytes that precede a payload of ``payload_length`` bytes."""
    return FRAME_HEADER.pack(FRAME_MARKER, int(kind), 0, 0, payload_length)


def parse_frame_header(data: bytes | memoryview, offset: int = 0, max_payload: int = MAX_FRAME_BYTES) -> tuple[FrameKind, int]:
    """Decode a frame header at ``offset``; return (kind, payload length).

    Raises
    ------
    WireError
        On a bad marker, an unknown kind or a payload length above ``max_payload``.
    """
    marker, kind, flags, _reserved, length = FRAME_HEADER.unpack_from(data, offset)
    if marker != FRAME_MARKER:
        raise WireError(f"frame at byte {offset}: bad marker {bytes(marker)!r}, expected {FRAME_MARKER!r}")
    try:
        kind = FrameKind(kind)
    except ValueError:
        raise WireError(f"frame at byte {offset}: unknown frame kind {kind}") from None
    if length > max_payload:
        raise WireError(f"frame at byte {offset}: payload length {length} exceeds the limit of {max_payload} bytes")
    return kind, length


def encode_json_frame(kind: FrameKind, obj: dict) -> bytes:
    """A complete control frame (header + JSON payload)."""
    payload = json.dumps(obj, separators=(",", ":")).encode("utf-8")
    return encode_frame_header(kind, len(payload)) + payload


@dataclass
class TornTail:
    """Where a stream ended in the middle of a frame (the writer died, or the copy was cut)."""

    offset: int
    missing_bytes: int


def iter_frames(data: bytes | memoryview, start: int = 0, tail: list | None = None) -> Iterator[Frame]:
    """Yield each complete frame in ``data`` from ``start`` (just after the stream header).

    A frame cut off at the end of ``data`` is not yielded: iteration stops cleanly and, if ``tail``
    is a list, a :class:`TornTail` describing it is appended so the caller can say so. A frame whose
    header is corrupt raises :class:`WireError`.
    """
    view = memoryview(data).cast("B")
    size = len(view)
    pos = start
    header_size = FRAME_HEADER.size
    while pos < size:
        if size - pos < header_size:
            if tail is not None:
                tail.append(TornTail(pos, header_size - (size - pos)))
            return
        kind, length = parse_frame_header(view, pos)
        body = pos + header_size
        if body + length > size:
            if tail is not None:
                tail.append(TornTail(pos, body + length - size))
            return
        yield Frame(kind, view[body : body + length], pos)
        pos = body + length
