"""Benchmarks of the viewer's store (``rerun_app.store``).

Default run (about 20 s on the 2-core dev machine):

- ingest of 100 k scalar rows (in batches of 1000 and of 10 rows) and of 1 M-point batches, against a
  plain ``list.append`` of the same batches measured in the same run (the floor of any ingest);
- latest-at latency over 1 M rows against one raw ``np.searchsorted`` on a 1 M array (the floor of
  any binary-search lookup), and the 100 k-point plot query (``range_scalars``).

``--scalar-soak``: the same RSS check for a stream of small scalar batches (per-batch overheads).

``--memory-soak``: streams 1280×720 RGB frames at 60 fps for 60 s through the wire format into a
``StoreHub`` with a memory limit, samples the process RSS, and fails (exit 1) if it ever passes
the limit + 10 %.

Usage::

    python bench/store.py
    python bench/store.py --memory-soak [--limit-mb 1024] [--seconds 60] [--fps 60] [--mode both|process|budget]
    python bench/store.py --scalar-soak --limit-mb 150 [--seconds 60] [--rows-per-batch 10] [--mode ...]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time

import numpy as np
import pyarrow as pa

from rerun.components import tensor
from rerun.wire.frames import FRAME_HEADER
from rerun.wire.log_table import build_log_batch, log_payload_size, read_log_payload, write_log_frame
from rerun_app.store import Store, StoreHub, Timeline, process_rss_bytes, store_budget_for_process_limit

FRAME = Timeline("frame", "sequence")
LOG_TIME = ("log_time", "time")


def _best_of(fn, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _scalar_batches(rows: int, per_batch: int) -> list[pa.RecordBatch]:
    batches = []
    values = np.sin(np.arange(rows) / 100.0)
    for start in range(0, rows, per_batch):
        stop = min(rows, start + per_batch)
        n = stop - start
        cells = pa.ListArray.from_arrays(pa.array(np.arange(n + 1, dtype=np.int32)), pa.array(values[start:stop]))
        timelines = {("frame", "sequence"): pa.array(np.arange(start, stop, dtype=np.int64)), LOG_TIME: pa.array(np.arange(start, stop, dtype=np.int64) * 1000)}
        batches.append(build_log_batch("plot/value", "bench", timelines, {"rerun.scalar": cells}))
    return batches


def _point_batches(count: int, n_points: int) -> list[pa.RecordBatch]:
    rng = np.random.default_rng(0)
    positions = rng.normal(size=(n_points, 3)).astype(np.float32)
    colors = rng.integers(0, 255, size=(n_points, 4), dtype=np.uint8)
    batches = []
    for t in range(count):
        pts = pa.FixedSizeListArray.from_arrays(pa.array(positions.reshape(-1)), 3)
        col = pa.FixedSizeListArray.from_arrays(pa.array(colors.reshape(-1)), 4)
        offsets = pa.array(np.array([0, n_points], dtype=np.int32))
        components = {"rerun.point3d": pa.ListArray.from_arrays(offsets, pts), "rerun.colorrgba": pa.ListArray.from_arrays(offsets, col)}
        timelines = {("frame", "sequence"): [t], LOG_TIME: [t * 1000]}
        batches.append(build_log_batch("world/cloud", "bench", timelines, components))
    return batches


def _ingest(batches) -> Store:
    store = Store()
    for rb in batches:
        store.add_log_batch("e", rb)
    return store


def _baseline(batches) -> list:
    kept = []
    for rb in batches:
        kept.append(rb)
    return kept


def bench_ingest() -> None:
    print("== ingest (best of 3; baseline: list.append of the same batches)")
    for label, batches, items, unit in [
        ("100 k scalar rows, 1000 per batch", _scalar_batches(100_000, 1000), 100_000, "rows"),
        ("100 k scalar rows, 10 per batch", _scalar_batches(100_000, 10), 100_000, "rows"),
        ("10 batches of 1 M points + colours", _point_batches(10, 1_000_000), 10_000_000, "points"),
    ]:
        ours = _best_of(lambda: _ingest(batches))
        base = _best_of(lambda: _baseline(batches))
        print(
            f"{label:36s} store {ours * 1e3:8.2f} ms = {ours / len(batches) * 1e6:6.1f} us/batch ({items / ours:14,.0f} {unit}/s)"
            f" | list.append {base * 1e3:7.3f} ms | ratio {ours / base:7.0f}x"
        )


def bench_queries() -> None:
    print("== queries over 1 M scalar rows (1000 batches of 1000 rows)")
    store = _ingest(_scalar_batches(1_000_000, 1000))
    rng = np.random.default_rng(1)
    cursors = rng.integers(0, 1_000_000, 2000).tolist()

    def latest():
        for c in cursors:
            store.latest_at("e", FRAME, c)

    raw = np.arange(1_000_000, dtype=np.int64)

    def floor():
        for c in cursors:
            int(np.searchsorted(raw, c, side="right")) - 1

    ours = _best_of(latest) / len(cursors)
    base = _best_of(floor) / len(cursors)
    print(f"latest_at (one component)              {ours * 1e6:8.1f} us | raw np.searchsorted {base * 1e6:6.2f} us | ratio {ours / base:6.1f}x")

    def with_numpy():
        for c in cursors:
            store.latest_at("e", FRAME, c).numpy("rerun.scalar")

    ours_np = _best_of(with_numpy) / len(cursors)
    print(f"latest_at + .numpy()                   {ours_np * 1e6:8.1f} us")

    def plot():
        store.range_scalars("e", FRAME, 400_000, 499_999)

    copy_src = np.arange(100_000, dtype=np.float64)
    ours_plot = _best_of(plot, 20)
    base_plot = _best_of(lambda: copy_src.copy(), 20)
    print(f"range_scalars, 100 k points            {ours_plot * 1e6:8.1f} us | 100 k float64 copy {base_plot * 1e6:6.1f} us | ratio {ours_plot / base_plot:6.1f}x")
    ours_twd = _best_of(lambda: (store._unique_cache.clear(), store.times_with_data(FRAME)))
    print(f"times_with_data, 1 M rows (uncached)   {ours_twd * 1e3:8.2f} ms")


def _image_frame_payload(t: int, image: np.ndarray) -> pa.Buffer:
    """One LOG frame (header + IPC payload) holding a 720p RGB image, as the ring or socket delivers it."""
    cell = tensor(image, shape=image.shape, dtype="uint8", tensor_id=t.to_bytes(16, "little"))
    components = {"rerun.tensor": pa.ListArray.from_arrays(pa.array(np.array([0, 1], dtype=np.int32)), cell)}
    timelines = {("frame", "sequence"): [t], LOG_TIME: [time.time_ns()]}
    rb = build_log_batch("camera/rgb", "soak", timelines, components)
    # Like a socket or ring reader: a buffer of exactly the frame's size, filled in place.
    buffer = pa.allocate_buffer(FRAME_HEADER.size + log_payload_size(rb))
    write_log_frame(rb, pa.FixedSizeBufferWriter(buffer))
    return buffer


def _make_hub(limit: int, mode: str) -> tuple[StoreHub, str]:
    if mode == "process":
        return StoreHub(process_memory_limit=limit), "resident memory watched"
    if mode == "both":
        hub = StoreHub(memory_limit=store_budget_for_process_limit(limit), process_memory_limit=limit)
        return hub, f"store budget {hub.budget.limit >> 20} MiB and resident memory watched"
    hub = StoreHub(memory_limit=store_budget_for_process_limit(limit))
    return hub, f"store budget {hub.budget.limit >> 20} MiB"


def memory_soak(limit_mb: int, seconds: float, fps: float, mode: str) -> int:
    limit = limit_mb << 20
    template = np.random.default_rng(0).integers(0, 255, size=(720, 1280, 3), dtype=np.uint8)
    _image_frame_payload(0, template)  # warm up imports and the allocator
    rss_start = process_rss_bytes()
    hub, how = _make_hub(limit, mode)
    print(
        f"== memory soak: 1280x720 RGB at {fps:g} fps for {seconds:g} s, process limit {limit_mb} MiB "
        f"({how}, RSS at start {rss_start >> 20} MiB)"
    )
    period = 1.0 / fps
    start = time.perf_counter()
    t = 0
    peak = 0
    late = 0
    next_report = 10.0
    while True:
        now = time.perf_counter() - start
        if now >= seconds:
            break
        image = np.empty_like(template)
        np.add(template, t % 7, out=image, casting="unsafe")  # a new frame's bytes, as a camera gives
        payload = _image_frame_payload(t, image)
        del image
        _, _, rb = read_log_payload(payload.slice(FRAME_HEADER.size))
        hub.add_log_batch(None, rb)
        del rb, payload
        store = hub.active
        shown = store.latest_at("camera/rgb", FRAME, t)
        assert shown is not None and shown.row_time == t
        del shown
        peak = max(peak, process_rss_bytes())
        if now >= next_report:
            stats = store.stats()
            print(f"  t={now:5.1f} s frames={t + 1:5d} kept rows={stats.total_rows:4d} store={stats.total_bytes >> 20:5d} MiB rss={process_rss_bytes() >> 20:5d} MiB peak={peak >> 20:5d} MiB")
            next_report += 10.0
        t += 1
        wait = start + t * period - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        else:
            late += 1
    elapsed = time.perf_counter() - start
    stats = hub.active.stats()
    ok = peak <= limit * 1.10
    print(
        f"frames {t} in {elapsed:.1f} s ({t / elapsed:.1f} fps, {late} behind schedule); evicted {stats.evicted_rows} rows "
        f"({stats.evicted_bytes >> 20} MiB); peak RSS {peak >> 20} MiB = {peak / limit:.3f} x limit -> {'OK' if ok else 'OVER limit + 10 %'}"
    )
    return 0 if ok else 1


def _scalar_frame_payload(start: int, rows: int) -> pa.Buffer:
    rb = _scalar_rows(start, rows)
    buffer = pa.allocate_buffer(FRAME_HEADER.size + log_payload_size(rb))
    write_log_frame(rb, pa.FixedSizeBufferWriter(buffer))
    return buffer


def _scalar_rows(start: int, rows: int) -> pa.RecordBatch:
    values = np.sin(np.arange(start, start + rows) / 100.0)
    cells = pa.ListArray.from_arrays(pa.array(np.arange(rows + 1, dtype=np.int32)), pa.array(values))
    frames = np.arange(start, start + rows, dtype=np.int64)
    timelines = {("frame", "sequence"): pa.array(frames), LOG_TIME: pa.array(frames * 1000)}
    return build_log_batch("plot/value", "soak", timelines, {"rerun.scalar": cells})


def scalar_soak(limit_mb: int, seconds: float, rows_per_batch: int, mode: str) -> int:
    """Small scalar batches as fast as one core goes: checks that per-batch overheads are counted."""
    limit = limit_mb << 20
    _scalar_frame_payload(0, rows_per_batch)
    rss_start = process_rss_bytes()
    hub, how = _make_hub(limit, mode)
    print(
        f"== scalar soak: batches of {rows_per_batch} scalar rows for {seconds:g} s, process limit {limit_mb} MiB "
        f"({how}, RSS at start {rss_start >> 20} MiB)"
    )
    start = time.perf_counter()
    batches = peak = 0
    next_report = 10.0
    while (now := time.perf_counter() - start) < seconds:
        payload = _scalar_frame_payload(batches * rows_per_batch, rows_per_batch)
        _, _, rb = read_log_payload(payload.slice(FRAME_HEADER.size))
        hub.add_log_batch(None, rb)
        del rb, payload
        batches += 1
        if batches % 256 == 0:
            peak = max(peak, process_rss_bytes())
        if now >= next_report:
            stats = hub.active.stats()
            print(f"  t={now:5.1f} s batches={batches:8d} kept rows={stats.total_rows:9d} store={stats.total_bytes >> 20:5d} MiB rss={process_rss_bytes() >> 20:5d} MiB")
            next_report += 10.0
    elapsed = time.perf_counter() - start
    stats = hub.active.stats()
    ok = peak <= limit * 1.10
    print(
        f"batches {batches} ({batches * rows_per_batch / elapsed:,.0f} rows/s); evicted {stats.evicted_rows} rows; "
        f"peak RSS {peak >> 20} MiB = {peak / limit:.3f} x limit -> {'OK' if ok else 'OVER limit + 10 %'}"
    )
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory-soak", action="store_true", help="run the 60 s image-stream RSS soak instead")
    parser.add_argument("--limit-mb", type=int, default=1024, help="process memory limit for the soak (MiB)")
    parser.add_argument("--seconds", type=float, default=60.0, help="soak duration")
    parser.add_argument("--fps", type=float, default=60.0, help="soak frame rate")
    parser.add_argument("--scalar-soak", action="store_true", help="soak with small scalar batches instead of images")
    parser.add_argument("--rows-per-batch", type=int, default=10, help="rows per batch in the scalar soak")
    parser.add_argument(
        "--mode",
        choices=["both", "process", "budget"],
        default="both",
        help="process: StoreHub(process_memory_limit=limit) watches resident memory; "
        "budget: StoreHub(memory_limit=store_budget_for_process_limit(limit)) counts the store's bytes only; "
        "both (what the viewer should do): the two together",
    )
    args = parser.parse_args(argv)
    if args.scalar_soak:
        return scalar_soak(args.limit_mb, args.seconds, args.rows_per_batch, args.mode)
    if args.memory_soak:
        return memory_soak(args.limit_mb, args.seconds, args.fps, args.mode)
    bench_ingest()
    bench_queries()
    return 0


if __name__ == "__main__":
    sys.exit(main())
