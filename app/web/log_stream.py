"""The log stream re-served over WebSocket (``--ws-server-port``, 9877 for ``rr.serve``), as Rerun 0.4 does.

Every frame ingest accepts is kept in a backlog (bounded in bytes; the oldest frames go first, with a log line)
and sent to every connected client: first the 8-byte stream header, then the backlog, then a text message
``{"type": "backlog_end"}``, then the live frames — one binary WebSocket message per frame, the same bytes as in an
``.rrd`` file. ``rerun ws://host:9877`` (:mod:`rerun_app.web.ws_source`) reads it. A slow client skips what the
backlog dropped (logged); it never slows ingest or the other clients.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import logging
import threading

from rerun.wire.frames import STREAM_HEADER, with_checksum

from rerun_app.web.net import start_server_thread, warn_if_public

log = logging.getLogger(__name__)

DEFAULT_WS_PORT = 9877
DEFAULT_BACKLOG_BYTES = 1 << 30
BACKLOG_END = json.dumps({"type": "backlog_end"})


class LogStreamServer:
    """WebSocket server re-serving ingested frames.

    Parameters
    ----------
    bind, port
        Address to listen on (127.0.0.1 unless asked; others get a warning).
    backlog_bytes : int
        Frames kept for clients that connect later; beyond it the oldest are forgotten.
    """

    def __init__(self, bind: str = "127.0.0.1", port: int = DEFAULT_WS_PORT,
                 backlog_bytes: int = DEFAULT_BACKLOG_BYTES) -> None:
        self.bind = bind
        self.port = port
        self.backlog_bytes = backlog_bytes
        self._frames: collections.deque[bytes] = collections.deque()
        self._first_seq = 0  # sequence number of self._frames[0]
        self._bytes = 0
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._new_frame: asyncio.Condition | None = None
        self._stopped: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self.dropped_frames = 0
        self.clients = 0

    def tap(self, frame) -> None:
        """Keep a copy of one accepted frame and wake the clients (called on ingest threads).

        A frame that came without a checksum (from a format-1 peer) gets one: the clients read a format-3
        stream, in which a frame without one is damaged."""
        data = b"".join(with_checksum(frame))
        with self._lock:
            self._frames.append(data)
            self._bytes += len(data)
            while self._bytes > self.backlog_bytes and len(self._frames) > 1:
                self._bytes -= len(self._frames.popleft())
                self._first_seq += 1
                self.dropped_frames += 1
                if self.dropped_frames == 1:
                    log.warning("log stream: backlog over %d bytes; forgetting the oldest frames",
                                self.backlog_bytes)
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._notify)
            except RuntimeError:
                pass

    def _notify(self) -> None:
        async def notify() -> None:
            async with self._new_frame:
                self._new_frame.notify_all()

        asyncio.get_running_loop().create_task(notify())

    def _frames_from(self, seq: int) -> tuple[int, list[bytes]]:
        with self._lock:
            if seq < self._first_seq:
                seq = self._first_seq
            return seq, list(itertools.islice(self._frames, seq - self._first_seq, None))

    def _has_frames_after(self, seq: int) -> bool:
        with self._lock:
            return self._first_seq + len(self._frames) > seq

    def start(self) -> None:
        """Bind and serve from a background thread.

        Raises
        ------
        OSError
            When the port cannot be bound (the message names it).
        """
        self._thread = start_server_thread("rerun-log-stream", self._serve, "log stream server", self.bind,
                                           self.port, "--ws-server-port")
        warn_if_public(self.bind, "the log stream server", self.port)

    async def _serve(self, loop, started: threading.Event) -> None:
        from websockets.asyncio.server import serve

        self._new_frame = asyncio.Condition()
        self._stopped = asyncio.Event()
        try:
            async with serve(self._client, self.bind, self.port, compression=None, max_size=4096) as server:
                if self.port == 0:
                    self.port = server.sockets[0].getsockname()[1]
                self._loop = loop
                started.set()
                await self._stopped.wait()
        finally:
            self._loop = None

    async def _client(self, connection) -> None:
        self.clients += 1
        peer = connection.remote_address
        log.info("log stream: client %s connected", peer)
        try:
            await connection.send(STREAM_HEADER)
            seq, frames = self._frames_from(0)
            for data in frames:
                await connection.send(data)
            seq += len(frames)
            await connection.send(BACKLOG_END)
            while True:
                async with self._new_frame:
                    await self._new_frame.wait_for(lambda: self._has_frames_after(seq))
                first, frames = self._frames_from(seq)
                if first > seq:
                    log.warning("log stream: client %s was too slow; %d frames were forgotten before it got them",
                                peer, first - seq)
                for data in frames:
                    await connection.send(data)
                seq = first + len(frames)
        except Exception as exc:  # noqa: BLE001 (the client went away)
            log.info("log stream: client %s left (%s)", peer, type(exc).__name__)
        finally:
            self.clients -= 1

    def close(self) -> None:
        loop, stopped = self._loop, self._stopped
        if loop is not None and stopped is not None:
            try:
                loop.call_soon_threadsafe(stopped.set)
            except RuntimeError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
