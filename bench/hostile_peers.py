"""What hostile or unlucky peers do to a real headless viewer: resident memory against ``--memory-limit``,
threads and connections held, whether it survives and keeps a well-behaved logger's data.

Rows (each against a fresh viewer run with ``--memory-limit 300MB``):

- ``header-only frames``: 8 connections each announce a 150 MB frame and send nothing more.
- ``full-size frames``: 4 connections each send a whole 150 MB frame at once.
- ``fuzzed streams``: 200 connections each send a valid stream with random byte flips, cuts and
  repeats; then a logger sends 50 scalars, which must all be kept.
- ``header flood``: 1000 connections send only the stream header; how many viewer threads that
  holds and whether the connections are closed; then the logger.
- ``memory limit, ring`` / ``tcp``: 600 640x480 RGB frames; frames the limit kept of frames sent.
- ``ring chunked frames``: 4 ring producers (this process) each send a 120 MB frame in CHUNK records,
  interleaved chunk by chunk; frames that arrived whole of 4; then the logger.
- ``trickler``: a TCP peer announces a 120 MB frame and sends it 64 bytes every 20 ms; once the viewer
  took it, a logger sends 3 images of 100 MB (none fits beside it): images that arrived, and how long the
  logger took; whether the trickler was named in a warning.

To compare with another checkout (e.g. the code before a fix), point ``--code`` at its root: the
viewer and logger processes then import its ``sdk``/``app``/``scene``/``kernels`` instead.

Usage::

    python bench/hostile_peers.py [--code /path/to/old/checkout] [--rows fuzz,flood,...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

LIMIT = 300 * 10**6
MB = 10**6
STREAM_HEADER = b"RRPY\x01\x00\x00\x00"


def _env(code: str | None) -> dict:
    env = dict(os.environ)
    if code:
        shim = Path(tempfile.mkdtemp(prefix="hostile-code-"))
        for name, folder in (("rerun", "sdk"), ("rerun_app", "app"), ("rerun_scene", "scene"), ("rerun_kernels", "kernels")):
            (shim / name).symlink_to(Path(code) / folder)
        env["PYTHONPATH"] = str(shim)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Viewer:
    def __init__(self, env: dict, *extra: str, preexec_fn=None) -> None:
        self.port = _free_port()
        self.stats_path = Path(tempfile.mkdtemp()) / "stats.json"
        read_fd, write_fd = os.pipe()
        cmd = [sys.executable, "-m", "rerun_app", "--headless", "--port", str(self.port), "--memory-limit", "300MB",
               "--stats-json", str(self.stats_path), "--ready-fd", str(write_fd), *extra]
        self.proc = subprocess.Popen(cmd, pass_fds=(write_fd,), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     preexec_fn=preexec_fn)
        os.close(write_fd)
        readable, _, _ = select.select([read_fd], [], [], 120)
        ok = readable and b"ready" in os.read(read_fd, 16)
        os.close(read_fd)
        if not ok:
            self.proc.kill()
            raise RuntimeError(self.proc.communicate()[1][-2000:])
        self.peak = 0
        self.peak_file = 0  # of which file-backed (mapped files, shared libraries)
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def status(self, field: str) -> int:
        with open(f"/proc/{self.proc.pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    parts = line.split()
                    return int(parts[1]) * (1024 if parts[-1] == "kB" else 1)
        return 0

    def _sample(self) -> None:
        while not self._stop.is_set() and self.proc.poll() is None:
            try:  # private + file-backed: a ring mapping is shared with the producer, not the viewer's memory
                file_backed = self.status("RssFile")
                self.peak = max(self.peak, self.status("RssAnon") + file_backed)
                self.peak_file = max(self.peak_file, file_backed)
            except OSError:
                return
            self._stop.wait(0.01)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> tuple[dict | None, str, bool]:
        """(stats, stderr, crashed)."""
        self._stop.set()
        code = self.proc.poll()
        crashed = code is not None and code != 0  # exiting by itself (--exit-after-idle) is not a crash
        if code is None:
            self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        stats = json.loads(self.stats_path.read_text()) if self.stats_path.exists() else None
        return stats, err, crashed


SCALAR_LOGGER = """
import sys, rerun as rr
rr.init("well-behaved")
rr.connect(sys.argv[1])
for i in range(50):
    rr.set_time_sequence("frame", i)
    rr.log_scalar("ok/value", float(i))
