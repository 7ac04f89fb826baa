"""The web viewer's server: the page over HTTP and the frame/input WebSocket (``/ws``) on one port.

It runs an asyncio loop on its own thread and never touches GL: frames come from the :class:`FrameHub`, input
events go to ``on_event`` (the renderer's inbox). A bad message from a page is dropped with a log line (the first
few per page, then a count); the page stays connected and the other pages never notice.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from http import HTTPStatus
from typing import Callable

from rerun_app.web.frame_stream import EncodedFrame, FrameHub
from rerun_app.web.input_events import Ack, BadInput, InputEvent, Resize, parse_message
from rerun_app.web.net import start_server_thread, warn_if_public
from rerun_app.web.page import page_file

log = logging.getLogger(__name__)

DEFAULT_WEB_PORT = 9090
#: Bad messages logged one by one per page; after that they are only counted.
LOGGED_BAD_MESSAGES = 5
#: Input events a page may send per second before the rest of that second is dropped (a flood).
MAX_EVENTS_PER_SECOND = 2000
#: WebSocket messages larger than this close the connection (input events are tiny).
MAX_WS_MESSAGE_BYTES = 64 << 10


def _asked_size(message: str) -> str:
    import json

    asked = json.loads(message)
    return f"{asked.get('width')!r}x{asked.get('height')!r}"


class PageCounters:
    """What one page sent: events accepted, bad messages and flood drops."""

    def __init__(self, page_id: int) -> None:
        self.page_id = page_id
        self.events = 0
        self.bad = 0
        self.flood_dropped = 0
        self._window_start = time.monotonic()
        self._window_events = 0

    def admit(self) -> bool:
        """Count one event against the per-second budget; False when it must be dropped."""
        now = time.monotonic()
        if now - self._window_start >= 1.0:
            if self.flood_dropped and self._window_events > MAX_EVENTS_PER_SECOND:
                log.warning("web viewer: page %d: input flood, dropped %d events so far", self.page_id,
                            self.flood_dropped)
            self._window_start, self._window_events = now, 0
        self._window_events += 1
        if self._window_events > MAX_EVENTS_PER_SECOND:
            self.flood_dropped += 1
            if self.flood_dropped == 1:
                log.warning("web viewer: page %d sends more than %d input events per second; dropping the excess",
                            self.page_id, MAX_EVENTS_PER_SECOND)
            return False
        return True

    def bad_message(self, reason: str) -> None:
        self.bad += 1
        if self.bad <= LOGGED_BAD_MESSAGES:
            log.warning("web viewer: page %d: dropped a bad message: %s", self.page_id, reason)
        elif self.bad == LOGGED_BAD_MESSAGES + 1:
            log.warning("web viewer: page %d: more bad messages; counting them silently", self.page_id)


class WebServer:
    """Serves the page and the frame WebSocket on ``bind:port`` from a background thread.

    Parameters
    ----------
    frames : FrameHub
        Where the renderer publishes frames.
    on_event : callable
        ``on_event(page_id, event)`` for every valid input event (called on the server thread).
    bind, port : str, int
        Address to listen on (127.0.0.1 unless asked; other addresses get a warning).

    Raises
    ------
    OSError
        From :meth:`start` when the port cannot be bound (the message names it).
    """

    def __init__(self, frames: FrameHub, on_event: Callable[[int, InputEvent], None], bind: str = "127.0.0.1",
                 port: int = DEFAULT_WEB_PORT, on_page_closed: Callable[[int], None] | None = None) -> None:
        self.frames = frames
        self.on_event = on_event
        self.on_page_closed = on_page_closed
        self.bind = bind
        self.port = port
        self.pages: dict[int, PageCounters] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind in ("0.0.0.0", "::", "") else self.bind
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Bind and serve in a background thread; returns once listening."""
        self._thread = start_server_thread("rerun-web-server", self._serve, "web viewer", self.bind, self.port,
                                           "--web-viewer-port")
        warn_if_public(self.bind, "the web viewer", self.port)

    async def _serve(self, loop: asyncio.AbstractEventLoop, started: threading.Event) -> None:
        from websockets.asyncio.server import serve

        self._loop = loop
        self._stopped = asyncio.Event()
        async with serve(self._page, self.bind, self.port, process_request=self._http, compression=None,
                         max_size=MAX_WS_MESSAGE_BYTES, ping_interval=20, ping_timeout=60) as server:
            self._server = server
            if self.port == 0:
                self.port = server.sockets[0].getsockname()[1]
            started.set()
            await self._stopped.wait()

    def _http(self, connection, request):
        """Plain HTTP GETs get the page; ``/ws`` goes on to the WebSocket handshake."""
        if request.path.split("?", 1)[0] == "/ws":
            return None
        from websockets.datastructures import Headers
        from websockets.http11 import Response

        found = page_file(request.path)
        if found is None:
            return connection.respond(HTTPStatus.NOT_FOUND, f"no such page: {request.path}\n")
        body, content_type = found
        headers = Headers([("Content-Type", content_type), ("Content-Length", str(len(body))),
                           ("Cache-Control", "no-store")])
        return Response(200, "OK", headers, body)

    async def _page(self, connection) -> None:
        loop = asyncio.get_running_loop()

        def send(frame: EncodedFrame) -> None:  # called from the GL thread or from this loop (on an ack)
            loop.call_soon_threadsafe(lambda: loop.create_task(self._send(connection, page_id, frame)))

        page_id = self.frames.add_page(send)
        counters = self.pages[page_id] = PageCounters(page_id)
        log.info("web viewer: page %d connected from %s", page_id, connection.remote_address)
        try:
            async for message in connection:
                try:
                    event = parse_message(message)
                except BadInput as exc:
                    counters.bad_message(str(exc))
                    continue
                if isinstance(event, Ack):
                    self.frames.ack(page_id, event.index)
                    continue
                if not counters.admit():
                    continue
                if isinstance(event, Resize) and event.clamped:
                    log.warning("web viewer: page %d asked for a %s frame; clamped to %dx%d", page_id,
                                _asked_size(message), event.width, event.height)
                counters.events += 1
                self.on_event(page_id, event)
        except Exception as exc:  # noqa: BLE001 (a torn connection ends this page only)
            log.warning("web viewer: page %d went away without closing (%s); dropped it", page_id, exc)
        finally:
            self.frames.remove_page(page_id)
            if self.on_page_closed is not None:
                self.on_page_closed(page_id)
            log.info("web viewer: page %d closed", page_id)

    async def _send(self, connection, page_id: int, frame: EncodedFrame) -> None:
        try:
            await connection.send(frame.message())
        except Exception as exc:  # noqa: BLE001 (the page went away mid-frame; its handler cleans up)
            log.warning("web viewer: page %d: frame %d not delivered (%s); dropped the page", page_id, frame.index, exc)
            self.frames.remove_page(page_id)

    def close(self) -> None:
        """Stop serving and close every page connection."""
        loop, stopped = self._loop, self._stopped
        if loop is not None and stopped is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(stopped.set)
            except RuntimeError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
