"""Transport benchmark: shared-memory ring vs TCP into a real headless viewer process.

Run: ``python bench/transport.py [--quick]``. Every figure is measured in this run, next to its
baseline (a numpy memcpy of the same bytes, or the other transport), and printed as a ratio.

Workloads
---------
- throughput: 64 MiB messages, sink -> viewer (``--ingest-only``: decoded and counted, not stored;
  and with the store), measured from the first send to the viewer's last ingested frame;
- ``rr.log_points`` of 1 M points -> present in the viewer's store: latency p50/p99;
- 1 KiB messages end to end: latency p50/p99;
- ``rr.log_scalar`` end to end: calls/s into the store.
Latency = time the store finished the frame minus the frame's ``log_time`` (same host clock).

Baselines for throughput: one numpy memcpy of 64 MiB into a reused buffer, and the per-process
speed of two memcpys running at once (the ceiling of a two-copy ring, whose producer and consumer
each copy every byte at the same time; big frames now travel in shared-memory segments the viewer
keeps without a copy, so they can go above it).
"""

from __future__ import annotations

import argparse
import json
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import pyarrow as pa

import rerun as rr
from rerun.transport.address import Address
from rerun.transport.viewer_sink import ViewerSink
from rerun.wire.frames import FrameKind
from rerun.wire.log_table import build_log_batch

MiB = 1 << 20


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Viewer:
    """A headless viewer process; :meth:`finish` waits for it to drain and returns its stats."""

    def __init__(self, *extra: str) -> None:
        self.port = free_port()
        self.stats_path = tempfile.mktemp(suffix=".json", prefix="rerun-bench-")
        read_fd, write_fd = os.pipe()
        cmd = [sys.executable, *(os.environ.get("BENCH_VIEWER", "-m rerun_app").split()), "--headless", "--port", str(self.port), "--exit-after-idle", "0.3",
               "--stats-json", self.stats_path, "--ready-fd", str(write_fd), *extra]
        self.proc = subprocess.Popen(cmd, pass_fds=(write_fd,), stdout=subprocess.DEVNULL)
        os.close(write_fd)
        select.select([read_fd], [], [], 30)
        assert b"ready" in os.read(read_fd, 16), "viewer did not start"
        os.close(read_fd)

    @property
    def addr(self) -> str:
        return f"127.0.0.1:{self.port}"

    def finish(self) -> dict:
        try:
            self.proc.wait(timeout=120)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        with open(self.stats_path) as fh:
            stats = json.load(fh)
        os.unlink(self.stats_path)
        return stats


