"""What the per-frame CRC32C of format version 2 costs, against baselines measured in the same run.

1. File sink: ``FileSink.send_log`` of N record batches (checksummed frames, as ``rr.save`` writes
   them) against ``os.write`` of the same number of bytes in frames of the same size, to a new file
   in the same folder. Goal: <= 1.2x. Also the same sink with the checksum replaced by a constant,
   which separates the checksum's cost from the sink's own per-frame cost (Arrow's IPC writer:
   tens of microseconds, which dominate frames of tens of KiB).
2. Ring: copying a frame into shared memory (``np.copyto``, what the ring does) against that copy
   followed by the CRC32C of the copied bytes (what a checksummed ring write would add). The ring
   does not checksum today; the throughput ratio shows whether it could. Goal: >= 0.8x of memcpy.
3. The checksum alone, for each candidate: ``crc32c`` (hardware), ``zlib.crc32``, ``zlib.adler32``.

Every figure is the best of ``--repeats`` interleaved samples (both sides of a ratio see the same
machine load; on a shared, loaded machine the best sample is the one least disturbed, where medians
swung by 2-3x from run to run). Data is random (incompressible) and each run writes a fresh file.

Usage::

    python bench/wire_checksum.py                  # 1 MiB frames, 64 MiB per run, 7 repeats
    python bench/wire_checksum.py --frame-kib 64 --total-mib 32
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import zlib

import numpy as np
import pyarrow as pa

import rerun.sinks.file as file_sink
from rerun.sinks import FileSink
from rerun.wire.frames import crc32c_checksum as frame_checksum  # (rewritten for format 3 in the next commit)


def _batches(frame_bytes: int, count: int) -> list[pa.RecordBatch]:
    rng = np.random.default_rng(0)
    values = rng.integers(0, 256, frame_bytes, dtype=np.uint8)
    cells = pa.ListArray.from_arrays(pa.array([0, frame_bytes], pa.int32()), pa.array(values))
    meta = {b"rerun.entity_path": b"bench", b"rerun.recording_id": b"r"}
    return [pa.RecordBatch.from_arrays([cells], schema=pa.schema([pa.field("ext.bytes", cells.type)], metadata=meta))] * count


def time_file_sink(folder: str, batches: list[pa.RecordBatch]) -> tuple[float, int]:
    path = os.path.join(folder, "sink.rrd")
    sink = FileSink(path)
    start = time.perf_counter()
    for batch in batches:
        sink.send_log(batch)
    elapsed = time.perf_counter() - start
    written = sink.stats()["sent_bytes"]
    sink.close()
    os.unlink(path)
    return elapsed, written


def _no_checksum(header, payload=b"", value: int = 0) -> int:
    return 0


def time_file_sink_without_checksum(folder: str, batches: list[pa.RecordBatch]) -> float:
    """The same sink with the checksum replaced by a constant: what the sink costs without it."""
    file_sink.frame_checksum = _no_checksum
    try:
        return time_file_sink(folder, batches)[0]
    finally:
        file_sink.frame_checksum = frame_checksum


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


def time_copy(src: np.ndarray, dst: np.ndarray, count: int, checksum: bool) -> float:
    target = memoryview(dst)
    start = time.perf_counter()
    for _ in range(count):
        np.copyto(dst, src)
        if checksum:
            frame_checksum(target)
    return time.perf_counter() - start


def time_function(function, data: np.ndarray, count: int) -> float:
    view = memoryview(data)
    start = time.perf_counter()
    for _ in range(count):
        function(view)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frame-kib", type=int, default=1024)
    parser.add_argument("--total-mib", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--folder", default=None, help="where the files go (default: a temporary folder beside this script)")
    args = parser.parse_args()
    frame_bytes = args.frame_kib << 10
    count = max(1, (args.total_mib << 20) // frame_bytes)
    batches = _batches(frame_bytes, count)
    folder = tempfile.mkdtemp(dir=args.folder or os.path.dirname(os.path.abspath(__file__)))
    sink_times, plain_sink_times, write_times, copy_times, copy_crc_times = [], [], [], [], []
    candidates = {"crc32c": frame_checksum, "zlib.crc32": zlib.crc32, "zlib.adler32": zlib.adler32}
    alone = {name: [] for name in candidates}
    src = np.random.default_rng(1).integers(0, 256, frame_bytes, dtype=np.uint8)
    dst = np.empty_like(src)
    try:
        time_file_sink(folder, batches[:2])  # warm up: imports, schema cache
        for _ in range(args.repeats):
            elapsed, written = time_file_sink(folder, batches)
            sink_times.append(elapsed)
            plain_sink_times.append(time_file_sink_without_checksum(folder, batches))
            chunk = os.urandom(written // count)
            write_times.append(time_os_write(folder, chunk, count))
            # In-memory runs are short: 8x the bytes per sample, and the best sample (least preempted).
            copy_times.append(time_copy(src, dst, 8 * count, checksum=False) / 8)
            copy_crc_times.append(time_copy(src, dst, 8 * count, checksum=True) / 8)
            for name, function in candidates.items():
                alone[name].append(time_function(function, src, 8 * count) / 8)
    finally:
        os.rmdir(folder)
    total = frame_bytes * count
    med = min  # the least disturbed sample of each: on a shared machine medians swing by 2-3x between runs
    print(f"{count} frames of {args.frame_kib} KiB ({total / 2**20:.0f} MiB) per run, best of {args.repeats}")
    print(f"file sink (checksummed)   {total / med(sink_times) / 1e9:6.2f} GB/s")
    print(f"os.write, same bytes      {total / med(write_times) / 1e9:6.2f} GB/s")
    print(f"  ratio sink / os.write   {med(sink_times) / med(write_times):6.2f}x time   (goal <= 1.2)")
    print(f"file sink, no checksum    {total / med(plain_sink_times) / 1e9:6.2f} GB/s")
    print(f"  checksum's share        {med(sink_times) / med(plain_sink_times):6.2f}x the sink's time without it")
    print(f"memcpy (ring copy)        {total / min(copy_times) / 1e9:6.2f} GB/s   (best sample)")
    print(f"memcpy + crc32c           {total / min(copy_crc_times) / 1e9:6.2f} GB/s   (best sample)")
    print(f"  ratio                   {min(copy_times) / min(copy_crc_times):6.2f}x of memcpy throughput   (goal >= 0.8)")
    for name, times in alone.items():
        print(f"{name:12s} alone      {total / min(times) / 1e9:6.2f} GB/s   (best sample)")


if __name__ == "__main__":
    main()
