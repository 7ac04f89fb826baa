"""``rr.serve()``: a web-viewer process fed by this logger, alive exactly as long as the logger's connection.

The logger starts ``python -m rerun_app --web-viewer`` (the viewer renders headless and streams frames to browser
pages; it also re-serves the log stream over WebSocket for ``rerun ws://…``), waits until its ports are bound,
and streams to it like ``rr.connect``. The viewer holds the read end of a pipe whose write end only this sink
keeps: ``rr.disconnect()``, a new sink, or the logger's exit (even a crash) closes it and the viewer exits. No
web or GL library is imported in the logging process.
"""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time

import pyarrow as pa

from rerun.sinks.base import Sink
from rerun.transport.address import Address
from rerun.wire.frames import FrameKind

DEFAULT_WEB_PORT = 9090
DEFAULT_WS_PORT = 9877
#: The viewer binds its ports within this long (Python start-up and imports; GL starts after).
READY_TIMEOUT_S = 30.0

#: Web-viewer processes started by this process (kept referenced so Popen never warns at exit).
served: list[subprocess.Popen] = []


class ServeError(RuntimeError):
    """The web-viewer process could not start (its own message, e.g. a port in use, is on stderr)."""


def check_port(name: str, port) -> int:
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ValueError(f"{name}: expected an int in 1..65535, got {port!r}")
    return port


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (for the logger → viewer connection)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def start_web_viewer(web_port: int, ws_port: int, bind: str, open_browser: bool) -> tuple[subprocess.Popen, int]:
    """Start the web-viewer process; returns it and the port it takes this logger's data on.

    Raises
    ------
    ServeError
        If it exits before its ports are bound or is not ready within ``READY_TIMEOUT_S``.
    """
    data_port = free_port()
    read_fd, write_fd = os.pipe()
    cmd = [sys.executable, "-m", "rerun_app", "--web-viewer", "--port", str(data_port), "--bind", bind,
           "--web-viewer-port", str(web_port), "--ws-server-port", str(ws_port), "--exit-on-stdin-eof",
           "--ready-fd", str(write_fd)]
    if open_browser:
        cmd.append("--open-browser")
    try:
        proc = subprocess.Popen(cmd, pass_fds=(write_fd,), stdin=subprocess.PIPE, start_new_session=True)
    except BaseException:
        os.close(read_fd)
        os.close(write_fd)
        raise
    os.close(write_fd)
    served.append(proc)
    try:
        _wait_ready(proc, read_fd)
    finally:
        os.close(read_fd)
    return proc, data_port


def _wait_ready(proc: subprocess.Popen, read_fd: int) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    received = b""
    while b"ready" not in received:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            proc.kill()
            proc.wait()
            raise ServeError(f"the web viewer did not start within {READY_TIMEOUT_S:.0f} s")
        readable, _, _ = select.select([read_fd], [], [], remaining)
        if readable:
            part = os.read(read_fd, 64)
            if not part:
                code = proc.wait(timeout=5)
                raise ServeError(f"the web viewer exited with code {code} before it was ready (see its message above)")
            received += part


class ServedViewerSink(Sink):
    """Streams to the web-viewer process through ``inner`` (a ViewerSink) and ends that process on close."""

    def __init__(self, inner: Sink, proc: subprocess.Popen, url: str) -> None:
        super().__init__()
        self.inner = inner
        self.proc = proc
        self.url = url

    def send_log(self, batch: pa.RecordBatch) -> None:
        self.inner.send_log(batch)

    def send_control(self, kind: FrameKind, obj: dict) -> None:
        self.inner.send_control(kind, obj)

    def flush(self) -> None:
        self.inner.flush()

    def close(self, goodbye: dict | None = None) -> None:
        try:
            self.inner.close(goodbye)
        finally:
            stdin = self.proc.stdin
            if stdin is not None and not stdin.closed:
                try:
                    stdin.close()  # the viewer sees EOF and exits
                except OSError:
                    pass

    def stats(self) -> dict:
        return {**self.inner.stats(), "served_at": self.url}


def serve_sink(web_port: int, ws_port: int, bind: str, open_browser: bool, recording_id: str) -> ServedViewerSink:
    """Start the web viewer and return the sink that feeds it.

    Raises
    ------
    ServeError
        If the web viewer cannot start.
    """
    from rerun.transport.viewer_sink import ViewerSink

    proc, data_port = start_web_viewer(web_port, ws_port, bind, open_browser)
    host = "127.0.0.1" if bind in ("0.0.0.0", "::", "") else bind
    url = f"http://{host}:{web_port}?url=ws://{host}:{ws_port}"
    inner = ViewerSink(Address("127.0.0.1", data_port), recording_id=recording_id)
    return ServedViewerSink(inner, proc, url)