def wait_connected(stats_fn, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not stats_fn()["connected"]:
        if time.monotonic() > deadline:
            raise RuntimeError(f"never connected: {stats_fn()}")
        time.sleep(0.005)


def memcpy_gbps(nbytes: int, repeats: int = 5) -> float:
    src = np.ones(nbytes, dtype=np.uint8)
    dst = np.empty_like(src)
    np.copyto(dst, src)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        np.copyto(dst, src)
        times.append(time.perf_counter() - t)
    return nbytes / statistics.median(times) / 1e9


def _copy_loop(queue, nbytes: int, repeats: int) -> None:
    src = np.ones(nbytes, dtype=np.uint8)
    dst = np.empty_like(src)
    np.copyto(dst, src)
    start = time.perf_counter()
    for _ in range(repeats):
        np.copyto(dst, src)
    queue.put(nbytes * repeats / (time.perf_counter() - start) / 1e9)


def concurrent_memcpy_gbps(nbytes: int, repeats: int = 30) -> float:
    """Per-process memcpy speed while two processes copy at once: the ceiling of a ring, whose
    producer and consumer each make one copy of every byte at the same time."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_copy_loop, args=(queue, nbytes, repeats)) for _ in range(2)]
    for p in procs:
        p.start()
    rates = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    return min(rates)


def _pingpong_child(kind: str, a, b, n: int) -> None:
    if kind == "eventfd":
        for _ in range(n):
            os.eventfd_read(a)
            os.eventfd_write(b, 1)
    else:
        for _ in range(n):
            a.recv(1)
            a.send(b"x")
    os._exit(0)


def wakeup_round_trip_us(kind: str, n: int = 2000) -> float:
    """Median round trip of a wake-up between two processes: over a pair of eventfds (what a ring
    uses when it connected over the viewer's Unix socket) or a TCP loopback byte (its fallback)."""
    import socket

    if kind == "eventfd":
        a, b = os.eventfd(0), os.eventfd(0)
        ping, pong = (lambda: os.eventfd_write(a, 1)), (lambda: os.eventfd_read(b))
        child_args = (a, b)
    else:
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        client = socket.create_connection(server.getsockname())
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        peer, _ = server.accept()
        peer.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        ping, pong = (lambda: client.send(b"x")), (lambda: client.recv(1))
        child_args = (peer, None)
    pid = os.fork()
    if pid == 0:
        _pingpong_child(kind, *child_args, n)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        ping()
        pong()
        times.append(time.perf_counter() - t)
    os.waitpid(pid, 0)
    return statistics.median(times) * 1e6


def blob_batch(i: int, payload: np.ndarray) -> pa.RecordBatch:
    cells = pa.ListArray.from_arrays(pa.array([0, payload.nbytes], pa.int32()), pa.array(payload))
    return build_log_batch("bench/blob", "bench", {("frame", "sequence"): [i], ("log_time", "time"): [time.time_ns()]}, {"ext.blob": cells})


def throughput(transport: str, count: int, size: int, store: bool, warmup: int = 12) -> float:
    """GB/s, sustained: after ``warmup`` messages (which fault in both sides' buffers) have been
    ingested, from the first measured send to the viewer's last ingested frame."""
    # With the store, a memory limit a few frames deep makes the measured part steady state:
    # old frames are evicted and their buffers recycled, as in a long-running stream.
    viewer = Viewer("--memory-limit", "600MB") if store else Viewer("--ingest-only")
    # A queue bound above the data sent: this measures speed, not the drop-oldest policy.
    sink = ViewerSink(Address("127.0.0.1", viewer.port), transport=transport, buffer_bytes=(warmup + count + 1) * size)
    sink.send_control(FrameKind.BEGIN_RECORDING, {"recording_id": "bench", "application_id": "bench"})
    wait_connected(sink.stats)
    payload = np.random.default_rng(0).integers(0, 255, size, dtype=np.uint8)
    for i in range(warmup):
        sink.send_log(blob_batch(i, payload))
    sink.flush()
    time.sleep(1.0)  # let the viewer drain the warm-up
    start = time.time()
    for i in range(warmup, warmup + count):
        sink.send_log(blob_batch(i, payload))
    sink.flush(timeout=300)
    sink.close()
    stats = viewer.finish()
    (source,) = stats["sources"]
    assert source["frames"] >= count + warmup and source["errors"] == 0, source
    return count * size / (source["last_frame_time"] - start) / 1e9


def points_latency(transport: str, count: int, points: int) -> dict:
    viewer = Viewer()
    rr.init("bench-points")
    rr.connect(viewer.addr, transport=transport)
    wait_connected(rr.get_sink_stats)
    positions = np.random.default_rng(1).random((points, 3), dtype=np.float32)
    for i in range(count):
        rr.set_time_sequence("frame", i)
        rr.log_points("bench/points", positions)
        time.sleep(0.03)
    rr.disconnect()
    stats = viewer.finish()
    return stats["sources"][0]["latency_ms"]


def small_latency(transport: str, count: int, size: int = 1024) -> dict:
    viewer = Viewer()
    sink = ViewerSink(Address("127.0.0.1", viewer.port), transport=transport)
    sink.send_control(FrameKind.BEGIN_RECORDING, {"recording_id": "bench", "application_id": "bench"})
    wait_connected(sink.stats)
    payload = np.ones(size, dtype=np.uint8)
    for i in range(count):
        sink.send_log(blob_batch(i, payload))
        time.sleep(0.002)
    sink.flush(timeout=300)
    sink.close()
    return viewer.finish()["sources"][0]["latency_ms"]


def scalar_rate(transport: str, count: int) -> float:
    viewer = Viewer()
    rr.init("bench-scalars")
    rr.connect(viewer.addr, transport=transport)
    wait_connected(rr.get_sink_stats)
    start = time.time()
    for i in range(count):
        rr.log_scalar("bench/scalar", float(i))
    rr.disconnect()
    stats = viewer.finish()
    source = stats["sources"][0]
    rows = sum(sum(r["rows_per_entity"].values()) for r in stats["store"]["recordings"].values())
    assert rows == count, (rows, count)
    return count / (source["last_frame_time"] - start)


def stalled_viewer_call_ms(transport: str, count: int = 600, size: int = 1 << 20) -> dict:
    """Log-call durations (ms) while the viewer is stopped (SIGSTOP): the ring fills, then the
    bounded queue, then the oldest frames are dropped; no call may wait on the viewer."""
    import signal

    viewer = Viewer()
    sink = ViewerSink(Address("127.0.0.1", viewer.port), transport=transport, buffer_bytes=64 * MiB)
    sink.send_control(FrameKind.BEGIN_RECORDING, {"recording_id": "bench", "application_id": "bench"})
    wait_connected(sink.stats)
    payload = np.ones(size, dtype=np.uint8)
    os.kill(viewer.proc.pid, signal.SIGSTOP)
    times = []
    try:
        for i in range(count):
            batch = blob_batch(i, payload)
            start = time.perf_counter()
            sink.send_log(batch)
            times.append((time.perf_counter() - start) * 1e3)
        dropped = sink.stats()["dropped_messages"]
    finally:
        os.kill(viewer.proc.pid, signal.SIGCONT)
    sink.close()
    viewer.finish()
    return {"p50": float(np.median(times)), "p99": float(np.percentile(times, 99)), "max": max(times), "dropped": dropped}


def median_of(runs: int, fn, *args):
    """Median over ``runs`` runs (the machine is shared and noisy); dicts by their p50."""
    results = [fn(*args) for _ in range(runs)]
    if isinstance(results[0], dict):
        return sorted(results, key=lambda r: r["p50"])[len(results) // 2]
    return statistics.median(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer messages, one run per figure")
    parser.add_argument("--only", help="comma-separated subset: throughput,wakeup,stalled,points,small,scalars")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else {"throughput", "wakeup", "stalled", "points", "small", "scalars"}
    runs = 1 if args.quick else 3
    n_big = 8 if args.quick else 24
    print(f"median of {runs} run(s) per figure; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)

    def row(name, value, unit, baseline_name, baseline, goal):
        ratio = value / baseline if baseline else float("nan")
        print(f"{name:<44} {value:>10.3f} {unit:<6} vs {baseline_name:<22} {baseline:>10.3f}  ratio {ratio:5.2f}  goal {goal}", flush=True)

    if "throughput" in only:
        memcpy = memcpy_gbps(64 * MiB)
        pair = concurrent_memcpy_gbps(64 * MiB)
        for store in (False, True):
            label = "store" if store else "ingest-only"
            ring = median_of(runs, throughput, "ring", n_big, 64 * MiB, store)
            row(f"ring 64 MiB msgs -> viewer ({label}) GB/s", ring, "GB/s", "numpy memcpy 64 MiB", memcpy, ">= 5 GB/s and >= 0.5x memcpy")
            row(f"ring 64 MiB msgs -> viewer ({label}) GB/s", ring, "GB/s", "2 memcpys at once, each", pair, "> 1: one copy, not two")
            tcp = median_of(runs, throughput, "tcp", n_big, 64 * MiB, store)
            row(f"tcp  64 MiB msgs -> viewer ({label}) GB/s", tcp, "GB/s", "numpy memcpy 64 MiB", memcpy, ">= 1.5 GB/s")
            row(f"ring / tcp, 64 MiB msgs ({label})", ring, "GB/s", "tcp", tcp, "> 1")
    if "wakeup" in only:
        tcp_rt = wakeup_round_trip_us("tcp")
        efd_rt = wakeup_round_trip_us("eventfd")
        row("wake-up round trip, eventfd (the ring's)", efd_rt, "us", "TCP byte (fallback)", tcp_rt, "<= 1")
    if "stalled" in only:
        for t in ("ring", "tcp"):
            stalled = stalled_viewer_call_ms(t)
            row(f"1 MiB log call, viewer stopped, p99 ({t})", stalled["p99"], "ms", "p50", stalled["p50"],
                f"<= 10 ms (max {stalled['max']:.1f} ms incl. OS preemption; {stalled['dropped']} of 600 dropped)")
    if "points" in only:
        n = 20 if args.quick else 50
        lat = {t: median_of(runs, points_latency, t, n, 1_000_000) for t in ("ring", "tcp")}
        for t in ("ring", "tcp"):
            row(f"log_points 1M -> store p50 ({t})", lat[t]["p50"], "ms", "p99", lat[t]["p99"], "p50 <= 5 ms, p99 <= 20 ms")
        row("log_points 1M p50 latency, tcp / ring", lat["tcp"]["p50"], "ms", "ring", lat["ring"]["p50"], "> 1")
    if "small" in only:
        n = 300 if args.quick else 1000
        lat = {t: median_of(runs, small_latency, t, n) for t in ("ring", "tcp")}
        for t in ("ring", "tcp"):
            row(f"1 KiB message -> store p50 ({t})", lat[t]["p50"], "ms", "p99", lat[t]["p99"], "p50 <= 0.2 ms")
        row("1 KiB p50 latency, tcp / ring", lat["tcp"]["p50"], "ms", "ring", lat["ring"]["p50"], "~1")
    if "scalars" in only:
        n = 300_000 if args.quick else 1_000_000
        rates = {t: median_of(runs, scalar_rate, t, n) for t in ("ring", "tcp")}
        for t in ("ring", "tcp"):
            row(f"log_scalar -> store ({t}) calls/s", rates[t] / 1e3, "k/s", "goal", 300.0, ">= 300 k/s")
        row("log_scalar rate, ring / tcp", rates["ring"] / 1e3, "k/s", "tcp", rates["tcp"] / 1e3, "~1")


if __name__ == "__main__":
    main()
