"""Loading a large ``.rrd`` into the viewer: every frame's checksum verified once, against the same loader
verifying every frame twice (once while the frames are found, again in ``Dispatcher.decode``: the loader
before this change), measured in the same run.

``--mib`` MiB of 1280x720 RGB images (random pixels: incompressible) are written with ``rr.save``; then the
candidates take turns, ``--repeats`` times each:

1. ``now``: the viewer's loader (``rerun_app.ingest.file_loader.load_file``) into a ``StoreHub``, as
   ``rerun FILE.rrd`` loads it; ``iter_frames`` verifies each frame, the dispatcher trusts that;
2. ``before``: the same loader with a dispatcher that verifies every frame again (as ``decode`` did);
3. ``recording.load``: ``rerun.recording.load`` and every entity's table (verified once, before and now);

plus one XXH3 pass over the file's frames alone (an upper bound of what the second verification cost).
Each figure is the best and the median of its samples; ratios are against ``before`` of the same run.
The file stays in the page cache (it was just written), so this measures the loader, not the disk.

Usage::

    python bench/file_load.py                      # 200 MiB, 9 repeats
    python bench/file_load.py --mib 64 --repeats 3
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import threading
import time

import numpy as np
from xxhash import xxh3_64_intdigest

import rerun as rr
from rerun.recording import load
from rerun.wire.frames import iter_frames
from rerun_app.ingest import make_target
from rerun_app.ingest.dispatch import Dispatcher
from rerun_app.ingest.file_loader import load_file
from rerun_app.ingest.stats import SourceStats

IMAGE_SHAPE = (720, 1280, 3)


class _VerifiesAgain(Dispatcher):
    """The dispatcher as it was: it verifies a file's frames although the loader already did."""

    def decode(self, source, frame, verified=False):
        return super().decode(source, frame, verified=False)


def write_file(path: str, mib: int) -> int:
    """``mib`` MiB of images written by ``rr.save``; returns the number of images."""
    rng = np.random.default_rng(7)
    count = max(1, (mib << 20) // int(np.prod(IMAGE_SHAPE)))
    rr.init("file_load_bench")
    rr.save(path)
    for i in range(count):
        rr.set_time_sequence("frame", i)
        rr.log_image("camera/rgb", rng.integers(0, 256, IMAGE_SHAPE, dtype=np.uint8))
    rr.disconnect()
    return count


def viewer_load(path: str, dispatcher_type: type[Dispatcher], images: int) -> float:
    hub, target = make_target()
    source = SourceStats(f"file {path}", "file")
    dispatcher = dispatcher_type(target, threading.RLock())
    started = time.perf_counter()
    load_file(path, dispatcher, source)
    elapsed = time.perf_counter() - started
    if source.errors or source.log_rows != images:
        raise SystemExit(f"the loader lost data: {source.errors} errors ({source.last_error}), {source.log_rows} of {images} rows")
    del hub, target, dispatcher
    gc.collect()
    return elapsed


def sdk_load(path: str, images: int) -> float:
    started = time.perf_counter()
    recording = load(path)
    rows = 0
    for entity in recording.entity_paths:
        rows += recording.table(entity).num_rows  # the image bytes stay zero-copy views of the file
    elapsed = time.perf_counter() - started
    if rows < images or recording.warnings:
        raise SystemExit(f"recording.load lost data: {rows} rows, warnings {recording.warnings}")
    return elapsed


def hash_pass(path: str) -> float:
    with open(path, "rb") as fh:
        data = fh.read()
    frames = list(iter_frames(data, 8))
    view = memoryview(data)
    started = time.perf_counter()
    for frame in frames:
        xxh3_64_intdigest(view[frame.offset : frame.offset + 16 + len(frame.payload)])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mib", type=int, default=200, help="size of the file in MiB (default 200)")
    parser.add_argument("--repeats", type=int, default=9, help="samples per candidate (default 9)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "images.rrd")
        images = write_file(path, args.mib)
        size = os.path.getsize(path)
        print(f"{size / (1 << 20):.0f} MiB file, {images} images of {IMAGE_SHAPE}; load average {os.getloadavg()[0]:.1f}")
        samples: dict[str, list[float]] = {"now": [], "before": [], "recording.load": [], "one XXH3 pass": []}
        viewer_load(path, Dispatcher, images)  # warm-up: imports, the page cache, the allocator
        for _ in range(args.repeats):
            samples["before"].append(viewer_load(path, _VerifiesAgain, images))
            samples["now"].append(viewer_load(path, Dispatcher, images))
            samples["recording.load"].append(sdk_load(path, images))
            samples["one XXH3 pass"].append(hash_pass(path))
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        base_best, base_median = min(samples["before"]), statistics.median(samples["before"])
        print(f"{'candidate':<16} {'best s':>8} {'median s':>9} {'GB/s (best)':>12} {'best/before':>12} {'median/before':>14}")
        for name, values in samples.items():
            best, median = min(values), statistics.median(values)
            print(f"{name:<16} {best:8.3f} {median:9.3f} {size / best / 1e9:12.2f} {best / base_best:12.3f} {median / base_median:14.3f}")


if __name__ == "__main__":
    main()
