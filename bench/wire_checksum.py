"""What the per-frame XXH3 of wire format 3 costs, against baselines measured in the same run.

For each frame size (``--frame-kib``, default 64, 1024 and 16384 KiB):

1. File sink: ``FileSink.send_log`` of N record batches (checksummed frames, as ``rr.save`` writes
   them) against ``os.write`` of the same number of bytes in frames of the same size, to a new file
   in the same folder. Goal: <= 1.2x. Also the same sink with the checksum replaced by a constant,
   which separates the checksum's share from the sink's own per-frame cost.
2. Ring: ``RingWriter.try_write_log`` (its LogFrameEncoder writes the frame into the shared-memory ring,
   copied and hashed in one pass by the native ``rerun._copy_hash``) against ``np.copyto`` of the same
   frame bytes into a ring-sized shared-memory area at the same positions (memcpy to where the ring
   writes). Goal: >= 0.8x of memcpy. A stand-in consumer takes every record at once (it stores the tail
   through its own mapping, as the viewer's reader does). Also, at the same positions: pyarrow's own
   writer (a new IPC stream writer per frame) with no checksum, and the same with XXH3 computed after
   the copy (the ring before the native module); and the ring with the Python sinks (the fallback
   where the module is not built). Also the viewer's side: copying a record out of the ring and
   verifying it (``checked_payload``) against the copy alone.
3. TCP: frames serialised, sealed and sent over a loopback connection to a thread that receives and
   verifies each one, against the same without seal and verify, and against the frame's bytes copied
   (memcpy) and sent, with neither serialising nor checksum.
4. Each checksum alone: ``xxh3_64`` (the one used), ``crc32c`` (format 2), ``zlib.crc32``, ``zlib.adler32``.

Every figure is the best of ``--repeats`` interleaved samples (both sides of a ratio see the same
machine load; on a shared, loaded machine the best sample is the one least disturbed). Then the
file sink and ring figures once more frame by frame: the candidates take turns for every frame and
each gets the median of its frame times (on a machine whose load swings within seconds, this pairs
frames written under the same load). Data is random (incompressible); each run writes fresh files.

Usage::

    python bench/wire_checksum.py                         # 64 KiB, 1 MiB, 16 MiB frames
    python bench/wire_checksum.py --frame-kib 1024 --total-mib 64 --repeats 9
    python bench/wire_checksum.py --only file             # part 1 alone, with per-sample ratios
"""

from __future__ import annotations

import argparse
import mmap
import os
import socket
import tempfile
import threading
import time
import zlib

import numpy as np
import pyarrow as pa
from crc32c import crc32c
from xxhash import xxh3_64_intdigest

import rerun.sinks.file as file_sink
import rerun.transport.viewer_sink as viewer_sink
from rerun.sinks import FileSink
from rerun.transport.ring import HEADER_BYTES, SLOT_TAIL, RingWriter
from rerun.transport.viewer_sink import serialize_log_frame
from rerun.transport.frame_encoder import LogFrameEncoder
from rerun.transport.hashing_writer import NATIVE_COPY_HASH
from rerun.wire.frames import FRAME_HEADER, STREAM_HEADER, FrameKind, checked_payload, encode_frame_header, seal_frame
from rerun.wire.log_table import log_payload_size, write_log_payload

RING_BYTES = 256 << 20


def _batch(frame_bytes: int) -> pa.RecordBatch:
    values = np.random.default_rng(0).integers(0, 256, frame_bytes, dtype=np.uint8)
    cells = pa.ListArray.from_arrays(pa.array([0, frame_bytes], pa.int32()), pa.array(values))
    meta = {b"rerun.entity_path": b"bench", b"rerun.recording_id": b"r"}
    return pa.RecordBatch.from_arrays([cells], schema=pa.schema([pa.field("ext.bytes", cells.type)], metadata=meta))


