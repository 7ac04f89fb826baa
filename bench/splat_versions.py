"""Benchmark: this checkout's CPU point splat against the one at an earlier git revision, in the same run.

    python bench/splat_versions.py [--rev 0ad8a13] [--sizes 1000000,5000000] [--frames 9] [--size 1280x720]

Both splatters draw bench/scene.py's cloud (per-point RGBA8, 3 px) in one SpaceView3D of one EGL canvas, each in
its own layer, shown one at a time and alternated frame by frame while the camera turns 1 degree per frame, so
load on a shared machine hits both alike. ``--rev``'s ``kernels/splat.py`` and ``scene/visuals/splat.py`` are read
with ``git show`` into a temporary folder and imported from there (the revision's ``PointSplatter`` must take
``(positions, colors, radii, finite)`` like this one's). Reported per size: median wall and process CPU seconds per
moving frame for both, their ratio, and GL_POINTS (``PointsVisual.cpu_splat = False``) after them.
Run with DISPLAY unset; EGL_PLATFORM defaults to surfaceless.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def load_revision(rev: str):
    """The ``PointSplatter`` class of ``rev``, imported from a temporary copy of its two splat modules."""
    folder = Path(tempfile.mkdtemp(prefix="splat-rev-"))
    kernel = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:kernels/splat.py"], check=True,
                            capture_output=True, text=True).stdout
    scene = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:scene/visuals/splat.py"], check=True,
                           capture_output=True, text=True).stdout
    (folder / "rev_kernel_splat.py").write_text(kernel.replace("from ._dispatch import", "from rerun_kernels._dispatch import"))
    (folder / "rev_scene_splat.py").write_text(scene.replace("from rerun_kernels.splat import", "from rev_kernel_splat import"))
    sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location("rev_scene_splat", folder / "rev_scene_splat.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PointSplatter


def compare(n: int, rev_splatter, size, frames: int) -> str:
    from cloud_bench import cloud  # bench/scene.py's cloud, imported below under this name

    from rerun_scene import PointBatch, offscreen
    from rerun_scene.view3d import SpaceView3D
    from rerun_scene.visuals import points as points_module
    from rerun_scene.visuals.points import PointsVisual

    positions, colors = cloud(n)
    canvas = offscreen.create_canvas(size)
    view = SpaceView3D(canvas)
    splatters = {"rev": rev_splatter, "this": points_module.PointSplatter}
    for name in splatters:
        view.set_layer(name, PointBatch(positions, colors=colors, radii=1.5, radius_unit="px"))

    def show(which):
        for name in splatters:
            view.set_visible(name, name == which)

    def frame():
        view.camera.rotate(1.0 / 0.4, 0.0)
        wall, cpu = time.perf_counter(), time.process_time()
        canvas.render()
        return time.perf_counter() - wall, time.process_time() - cpu

    this_splatter = points_module.PointSplatter
    for name, splatter in splatters.items():
        show(name)
        points_module.PointSplatter = splatter  # the layer's first splat builds its splatter from this name
        try:
            frame()
        finally:
            points_module.PointSplatter = this_splatter
        frame()  # compiled kernels, this version's locality order (its 2nd splat)
    times = {name: [] for name in splatters}
    for f in range(frames):
        for name in (("rev", "this") if f % 2 == 0 else ("this", "rev")):
            show(name)
            times[name].append(frame())
    show("this")
    PointsVisual.cpu_splat = False
    gl = [frame()[0] for _ in range(max(2, frames // 4))]
    PointsVisual.cpu_splat = True
    canvas.close()
    wall = {name: statistics.median(t[0] for t in v) for name, v in times.items()}
    cpu = {name: statistics.median(t[1] for t in v) for name, v in times.items()}
    return (f"{n:>9d} {wall['rev']:9.4f} {cpu['rev']:9.4f} {wall['this']:9.4f} {cpu['this']:9.4f} "
            f"{wall['rev'] / wall['this']:8.2f}x {statistics.median(gl):9.3f} {statistics.median(gl) / wall['this']:8.1f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="0ad8a13", help="git revision to compare with (default: before issue 12's splat work)")
    parser.add_argument("--sizes", default="1000000,5000000")
    parser.add_argument("--frames", type=int, default=9)
    parser.add_argument("--size", default="1280x720")
    args = parser.parse_args()
    os.environ.pop("DISPLAY", None)
    sys.path.insert(0, str(Path(__file__).parent))
    spec = importlib.util.spec_from_file_location("cloud_bench", Path(__file__).parent / "scene.py")
    sys.modules["cloud_bench"] = module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from rerun_scene import offscreen

    offscreen.use_headless()
    rev_splatter = load_revision(args.rev)
    size = tuple(int(v) for v in args.size.split("x"))
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"# CPU splat at {args.rev} vs this checkout, {size[0]}x{size[1]}, {args.frames} moving frames each, "
          f"alternated; {os.cpu_count()} CPUs, load average {load}")
    print(f"{'points':>9} {'rev s':>9} {'rev cpu':>9} {'this s':>9} {'this cpu':>9} {'rev/this':>9} {'gl s':>9} {'gl/this':>9}")
    for n in (int(float(v)) for v in args.sizes.split(",")):
        print(compare(n, rev_splatter, size, args.frames), flush=True)
    print("# seconds per frame (median); cpu = process CPU per frame (all threads); gl = GL_POINTS, same cloud")
    return 0


if __name__ == "__main__":
    sys.exit(main())
