"""Benchmark: frame time of rerun_scene's lean point visual vs vispy Markers (EGL, llvmpipe).

    python bench/scene.py [--sizes 100000,1000000,5000000] [--frames 3] [--size 1280x720]

Both draw the same random cloud (per-point RGBA8 colours, 3 px diameter) through the same
SpaceView3D camera at 1280x720 in the same process. Reported per point count:

- ``first``: set_layer + first frame (upload and draw);
- ``frame``: median of steady frames after re-setting the *same* batch (no change: draw only);
- ``set_same``: time of ``set_layer`` with an unchanged batch (should be microseconds);
- ``markers``: the same for vispy ``Markers`` (skipped at sizes where its 1 M frame predicts
  more than 10 s per frame), and the ratio markers / lean (goal >= 3).

Frame = ``canvas.render()``: draw, glFinish and a 1280x720 read-back, identical for both.
Run with DISPLAY unset; EGL_PLATFORM defaults to surfaceless.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

MARKERS_SKIP_SECONDS = 10.0


def cloud(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    positions = rng.normal(size=(n, 3)).astype(np.float32)
    colors = rng.integers(0, 256, size=(n, 4), dtype=np.uint8)
    colors[:, 3] = 255
    return positions, colors


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def bench_lean(n, positions, colors, size, frames):
    from rerun_scene import PointBatch, offscreen
    from rerun_scene.view3d import SpaceView3D

    canvas = offscreen.create_canvas(size)
    view = SpaceView3D(canvas)
    batch = PointBatch(positions, colors=colors, radii=1.5, radius_unit="px")
    first, _ = timed(lambda: (view.set_layer("cloud", batch), canvas.render()))
    steady, set_same = [], []
    for _ in range(frames):
        t_set, uploaded = timed(lambda: view.set_layer("cloud", batch))
        assert not uploaded
        set_same.append(t_set)
        steady.append(timed(canvas.render)[0])
    camera_state = (view.camera.center_point.copy(), view.camera.distance)
    canvas.close()
    return {"first": first, "frame": statistics.median(steady), "set_same": statistics.median(set_same)}, camera_state


def bench_markers(n, positions, colors, size, frames, camera_state):
    from vispy import scene

    from rerun_scene import offscreen
    from rerun_scene.view3d import SpaceView3D

    canvas = offscreen.create_canvas(size)
    view = SpaceView3D(canvas)
    view.camera.center_point, view.camera.distance = camera_state
    view.camera.user_moved = True
    view.camera.view_changed()
    face = colors.astype(np.float32) / 255.0

    def build():
        markers = scene.visuals.Markers(parent=view.scene)
        markers.set_data(positions, face_color=face, size=3, edge_width=0)
        return canvas.render()

    first, _ = timed(build)
    steady = [timed(canvas.render)[0] for _ in range(frames)]
    canvas.close()
    return {"first": first, "frame": statistics.median(steady)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000,5000000")
    parser.add_argument("--frames", type=int, default=3)
    parser.add_argument("--size", default="1280x720")
    args = parser.parse_args()
    os.environ.pop("DISPLAY", None)
    from rerun_scene import offscreen

    offscreen.use_headless()
    size = tuple(int(v) for v in args.size.split("x"))
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    print(f"# rerun_scene points vs vispy Markers, {size[0]}x{size[1]}, EGL llvmpipe, {args.frames} frames")
    print(f"{'points':>9} {'lean first':>11} {'lean frame':>11} {'set same':>9} {'mk first':>9} {'mk frame':>9} {'ratio':>6}")
    markers_per_point = None
    for n in sizes:
        positions, colors = cloud(n)
        lean, camera_state = bench_lean(n, positions, colors, size, args.frames)
        predicted = None if markers_per_point is None else markers_per_point * n
        if predicted is not None and predicted > MARKERS_SKIP_SECONDS:
            markers = None
            note = f"Markers skipped: predicted {predicted:.1f} s/frame from the smaller run"
        else:
            markers = bench_markers(n, positions, colors, size, args.frames, camera_state)
            markers_per_point = markers["frame"] / n
            note = ""
        mk_first = f"{markers['first']:9.3f}" if markers else f"{'-':>9}"
        mk_frame = f"{markers['frame']:9.3f}" if markers else f"{'-':>9}"
        ratio = f"{markers['frame'] / lean['frame']:6.1f}" if markers else f"{'-':>6}"
        print(
            f"{n:9d} {lean['first']:11.3f} {lean['frame']:11.3f} {lean['set_same'] * 1e6:7.1f}us "
            f"{mk_first} {mk_frame} {ratio}  {note}",
            flush=True,
        )
    print("# times in seconds; ratio = Markers frame / lean frame (same data, camera and run)")


if __name__ == "__main__":
    main()