rr.disconnect()
"""

IMAGE_LOGGER = """
import sys, numpy as np, rerun as rr
rr.init("camera-stream")
rr.connect(sys.argv[1])
image = np.zeros((480, 640, 3), np.uint8)
for i in range(600):
    rr.set_time_sequence("frame", i)
    image[...] = i % 251
    rr.log_image("camera/image", image)
rr.disconnect()
"""


def _logger(env: dict, viewer: Viewer, code: str, transport: str = "tcp") -> bool:
    env = dict(env, RERUN_TRANSPORT=transport)
    result = subprocess.run([sys.executable, "-c", code, f"127.0.0.1:{viewer.port}"], env=env, capture_output=True, text=True, timeout=300)
    return result.returncode == 0


def store_rows(stats: dict | None, entity: str) -> int:
    """Rows of ``entity`` the viewer's store held at exit (from its ``--stats-json``; 0 without stats)."""
    if not stats:
        return 0
    return sum(r.get("rows_per_entity", {}).get(entity, 0) for r in stats["store"]["recordings"].values())


def _frame_header(length: int) -> bytes:
    from rerun.wire.frames import FrameKind, encode_frame_header

    return encode_frame_header(FrameKind.LOG, length)


def _wait_unread_zero(port: int, socks: list[socket.socket], timeout: float) -> None:
    wanted = set()
    for s in socks:
        host, p = s.getsockname()
        wanted.add(f"{socket.inet_aton(host)[::-1].hex().upper()}:{p:04X}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        total, found = 0, set()
        with open("/proc/net/tcp") as fh:
            next(fh)
            for line in fh:
                f = line.split()
                if f[1] == f"0100007F:{port:04X}" and f[2] in wanted:
                    found.add(f[2])
                    total += int(f[4].split(":")[1], 16)
        if found == wanted and total == 0:
            return
        time.sleep(0.05)


def row_header_only(env) -> dict:
    viewer = Viewer(env)
    socks = []
    for _ in range(8):
        s = socket.create_connection(("127.0.0.1", viewer.port), timeout=30)
        s.sendall(STREAM_HEADER + _frame_header(150 * MB))
        socks.append(s)
    _wait_unread_zero(viewer.port, socks, 60)
    time.sleep(1.0)  # let any pre-faulting finish: this row measures what the headers alone cost
    during = viewer.status("VmRSS")
    for s in socks:
        s.close()
    time.sleep(1.0)
    after = viewer.status("VmRSS")
    ok = _logger(env, viewer, SCALAR_LOGGER)
    stats, _, crashed = viewer.stop()
    return {"row": "header-only frames (8 x 150 MB announced)", "cases": 8, "survived": not crashed,
            "kept_logger_rows": f"{store_rows(stats, 'ok/value')}/50" if ok else "logger failed",
            "rss_peak_MB": round(viewer.peak / MB), "rss_during_MB": round(during / MB), "rss_after_close_MB": round(after / MB)}


def row_full_size(env) -> dict:
    viewer = Viewer(env)
    payload = os.urandom(150 * MB)

    def push():
        try:
            with socket.create_connection(("127.0.0.1", viewer.port), timeout=60) as s:
                s.sendall(STREAM_HEADER + _frame_header(len(payload)) + payload)
                s.shutdown(socket.SHUT_WR)
                s.recv(1)
        except OSError:
            pass

    threads = [threading.Thread(target=push) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = _logger(env, viewer, SCALAR_LOGGER)
    stats, _, crashed = viewer.stop()
    return {"row": "full-size frames (4 x 150 MB at once)", "cases": 4, "survived": not crashed,
            "kept_logger_rows": f"{store_rows(stats, 'ok/value')}/50" if ok else "logger failed", "rss_peak_MB": round(viewer.peak / MB)}


def _valid_stream() -> bytes:
    path = Path(tempfile.mkdtemp()) / "seed.rrd"
    code = ("import sys, numpy as np, rerun as rr\nrr.init('seed')\nrr.save(sys.argv[1])\n"
            "for i in range(20):\n    rr.set_time_sequence('frame', i)\n    rr.log_points('p', np.random.rand(50, 3))\n"
            "    rr.log_scalar('s', float(i))\nrr.disconnect()\n")
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=120)
    return path.read_bytes()


def row_fuzz(env, cases: int = 200) -> dict:
    seed = _valid_stream()
    rng = random.Random(9)
    viewer = Viewer(env)
    for _ in range(cases):
        data = bytearray(seed)
        for _ in range(rng.randint(1, 8)):
            op = rng.random()
            i = rng.randrange(len(data))
            if op < 0.6:
                data[i] ^= 1 << rng.randrange(8)
            elif op < 0.8:
                data = data[:i]
                if not data:
                    data = bytearray(seed[:8])
            else:
                j = min(len(data), i + rng.randint(1, 64))
                data[i:i] = data[i:j] * rng.randint(1, 4)
        try:
            with socket.create_connection(("127.0.0.1", viewer.port), timeout=30) as s:
                s.sendall(bytes(data))
                s.shutdown(socket.SHUT_WR)
                s.settimeout(30)
                while s.recv(65536):
                    pass
        except OSError:
            pass
        if not viewer.alive():
            break
    ok = viewer.alive() and _logger(env, viewer, SCALAR_LOGGER)
    stats, _, crashed = viewer.stop()
    return {"row": f"fuzzed streams ({cases} connections)", "cases": cases, "survived": not crashed,
            "kept_logger_rows": f"{store_rows(stats, 'ok/value')}/50" if ok else "logger failed", "rss_peak_MB": round(viewer.peak / MB)}


def row_flood(env, count: int = 1000) -> dict:
    viewer = Viewer(env, "--idle-timeout", "2") if "hostile-code" not in env.get("PYTHONPATH", "") else Viewer(env)
    threads_before = viewer.status("Threads")
    socks, peak_threads = [], threads_before
    for _ in range(count):
        try:
            s = socket.create_connection(("127.0.0.1", viewer.port), timeout=10)
            s.sendall(STREAM_HEADER)
            socks.append(s)
        except OSError:
            pass
        peak_threads = max(peak_threads, viewer.status("Threads"))
    deadline = time.monotonic() + 30
    still_open = len(socks)
    while time.monotonic() < deadline:
        still_open = 0
        for s in socks:
            s.setblocking(False)
            try:
                still_open += s.recv(1) != b""
            except BlockingIOError:
                still_open += 1
            except OSError:
                pass
        if still_open == 0:
            break
        time.sleep(0.2)
    threads_after = viewer.status("Threads")
    for s in socks:
        s.close()
    ok = _logger(env, viewer, SCALAR_LOGGER)
    stats, err, crashed = viewer.stop()
    return {"row": f"header flood ({count} connections)", "cases": count, "survived": not crashed,
            "kept_logger_rows": f"{store_rows(stats, 'ok/value')}/50" if ok else "logger failed",
            "threads_peak": peak_threads - threads_before, "open_after_30s": still_open,
            "threads_after_30s": threads_after - threads_before, "stderr_lines": len(err.splitlines()),
            "sources_in_stats": len(stats["sources"]) if stats else None}


def row_transport(env, transport: str) -> dict:
    viewer = Viewer(env, "--exit-after-idle", "1")
    env = {k: v for k, v in env.items() if k != "RERUN_RING_BYTES"}
    ok = _logger(env, viewer, IMAGE_LOGGER, transport)
    try:
        viewer.proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        pass
    stats, _, crashed = viewer.stop()
    return {"row": f"memory limit, {transport} (600 640x480 frames)", "cases": 600, "survived": not crashed,
            "frames_kept": store_rows(stats, "camera/image") if ok else "logger failed",
            "frames_arrived": sum(s["log_rows"] for s in stats["sources"]) if stats else None, "rss_peak_MB": round(viewer.peak / MB),
            "file_backed_peak_MB": round(viewer.peak_file / MB), "frames_held": held_range(stats, "sequence:frame")}


def held_range(stats: dict | None, timeline: str) -> list:
    """[first, last] time the viewer's store still held on ``timeline`` at exit ([] without stats or data)."""
    if not stats:
        return []
    ranges = [r.get("time_ranges", {}).get(timeline, []) for r in stats["store"]["recordings"].values()]
    return next((r for r in ranges if r), [])


def _peer_kit():
    """The hand-made peers of the hardening tests (a ring producer in this process, a paced TCP peer)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "hardening"))
    import peer_kit

    return peer_kit


def row_ring_chunks(env) -> dict:
    kit = _peer_kit()
    viewer = Viewer(env)
    frames = [kit.blob_frame(f"ring/{i}", 120 * MB, i + 1) for i in range(4)]
    peers = [kit.RingPeer(viewer.port) for _ in frames]
    for peer, frame in zip(peers, frames):
        peer.start(frame)
    try:
        kit.push_in_turn(peers, 120, "the ring frames to be taken")
        for peer in peers:
            kit.wait_until(lambda: peer.consumed() == peer.ring.head, 120, "the last chunks to be taken")
    except AssertionError:
        pass
    for peer in peers:
        peer.close()
    del frames
    ok = _logger(env, viewer, SCALAR_LOGGER)
    stats, _, crashed = viewer.stop()
    arrived = sum(s["log_rows"] for s in stats["sources"] if s["kind"] == "ring") if stats else None
    return {"row": "ring chunked frames (4 x 120 MB, interleaved)", "cases": 4, "survived": not crashed,
            "frames_arrived": f"{arrived}/4", "kept_logger_rows": f"{store_rows(stats, 'ok/value')}/50" if ok else "logger failed",
            "rss_peak_MB": round(viewer.peak / MB)}


BIG_IMAGE_LOGGER = """
import sys, numpy as np, rerun as rr
rr.init("honest")
rr.connect(sys.argv[1])
for i in range(3):
    rr.set_time_sequence("frame", i)
    rr.log_image("camera/image", np.full((10000, 10000), i + 1, np.uint8))
rr.disconnect()
"""


def row_trickler(env) -> dict:
    import numpy as np

    kit = _peer_kit()
    viewer = Viewer(env)
    announced = 120 * MB
    data = np.zeros(announced + 16, np.uint8)
    header = _frame_header(announced)
    data[: len(header)] = np.frombuffer(header, np.uint8)
    trickler = kit.PacedPeer(viewer.port, data, rate=3200, piece=64)
    _wait_unread_zero(viewer.port, [trickler.sock], 60)
    started = time.monotonic()
    logger_env = dict(env, RERUN_TRANSPORT="tcp", RERUN_SINK_BUFFER_BYTES=str(1 << 30))
    result = subprocess.run([sys.executable, "-c", BIG_IMAGE_LOGGER, f"127.0.0.1:{viewer.port}"], env=logger_env,
                            capture_output=True, text=True, timeout=300)
    took = time.monotonic() - started
    trickler.stop()
    stats, err, crashed = viewer.stop()
    arrived = sum(s["log_rows"] for s in stats["sources"] if s["name"] != f"tcp {trickler.address}") if stats else None
    return {"row": "trickler (120 MB at 3.2 kB/s) + logger of 3 x 100 MB images", "cases": 1, "survived": not crashed,
            "images_arrived": f"{arrived}/3", "logger_s": round(took, 1), "logger_dropped": "dropping" in result.stderr,
            "trickler_named": any(trickler.address in line and "abandoned" in line for line in err.splitlines()), "rss_peak_MB": round(viewer.peak / MB)}


ROWS = {"header": row_header_only, "full": row_full_size, "fuzz": row_fuzz, "flood": row_flood,
        "ring": lambda env: row_transport(env, "ring"), "tcp": lambda env: row_transport(env, "tcp"),
        "ringchunks": row_ring_chunks, "trickle": row_trickler}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", help="root of another checkout whose sdk/app the processes import")
    parser.add_argument("--rows", default=",".join(ROWS), help=f"comma-separated subset of {','.join(ROWS)}")
    args = parser.parse_args()
    env = _env(args.code)
    print(f"limit {LIMIT / MB:.0f} MB; code: {args.code or 'this checkout'}", flush=True)
    for name in args.rows.split(","):
        print(json.dumps(ROWS[name](env)), flush=True)


if __name__ == "__main__":
    main()
