"""Frames from the GL thread to the pages: JPEG encoding, the binary frame message, and per-page flow control.

One binary WebSocket message per frame: a little-endian u32 header length, a JSON header (``index``, ``width``,
``height``, ``input_seq`` — the last input event applied —, ``render_ms``, ``encode_ms``, ``scene``), then the JPEG
bytes. Each page acknowledges every frame it has drawn; a page holding ``max_in_flight`` unacknowledged frames gets
nothing more until it acks, and then it gets the newest frame (never a backlog of stale ones). A page that never
acks only stalls itself: the others go on. No GL import here (the GL thread hands in pixels).
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

log = logging.getLogger(__name__)

JPEG_QUALITY = 80
MAX_IN_FLIGHT = 2
#: A page that has held all its frames unacknowledged for this long is reported (once) as stalled.
STALL_REPORT_S = 5.0
_HEADER_LENGTH = struct.Struct("<I")


def encode_gl_rgb(buffer: bytes | np.ndarray, width: int, height: int, quality: int = JPEG_QUALITY) -> bytes:
    """GL readback (RGB, rows bottom-up, tightly packed) → JPEG, flipped by the decoder: no copy of the pixels."""
    from PIL import Image

    image = Image.frombuffer("RGB", (width, height), buffer, "raw", "RGB", 0, -1)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, subsampling=0)  # 4:4:4: thin coloured UI lines survive
    return out.getvalue()


@dataclass(frozen=True)
class EncodedFrame:
    """A rendered, encoded frame shared by every page."""

    index: int
    width: int
    height: int
    jpeg: bytes
    input_seq: int
    render_ms: float
    encode_ms: float
    scene_rendered: bool

    def message(self) -> bytes:
        """The binary WebSocket message for this frame."""
        header = json.dumps({
            "index": self.index, "width": self.width, "height": self.height, "input_seq": self.input_seq,
            "render_ms": round(self.render_ms, 2), "encode_ms": round(self.encode_ms, 2),
            "scene": self.scene_rendered, "bytes": len(self.jpeg),
        }).encode()
        return _HEADER_LENGTH.pack(len(header)) + header + self.jpeg


def decode_frame_message(message: bytes) -> tuple[dict, bytes]:
    """(header, JPEG bytes) of a frame message (tests and the benchmark read frames with it)."""
    (length,) = _HEADER_LENGTH.unpack_from(message, 0)
    header = json.loads(message[4 : 4 + length])
    return header, message[4 + length :]


@dataclass
class PageState:
    """Flow-control bookkeeping of one connected page."""

    page_id: int
    send: Callable[[EncodedFrame], None]
    in_flight: int = 0
    last_sent: int = -1
    last_ack: float = field(default_factory=time.monotonic)
    frames_sent: int = 0
    bytes_sent: int = 0
    stall_reported: bool = False


class FrameHub:
    """Shares the newest frame with every page, honouring each page's acks. Thread-safe.

    Parameters
    ----------
    on_capacity : callable
        Called (from any thread) when a page may take a frame again: a page connected or acked. The renderer
        wakes up on it and draws if something changed meanwhile.
    max_in_flight : int
        Unacknowledged frames a page may hold.
    """

    def __init__(self, on_capacity: Callable[[], None], max_in_flight: int = MAX_IN_FLIGHT) -> None:
        self._lock = threading.Lock()
        self._pages: dict[int, PageState] = {}
        self._ids = itertools.count(1)
        self._latest: EncodedFrame | None = None
        self._on_capacity = on_capacity
        self.max_in_flight = max_in_flight
        self.frames_published = 0

    # -- pages -------------------------------------------------------------------------------------------
    def add_page(self, send: Callable[[EncodedFrame], None]) -> int:
        """Register a page; ``send(frame)`` is called (under no lock) for each frame it should get."""
        with self._lock:
            page = PageState(next(self._ids), send)
            self._pages[page.page_id] = page
        self._deliver()  # a new page gets the newest frame at once, even while nothing changes
        self._on_capacity()
        return page.page_id

    def remove_page(self, page_id: int) -> None:
        with self._lock:
            self._pages.pop(page_id, None)

    def page_count(self) -> int:
        with self._lock:
            return len(self._pages)

    def stats(self) -> list[dict]:
        """Per page: frames and bytes sent, frames in flight."""
        with self._lock:
            return [{"page": p.page_id, "frames_sent": p.frames_sent, "bytes_sent": p.bytes_sent,
                     "in_flight": p.in_flight} for p in self._pages.values()]

    def ack(self, page_id: int, index: int) -> None:
        """Page ``page_id`` drew frame ``index``; it may get the newest frame now."""
        with self._lock:
            page = self._pages.get(page_id)
            if page is None:
                return
            if index > page.last_sent:
                log.warning("web viewer: page %d acknowledged frame %d that it was never sent; ignored", page_id, index)
                return
            page.in_flight = max(page.in_flight - 1, 0)
            page.last_ack = time.monotonic()
            page.stall_reported = False
        self._deliver()
        self._on_capacity()

    # -- frames ------------------------------------------------------------------------------------------
    def can_take_frame(self) -> bool:
        """Whether some page could be sent a new frame now (the renderer draws only then)."""
        now = time.monotonic()
        with self._lock:
            free = False
            for page in self._pages.values():
                if page.in_flight < self.max_in_flight:
                    free = True
                elif now - page.last_ack > STALL_REPORT_S and not page.stall_reported:
                    page.stall_reported = True
                    log.warning("web viewer: page %d has not acknowledged a frame for %.0f s; it gets no frames "
                                "until it does (other pages are not affected)", page.page_id, now - page.last_ack)
            return free

    def publish(self, frame: EncodedFrame) -> None:
        """Make ``frame`` the newest and send it to every page that can take it."""
        with self._lock:
            self._latest = frame
            self.frames_published += 1
        self._deliver()

    def _deliver(self) -> None:
        due: list[tuple[PageState, EncodedFrame]] = []
        with self._lock:
            frame = self._latest
            if frame is None:
                return
            for page in self._pages.values():
                if page.last_sent < frame.index and page.in_flight < self.max_in_flight:
                    page.last_sent = frame.index
                    page.in_flight += 1
                    page.frames_sent += 1
                    page.bytes_sent += len(frame.jpeg)
                    due.append((page, frame))
        for page, frame in due:
            page.send(frame)