class _NoChecksum:
    """The checksum functions of the file sink and the TCP sender replaced by constants (what they cost
    without it). The ring's baselines without a checksum are pyarrow's own writer (:func:`time_arrow_into_area`)."""

    def __enter__(self):
        self._saved = (file_sink.xxh3_64, viewer_sink.seal_frame)
        viewer_sink.seal_frame = lambda frame: None
        file_sink.xxh3_64 = _ConstantDigest
        return self

    def __exit__(self, *exc) -> None:
        file_sink.xxh3_64, viewer_sink.seal_frame = self._saved


class _ConstantDigest:
    """Stands in for the file sink's ``xxh3_64`` state."""

    def __init__(self, data=b"") -> None:
        pass

    def update(self, data) -> None:
        pass

    def intdigest(self) -> int:
        return 0


# -- 1. file sink -------------------------------------------------------------------------------
def time_file_sink(folder: str, batch: pa.RecordBatch, count: int) -> tuple[float, int]:
    path = os.path.join(folder, "sink.rrd")
    sink = FileSink(path)
    start = time.perf_counter()
    for _ in range(count):
        sink.send_log(batch)
    elapsed = time.perf_counter() - start
    written = sink.stats()["sent_bytes"]
    sink.close()
    os.unlink(path)
    return elapsed, written


def time_os_write(folder: str, chunk: bytes, count: int) -> float:
    path = os.path.join(folder, "plain.bin")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    start = time.perf_counter()
    for _ in range(count):
        os.write(fd, chunk)
    elapsed = time.perf_counter() - start
    os.close(fd)
    os.unlink(path)
    return elapsed


