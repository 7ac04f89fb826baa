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


def blob_frame(entity: str, nbytes: int, value: int):
    """A sealed LOG frame (uint8 array) holding one ``nbytes`` blob of ``value`` bytes for ``entity``."""
    import numpy as np
    import pyarrow as pa

    from rerun.transport.viewer_sink import serialize_log_frame
    from rerun.wire.log_table import build_log_batch

    cells = pa.ListArray.from_arrays(pa.array([0, nbytes], pa.int32()), pa.array(np.full(nbytes, value, np.uint8)))
    return serialize_log_frame(build_log_batch(entity, "rec", {("frame", "sequence"): [value]}, {"test.blob": cells}))


class PacedPeer:
    """A raw TCP peer that sends a stream header and then ``data`` at ``rate`` bytes per second, ``piece`` bytes at
    a time (a link of that speed), on its own thread, until all is sent, the viewer closes the connection, or
    :meth:`stop`."""

    def __init__(self, port: int, data, rate: float, piece: int) -> None:
        import threading

        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.sendall(STREAM_HEADER)
        self.address = "%s:%d" % self.sock.getsockname()
        self.data = memoryview(data).cast("B")
        self.rate = rate
        self.piece = piece
        self.sent = 0
        self.closed_by_viewer = False
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        started = time.monotonic()
        while self.sent < len(self.data) and not self._stop.is_set():
            due = started + self.sent / self.rate  # when this piece is due at the link's speed
            if self._stop.wait(max(0.0, due - time.monotonic())):
                return
            try:
                self.sock.sendall(self.data[self.sent : self.sent + self.piece])
            except OSError:
                self.closed_by_viewer = True
                return
            self.sent = min(self.sent + self.piece, len(self.data))

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(30)
        self.sock.close()


class RingPeer:
    """A hand-made ring producer in this process: its own ring, a TCP handshake as this process (the viewer
    checks the connection is ours), then frames written as CHUNK records one :meth:`push` at a time, so a
    test can interleave several peers' frames exactly."""

    def __init__(self, port: int, capacity: int = 4 << 20) -> None:
        import os

        from rerun.transport.handshake import PROTOCOL_VERSION, encode_handshake, read_handshake
        from rerun.transport.ring import RingWriter

        self.ring = RingWriter(capacity)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        hello = {"protocol": PROTOCOL_VERSION, "pid": os.getpid(), "ring": {"name": self.ring.name, "capacity": self.ring.capacity}}
        self.sock.sendall(encode_handshake(hello))
        reply = read_handshake(self.sock)
        self.ring.unlink()  # the viewer mapped it (or refused it): the name is not needed any more
        if not reply.get("ring"):
            self.close()
            raise RuntimeError(f"the viewer refused the ring: {reply}")
        self.frame = None
        self.sent = 0
        self.closed_by_viewer = False

    def start(self, frame) -> None:
        """The next frame to send (a uint8 array holding one whole frame)."""
        self.frame, self.sent = frame, 0

    @property
    def done(self) -> bool:
        return self.frame is None or self.sent == self.frame.nbytes

    def push(self, upto: int | None = None) -> int:
        """Write chunks of the current frame while the ring has room (up to byte ``upto``); wake the viewer.
        Returns the bytes written (0: the ring is full, the viewer is not taking them)."""
        end = self.frame.nbytes if upto is None else min(upto, self.frame.nbytes)
        before = self.sent
        while self.sent < end:
            taken = self.ring.write_chunk(self.frame[self.sent : end])
            if not taken:
                break
            self.sent += taken
        if self.sent > before and not self.closed_by_viewer:
            try:
                self.sock.send(b"W")  # a wake-up byte (the viewer also polls)
            except OSError:  # the viewer dropped this producer (e.g. abandoned its frame): what a test may wait for
                self.closed_by_viewer = True
        return self.sent - before

    def consumed(self) -> int:
        """Bytes of ring records the viewer has released so far."""
        return self.ring.tail()

    def drain_wakeups(self) -> None:
        self.sock.setblocking(False)
        try:
            while self.sock.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass
        finally:
            self.sock.setblocking(True)

    def close(self) -> None:
        self.sock.close()
        self.ring.close()


def push_in_turn(peers: list[RingPeer], timeout: float, what: str, upto: int | None = None) -> None:
    """Write every peer's frame (up to byte ``upto``), round-robin a ring's worth at a time, waiting (on their
    sockets) while every ring is full; fail with ``what`` if no byte goes for ``timeout`` seconds."""
    import select

    last_progress = time.monotonic()
    while not all(p.done or (upto is not None and p.sent >= upto) for p in peers):
        moved = sum(p.push(upto) for p in peers if not p.done)
        if moved:
            last_progress = time.monotonic()
            continue
        if time.monotonic() - last_progress > timeout:
            raise AssertionError(f"timed out after {timeout} s: {what} ({[(p.sent, p.frame.nbytes) for p in peers]})")
        for p in peers:
            p.ring.set_producer_waiting(True)
        select.select([p.sock for p in peers if not p.done], [], [], 0.05)
        for p in peers:
            p.ring.set_producer_waiting(False)
            p.drain_wakeups()
