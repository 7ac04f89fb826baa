"""Hostile peers and measurements of a real viewer process: its resident memory, threads and sockets."""

from __future__ import annotations

import socket
import time
from typing import NamedTuple

from rerun.wire.frames import STREAM_HEADER, FrameKind, encode_frame_header


def proc_status(pid: int, field: str) -> int:
    """A numeric field of /proc/PID/status (``VmRSS``, ``VmHWM`` and the like in bytes; ``Threads`` as a count)."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                parts = line.split()
                return int(parts[1]) * (1024 if len(parts) > 2 and parts[2] == "kB" else 1)
    raise KeyError(field)


def rss(pid: int) -> int:
    return proc_status(pid, "VmRSS")


def header_only_peer(port: int, declared: int | None) -> socket.socket:
    """Connect, send the stream header and (if ``declared``) one LOG frame header announcing that many bytes."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    data = STREAM_HEADER + (encode_frame_header(FrameKind.LOG, declared) if declared is not None else b"")
    sock.sendall(data)
    return sock


def _hex_endpoint(address: tuple) -> str:
    packed = socket.inet_aton(address[0])
    return f"{packed[::-1].hex().upper()}:{address[1]:04X}"


def viewer_unread_bytes(port: int, clients: list[socket.socket]) -> int | None:
    """Bytes the viewer has not yet read from these connections (its sockets' receive queues in
    /proc/net/tcp); None while any of them is not found."""
    wanted = {_hex_endpoint(c.getsockname()) for c in clients}
    local = f"0100007F:{port:04X}"
    total, found = 0, set()
    with open("/proc/net/tcp") as fh:
        next(fh)
        for line in fh:
            fields = line.split()
            if fields[1] == local and fields[2] in wanted:
                found.add(fields[2])
                total += int(fields[4].split(":")[1], 16)
    return total if found == wanted else None


def wait_until(condition, timeout: float, what: str):
    """Poll ``condition()`` until it returns a truthy value; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def closed_by_peer(sock: socket.socket) -> bool:
    """True once the viewer closed ``sock`` (EOF or reset)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        sock.setblocking(True)


def start_viewer(tmp_path, *extra: str):
    """A headless viewer (no ``--save``: these tests stream hundreds of MB) writing its counters to
    ``tmp_path/stats.json`` on exit; returns ``(proc, port, stats_path)`` once it listens."""
    import os
    import select
    import subprocess
    import sys

    from net_support import free_port

    port = free_port()
    stats_path = tmp_path / f"stats-{port}.json"
    read_fd, write_fd = os.pipe()
    cmd = [sys.executable, "-m", "rerun_app", "--headless", "--port", str(port), "--stats-json", str(stats_path),
           "--ready-fd", str(write_fd), *extra]
    proc = subprocess.Popen(cmd, pass_fds=(write_fd,), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.close(write_fd)
    try:
        readable, _, _ = select.select([read_fd], [], [], 60)
        ready = os.read(read_fd, 16) if readable else b""
    finally:
        os.close(read_fd)
    if b"ready" not in ready:
        proc.kill()
        raise RuntimeError(f"headless viewer did not start: {proc.communicate()[1][-2000:]}")
    return proc, port, stats_path


class PeakSampler:
    """Samples a process's private + file-backed resident memory (not shared memory) on a thread; ``peak`` in bytes."""

    def __init__(self, pid: int) -> None:
        import threading

        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, proc_status(self.pid, "RssAnon") + proc_status(self.pid, "RssFile"))
            except (OSError, KeyError):
                return
            self._stop.wait(0.01)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


class ViewerRun(NamedTuple):
    """What a headless viewer run left: its peak private + file-backed RSS, its ``--stats-json`` and its stderr."""

    peak: int
    stats: dict
    stderr: str


def run_viewer_until_it_exits(proc, stats_path, feed) -> ViewerRun:
    """Sample the viewer's memory while ``feed()`` runs its loggers, then wait for the viewer to exit (start it
    with ``--exit-after-idle``); it is killed if anything fails on the way."""
    import json

    sampler = PeakSampler(proc.pid)
    try:
        feed()
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return ViewerRun(sampler.stop(), json.loads(stats_path.read_text()), err)