def sample_file_sink(folder: str, batch: pa.RecordBatch, count: int, samples: dict) -> int:
    """One sample each of the sink, the sink without its checksum and os.write of the same bytes (appended
    to ``samples``); return the bytes the sink wrote."""
    elapsed, written = time_file_sink(folder, batch, count)
    samples["sink"].append(elapsed)
    with _NoChecksum():
        samples["sink_plain"].append(time_file_sink(folder, batch, count)[0])
    samples["os_write"].append(time_os_write(folder, os.urandom(written // count), count))
    return written


def file_sink_only(frame_kib: int, total_mib: int, repeats: int, folder: str) -> None:
    """Part 1 alone (``--only file``): the sink against os.write of the same bytes, with and without its
    checksum, best of ``repeats`` and the median of the per-sample ratios (each sample's three runs back
    to back), then frame by frame (the three taking turns per frame, medians)."""
    frame_bytes = frame_kib << 10
    count = max(2, (total_mib << 20) // frame_bytes)
    batch = _batch(frame_bytes)
    time_file_sink(folder, batch, 2)  # warm up: imports, schema cache
    samples: dict[str, list[float]] = {"sink": [], "sink_plain": [], "os_write": []}
    for _ in range(repeats):
        written = sample_file_sink(folder, batch, count, samples)
    best = {k: min(v) for k, v in samples.items()}
    paired = [s / o for s, o in zip(samples["sink"], samples["os_write"])]
    paired_plain = [s / o for s, o in zip(samples["sink_plain"], samples["os_write"])]
    print(f"\n== {count} frames of {frame_kib} KiB per sample, {repeats} samples")
    print(f"os.write, same bytes         {best['os_write'] / count * 1e6:8.1f} us per frame (best)")
    print(f"  sink / os.write            {best['sink'] / best['os_write']:6.2f}x time, best of {repeats}; median of per-sample ratios "
          f"{float(np.median(paired)):.2f}x (range {min(paired):.2f}-{max(paired):.2f})   (goal <= 1.2)")
    print(f"  no checksum / os.write     {best['sink_plain'] / best['os_write']:6.2f}x time, best; median of per-sample ratios {float(np.median(paired_plain)):.2f}x")
    chunk = os.urandom(written // count)  # the same bytes per frame as the sink's
    paths = [os.path.join(folder, name) for name in ("i-sink.rrd", "i-plain.rrd", "i-plain.bin")]
    files: dict = {}

    def fresh_files() -> None:
        """New files every ``count`` frames, as in the samples above: a file growing by hundreds of MiB
        makes writeback throttle whichever candidate crosses the dirty limit (16 MiB frames)."""
        if files:
            files["sink"].close()
            files["plain_sink"].close()
            os.close(files["fd"])
            for path in paths:
                os.unlink(path)
        files.update(sink=FileSink(paths[0]), plain_sink=FileSink(paths[1]), fd=os.open(paths[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))

    def sink_plain() -> None:
        with _NoChecksum():
            files["plain_sink"].send_log(batch)

    frames = max(16, count)
    candidates = [("sink", lambda: files["sink"].send_log(batch)), ("sink_plain", sink_plain), ("os_write", lambda: os.write(files["fd"], chunk))]
    times: dict[str, list[float]] = {name: [] for name, _ in candidates}
    try:
        for i in range(frames):
            if i % count == 0:
                fresh_files()
            for name, function in candidates[i % 3 :] + candidates[: i % 3]:
                start = time.perf_counter()
                function()
                times[name].append(time.perf_counter() - start)
    finally:
        files["sink"].close()
        files["plain_sink"].close()
        os.close(files["fd"])
        for path in paths:
            os.unlink(path)
    med = {name: float(np.median(values)) for name, values in times.items()}
    print(f"  frame by frame, medians of {frames} frames: sink / os.write {med['sink'] / med['os_write']:.2f}x"
          f" (no checksum: {med['sink_plain'] / med['os_write']:.2f}x)")


# -- 2. ring ------------------------------------------------------------------------------------
class _InstantConsumer:
    """Takes every record as soon as it is written: stores the ring's tail = head through its own mapping."""

    def __init__(self, writer: RingWriter) -> None:
        fd = os.open(writer.path, os.O_RDWR)
        try:
            self._header = mmap.mmap(fd, HEADER_BYTES, flags=mmap.MAP_SHARED)
        finally:
            os.close(fd)
        self._slots = np.frombuffer(self._header, np.uint64)

    def take_all(self, head: int) -> None:
        self._slots[SLOT_TAIL] = head

    def close(self) -> None:
        del self._slots
        self._header.close()


def time_ring_write(writer: RingWriter, consumer: _InstantConsumer, batch: pa.RecordBatch, count: int) -> float:
    size = log_payload_size(batch)
    start = time.perf_counter()
    for _ in range(count):
        if not writer.try_write_log(batch, size):
            raise RuntimeError("ring write refused although the consumer took everything")
        consumer.take_all(writer.head)
    return time.perf_counter() - start


def time_memcpy_ring(area: np.ndarray, frame: np.ndarray, count: int, position: list) -> float:
    """np.copyto of ``frame`` into ``area`` at the positions a ring would use (64-byte aligned, wrapping)."""
    n = frame.nbytes
    step = (n + 16 + 63) & ~63
    start = time.perf_counter()
    for _ in range(count):
        pos = position[0]
        if pos + step > area.nbytes:
            pos = 0
        np.copyto(area[pos + 16 : pos + 16 + n], frame)
        position[0] = pos + step
    return time.perf_counter() - start


def time_arrow_into_area(area: np.ndarray, batch: pa.RecordBatch, count: int, position: list, hash_after: bool) -> float:
    """pyarrow's own writer (a new IPC stream writer per frame on a ``FixedSizeBufferWriter``) writing each
    frame at the positions a ring would use, with no checksum, or [``hash_after``] with the XXH3 computed
    over the written frame afterwards (the ring's write before the native copy-and-hash)."""
    size = log_payload_size(batch)
    n = FRAME_HEADER.size + size
    step = (n + 8 + 16 + 63) & ~63
    header = encode_frame_header(FrameKind.LOG, size, checksum=hash_after)
    start = time.perf_counter()
    for _ in range(count):
        pos = position[0] if position[0] + step <= area.nbytes else 0
        target = area[pos + 16 : pos + 16 + n + 8]
        writer = pa.FixedSizeBufferWriter(pa.py_buffer(target))
        writer.write(header)
        write_log_payload(batch, writer)
        writer.close()
        if hash_after:
            seal_frame(target)
        position[0] = pos + step
    return time.perf_counter() - start


def time_read_side(area: np.ndarray, frame: np.ndarray, count: int, verify: bool) -> float:
    """The viewer's reader: copy a record out of the ring into fresh memory [and verify its XXH3]."""
    frame_len = frame.nbytes
    step = (frame_len + 16 + 63) & ~63
    # The records it reads hold ``frame`` (the ring baselines before it leave frames without checksum there).
    for slot in range(0, min(count * step, area.nbytes - step + 1), step):
        np.copyto(area[slot + 16 : slot + 16 + frame_len], frame)
    pos = 0
    start = time.perf_counter()
    for _ in range(count):
        if pos + step > area.nbytes:
            pos = 0
        out = np.empty(frame_len, np.uint8)
        np.copyto(out, area[pos + 16 : pos + 16 + frame_len])
        if verify:
            checked_payload(out, 0, frame_len - FRAME_HEADER.size)
        pos += step
    return time.perf_counter() - start


def interleaved_medians(folder: str, batch: pa.RecordBatch, frame: np.ndarray, count: int, rings: dict,
                        area: np.ndarray) -> dict[str, float]:
    """Median time per frame of each candidate, the candidates taking turns frame by frame (in a rotating
    order), so that each ratio compares frames written at the same moment's machine load."""
    sink_path, plain_sink_path, plain_path = (os.path.join(folder, name) for name in ("i-sink.rrd", "i-plain.rrd", "i-plain.bin"))
    sink, plain_sink = FileSink(sink_path), FileSink(plain_sink_path)
    fd = os.open(plain_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    size = log_payload_size(batch)
    sink.send_log(batch)
    chunk = os.urandom(sink.stats()["sent_bytes"] - len(STREAM_HEADER))  # the same bytes per frame as the sink's
    step = (frame.nbytes + 16 + 63) & ~63
    position = [0]

    def ring_write(which: str):
        writer, consumer = rings[which]

        def write() -> None:
            if not writer.try_write_log(batch, size):
                raise RuntimeError("ring write refused although the consumer took everything")
            consumer.take_all(writer.head)
        return write

    def sink_plain() -> None:
        with _NoChecksum():
            plain_sink.send_log(batch)

    def memcpy() -> None:
        pos = position[0] if position[0] + step <= area.nbytes else 0
        np.copyto(area[pos + 16 : pos + 16 + frame.nbytes], frame)
        position[0] = pos + step

    candidates = [("sink", lambda: sink.send_log(batch)), ("sink_plain", sink_plain), ("os_write", lambda: os.write(fd, chunk)),
                  ("ring", ring_write("native")), ("ring_python", ring_write("python")),
                  ("ring_plain", lambda: time_arrow_into_area(area, batch, 1, position, hash_after=False)),
                  ("ring_whole", lambda: time_arrow_into_area(area, batch, 1, position, hash_after=True)), ("memcpy", memcpy)]
    times: dict[str, list[float]] = {name: [] for name, _ in candidates}
    try:
        for i in range(count):
            for name, function in candidates[i % len(candidates) :] + candidates[: i % len(candidates)]:
                start = time.perf_counter()
                function()
                times[name].append(time.perf_counter() - start)
    finally:
        sink.close()
        plain_sink.close()
        os.close(fd)
        for path in (sink_path, plain_sink_path, plain_path):
            os.unlink(path)
    return {name: float(np.median(values)) for name, values in times.items()}


# -- 3. TCP -------------------------------------------------------------------------------------
def time_tcp(batch: pa.RecordBatch, count: int, mode: str) -> float:
    """Sender: serialise + seal and send each frame, receiver thread: receive + verify each one
    (``mode="checksum"``); the same with neither seal nor verify (``"plain"``); or the frame's bytes
    copied (memcpy) and sent, received, with no serialising nor checksum (``"memcpy"``)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    frame = serialize_log_frame(batch)
    done = threading.Event()

    def receive() -> None:
        conn, _ = listener.accept()
        with conn:
            buffer = np.empty(frame.nbytes, np.uint8)
            view = memoryview(buffer)
            for _ in range(count):
                got = 0
                while got < len(view):
                    got += conn.recv_into(view[got:])
                if mode == "checksum":
                    checked_payload(buffer, 0, len(view) - FRAME_HEADER.size)
        done.set()

    thread = threading.Thread(target=receive)
    thread.start()
    sock = socket.create_connection(("127.0.0.1", port))
    scratch = np.empty_like(frame)
    start = time.perf_counter()
    for _ in range(count):
        if mode == "memcpy":
            np.copyto(scratch, frame)
            sock.sendall(scratch)
        else:
            sock.sendall(serialize_log_frame(batch))
    done.wait()
    elapsed = time.perf_counter() - start
    sock.close()
    thread.join()
    listener.close()
    return elapsed


def time_function(function, data: np.ndarray, count: int) -> float:
    view = memoryview(data)
    start = time.perf_counter()
    for _ in range(count):
        function(view)
    return time.perf_counter() - start


def bench_size(frame_kib: int, total_mib: int, repeats: int, folder: str, rings: dict, area: np.ndarray) -> None:
    frame_bytes = frame_kib << 10
    count = max(2, (total_mib << 20) // frame_bytes)
    batch = _batch(frame_bytes)
    frame = serialize_log_frame(batch)
    samples: dict[str, list[float]] = {k: [] for k in (
        "sink", "sink_plain", "os_write", "ring", "ring_python", "ring_plain", "ring_whole", "memcpy", "read", "read_verify", "tcp", "tcp_plain", "tcp_memcpy",
        "xxh3", "crc32c", "zlib.crc32", "zlib.adler32")}
    position = [0]
    time_file_sink(folder, batch, 2)  # warm up: imports, kept writers
    for writer, consumer in rings.values():
        time_ring_write(writer, consumer, batch, 2)
    for _ in range(repeats):
        sample_file_sink(folder, batch, count, samples)
        # In-memory runs are short: 4x the frames per sample.
        samples["ring"].append(time_ring_write(*rings["native"], batch, 4 * count) / 4)
        samples["ring_python"].append(time_ring_write(*rings["python"], batch, 4 * count) / 4)
        samples["ring_plain"].append(time_arrow_into_area(area, batch, 4 * count, position, hash_after=False) / 4)
        samples["ring_whole"].append(time_arrow_into_area(area, batch, 4 * count, position, hash_after=True) / 4)
        samples["memcpy"].append(time_memcpy_ring(area, frame, 4 * count, position) / 4)
        samples["read"].append(time_read_side(area, frame, 4 * count, verify=False) / 4)
        samples["read_verify"].append(time_read_side(area, frame, 4 * count, verify=True) / 4)
        samples["tcp"].append(time_tcp(batch, count, "checksum"))
        with _NoChecksum():
            samples["tcp_plain"].append(time_tcp(batch, count, "plain"))
        samples["tcp_memcpy"].append(time_tcp(batch, count, "memcpy"))
        for name, function in (("xxh3", xxh3_64_intdigest), ("crc32c", crc32c), ("zlib.crc32", zlib.crc32), ("zlib.adler32", zlib.adler32)):
            samples[name].append(time_function(function, frame, 4 * count) / 4)
    best = {k: min(v) for k, v in samples.items()}
    total = frame.nbytes * count
    rate = lambda key: total / best[key] / 1e9  # noqa: E731
    print(f"\n== {count} frames of {frame_kib} KiB ({total / 2**20:.0f} MiB) per sample, best of {repeats}")
    print(f"file sink (XXH3)             {rate('sink'):6.2f} GB/s")
    print(f"os.write, same bytes         {rate('os_write'):6.2f} GB/s")
    print(f"  sink / os.write            {best['sink'] / best['os_write']:6.2f}x time   (goal <= 1.2)")
    print(f"file sink, no checksum       {rate('sink_plain'):6.2f} GB/s   (checksum's share {best['sink'] / best['sink_plain']:.2f}x)")
    print(f"ring write (Arrow + XXH3)    {rate('ring'):6.2f} GB/s   (native copy-and-hash: {NATIVE_COPY_HASH})")
    print(f"memcpy into the ring area    {rate('memcpy'):6.2f} GB/s")
    print(f"  ring / memcpy              {best['memcpy'] / best['ring']:6.2f}x throughput   (goal >= 0.8)")
    print(f"pyarrow's writer, no checksum {rate('ring_plain'):5.2f} GB/s   (ring with checksum / this {best['ring_plain'] / best['ring']:.2f}x throughput)")
    print(f"pyarrow's writer + XXH3 after {rate('ring_whole'):5.2f} GB/s   ({best['memcpy'] / best['ring_whole']:.2f}x of memcpy: the ring before the native copy-and-hash)")
    print(f"ring, Python sinks (no native) {rate('ring_python'):4.2f} GB/s   ({best['memcpy'] / best['ring_python']:.2f}x of memcpy)")
    print(f"viewer read: copy + verify   {rate('read_verify'):6.2f} GB/s   vs copy alone {rate('read'):6.2f} GB/s ({best['read'] / best['read_verify']:.2f}x)")
    print(f"TCP: serialise+seal+send, recv+verify {rate('tcp'):6.2f} GB/s")
    print(f"  vs no checksum           {rate('tcp_plain'):6.2f} GB/s   ({best['tcp_plain'] / best['tcp']:.2f}x throughput)")
    print(f"  vs memcpy+send, recv     {rate('tcp_memcpy'):6.2f} GB/s   ({best['tcp_memcpy'] / best['tcp']:.2f}x throughput)")
    print("alone: " + ", ".join(f"{name} {rate(name):.1f} GB/s" for name in ("xxh3", "crc32c", "zlib.crc32", "zlib.adler32")))
    med = interleaved_medians(folder, batch, frame, max(16, count), rings, area)
    print(f"frame by frame, interleaved, medians of {max(16, count)} frames each:")
    print(f"  sink / os.write            {med['sink'] / med['os_write']:6.2f}x time   (no checksum: {med['sink_plain'] / med['os_write']:.2f}x)")
    print(f"  ring / memcpy              {med['memcpy'] / med['ring']:6.2f}x throughput   (pyarrow's writer, no checksum: {med['memcpy'] / med['ring_plain']:.2f}x;"
          f" + XXH3 after: {med['memcpy'] / med['ring_whole']:.2f}x; Python sinks: {med['memcpy'] / med['ring_python']:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frame-kib", type=int, nargs="+", default=[64, 1024, 16384])
    parser.add_argument("--total-mib", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--folder", default=None, help="where the files go (default: a temporary folder beside this script)")
    parser.add_argument("--only", choices=["file"], default=None, help="file: part 1 alone (the file sink against os.write)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(dir=args.folder or os.path.dirname(os.path.abspath(__file__)))
    if args.only == "file":
        try:
            for frame_kib in args.frame_kib:
                file_sink_only(frame_kib, args.total_mib, args.repeats, folder)
        finally:
            os.rmdir(folder)
        return
    rings = {}
    for which, native in (("native", True), ("python", False)):
        writer = RingWriter(RING_BYTES, encoder=LogFrameEncoder(native))
        rings[which] = (writer, _InstantConsumer(writer))
    area_map = mmap.mmap(-1, RING_BYTES)  # memcpy's target: shared memory of the ring's size, pages touched once
    area = np.frombuffer(area_map, np.uint8)
    area[:] = 1
    try:
        for frame_kib in args.frame_kib:
            bench_size(frame_kib, args.total_mib, args.repeats, folder, rings, area)
    finally:
        for writer, consumer in rings.values():
            consumer.close()
            writer.close()
        del area
        area_map.close()
        os.rmdir(folder)


if __name__ == "__main__":
    main()
