"""Benchmark: frame time of rerun_scene's lean point visual vs vispy Markers (EGL, llvmpipe).

    python bench/scene.py [--sizes 100000,1000000,5000000] [--frames 3] [--size 1280x720]
    python bench/scene.py --depth [--frames 40]      # a live 640x480 depth cloud in a view inside the window

Both draw the same random cloud (per-point RGBA8 colours, 3 px diameter) through the same
SpaceView3D camera at 1280x720 in the same process. Reported per point count:

- ``first``: set_layer + first frame (upload and draw);
- ``moving``: median frame while the camera turns 1 degree per frame (every frame redraws all
  points; for both visuals); the lean visual re-renders big clouds with the CPU splat (numba kernel, two threads
  where the machine has two cores), ``cpu moving`` the process CPU time of those frames (all threads: splat and
  llvmpipe; on a shared machine it shows the work when the wall time shows the load),
  ``gl moving`` is the same with ``PointsVisual.cpu_splat = False`` (GL_POINTS); ``lod moving`` the splat as
  the window draws moving frames on software GL (every k-th point, at most ``INTERACTIVE_SPLAT_POINTS``; the
  whole cloud follows once the camera stops);
- ``static``: median frame after re-setting the *same* batch with nothing changed (upload
  skipped; clouds >= 200 k points are then drawn from the impostor cache: one textured quad);
- ``set_same``: time of ``set_layer`` with an unchanged batch (should be microseconds);
- the same for vispy ``Markers`` (skipped at sizes where the previous size predicts more than
  10 s per frame), and ratios Markers / lean for moving frames (goal >= 3) and static frames.

``--depth``: what the viewer does for a live depth stream: a 1280x720 window whose 3D view covers only part of
it (560x520 px), and every frame a *new* 77 k-point cloud (a 640x480 depth image back-projected every 2nd pixel,
world-unit radii, colormapped) that the impostor cache re-renders (CPU splat + texture upload). Reported: median
and p90 frame time (draw + glFinish, no read-back), the splat alone, and the same cloud set once and redrawn with
the camera turning (no new data).

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
    camera_state = (view.camera.center_point.copy(), view.camera.distance)
    static, set_same, moving, moving_cpu = [], [], [], []
    for _ in range(frames):
        t_set, uploaded = timed(lambda: view.set_layer("cloud", batch))
        assert not uploaded
        set_same.append(t_set)
        static.append(timed(canvas.render)[0])
    for _ in range(frames):
        view.camera.rotate(1.0 / 0.4, 0.0)  # 1 degree
        cpu = time.process_time()
        moving.append(timed(canvas.render)[0])
        moving_cpu.append(time.process_time() - cpu)
    from rerun_scene.visuals.points import PointsVisual

    PointsVisual.cpu_splat = False
    gl_moving = []
    for _ in range(frames):
        view.camera.rotate(1.0 / 0.4, 0.0)
        gl_moving.append(timed(canvas.render)[0])
    PointsVisual.cpu_splat = True
    from rerun_scene.points_path import INTERACTIVE_SPLAT_POINTS

    PointsVisual.interactive_max_points = INTERACTIVE_SPLAT_POINTS  # what the window does on software GL
    lod_moving = []
    for _ in range(frames):
        view.camera.rotate(1.0 / 0.4, 0.0)
        lod_moving.append(timed(canvas.render)[0])
    PointsVisual.interactive_max_points = None
    canvas.close()
    return {
        "first": first,
        "moving": statistics.median(moving),
        "cpu_moving": statistics.median(moving_cpu),
        "gl_moving": statistics.median(gl_moving),
        "lod_moving": statistics.median(lod_moving),
        "static": statistics.median(static),
        "set_same": statistics.median(set_same),
    }, camera_state


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
    static = [timed(canvas.render)[0] for _ in range(frames)]
    moving = []
    for _ in range(frames):
        view.camera.rotate(1.0 / 0.4, 0.0)
        moving.append(timed(canvas.render)[0])
    canvas.close()
    return {"first": first, "moving": statistics.median(moving), "static": statistics.median(static)}


def depth_clouds(count: int):
    """``count`` depth clouds of a moving 640x480 wave (like bench/viewer.py's logger), every 2nd pixel."""
    import rerun_kernels

    K = np.array([[500.0, 0, 320], [0, 500.0, 240], [0, 0, 1]])
    yy, xx = np.mgrid[0:480, 0:640]
    clouds = []
    for f in range(count):
        depth = (1500 + 500 * np.sin(xx / 40 + f / 5) + yy).astype(np.uint16)
        clouds.append(rerun_kernels.depth_cloud(depth, K, 1000.0, step=2, colormap="turbo", radius_scale=1.0))
    return clouds


def bench_depth(frames: int, size) -> None:
    from vispy import app

    from rerun_scene import PointBatch, offscreen
    from rerun_scene.view3d import SpaceView3D
    from rerun_scene.visuals.points import PointsVisual

    clouds = depth_clouds(min(frames, 20))
    canvas = offscreen.create_canvas(size)
    view = SpaceView3D(canvas, up="-Y")
    view.set_rect(700, 100, 560, 520)  # the 3D view beside a 2D view and the panels, like the viewer
    splat_times = []
    original = PointsVisual._splat

    def timed_splat(self, viewport, fb_size):
        start = time.perf_counter()
        out = original(self, viewport, fb_size)
        splat_times.append(time.perf_counter() - start)
        return out

    PointsVisual._splat = timed_splat

    def frame():
        start = time.perf_counter()
        canvas.update()
        app.process_events()
        canvas.context.finish()
        return time.perf_counter() - start

    def batch(i):
        c = clouds[i % len(clouds)]
        return PointBatch(c.points, colors=c.colors, radii=c.radii, radius_unit="world")

    view.set_layer("cloud", batch(0))
    view.reset()
    for i in range(3):  # warm-up: first uploads, kernels
        view.set_layer("cloud", batch(i))
        frame()
    splat_times.clear()
    live = []
    for i in range(frames):
        view.set_layer("cloud", batch(i))
        live.append(frame())
    live_splat = sorted(splat_times)
    turning = []
    for _ in range(max(frames // 4, 3)):
        view.camera.rotate(1.0 / 0.4, 0.0)
        turning.append(frame())
    PointsVisual._splat = original
    canvas.close()
    n = clouds[0].points.shape[0]
    live.sort()
    print(f"# live depth cloud: {n} points (world radii) in a 560x520 view of a {size[0]}x{size[1]} window, "
          f"{frames} frames, each a new batch")
    print(f"new batch per frame: median {statistics.median(live) * 1e3:.1f} ms, p90 {live[int(0.9 * (len(live) - 1))] * 1e3:.1f} ms "
          f"(CPU splat median {statistics.median(live_splat) * 1e3:.1f} ms); camera turning, same batch: "
          f"median {statistics.median(turning) * 1e3:.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000,5000000")
    parser.add_argument("--frames", type=int, default=3)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--depth", action="store_true", help="a live depth cloud instead of the static sizes")
    args = parser.parse_args()
    os.environ.pop("DISPLAY", None)
    from rerun_scene import offscreen

    offscreen.use_headless()
    size = tuple(int(v) for v in args.size.split("x"))
    if args.depth:
        bench_depth(max(args.frames, 10) if args.frames != 3 else 40, size)
        return
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"# rerun_scene points vs vispy Markers, {size[0]}x{size[1]}, EGL llvmpipe, {args.frames} frames, "
          f"{os.cpu_count()} CPUs, load average {load}")
    header = ("points", "lean first", "moving", "cpu moving", "gl moving", "lod moving", "static", "set same", "mk first",
              "mk moving", "mk static", "x moving", "x gl mov", "x static")
    print(" ".join(f"{h:>10}" for h in header))
    markers_per_point = None
    for n in sizes:
        positions, colors = cloud(n)
        lean, camera_state = bench_lean(n, positions, colors, size, args.frames)
        predicted = None if markers_per_point is None else markers_per_point * n
        markers, note = None, ""
        if predicted is not None and predicted > MARKERS_SKIP_SECONDS:
            note = f"Markers skipped: predicted {predicted:.1f} s/frame from the smaller size"
        else:
            markers = bench_markers(n, positions, colors, size, args.frames, camera_state)
            markers_per_point = markers["moving"] / n
        cells = [f"{n:10d}", f"{lean['first']:10.3f}", f"{lean['moving']:10.3f}", f"{lean['cpu_moving']:10.3f}",
                 f"{lean['gl_moving']:10.3f}",
                 f"{lean['lod_moving']:10.3f}", f"{lean['static']:10.4f}", f"{lean['set_same'] * 1e6:8.1f}us"]
        if markers:
            cells += [f"{markers['first']:10.3f}", f"{markers['moving']:10.3f}", f"{markers['static']:10.3f}",
                      f"{markers['moving'] / lean['moving']:10.1f}", f"{markers['moving'] / lean['gl_moving']:10.1f}",
                      f"{markers['static'] / lean['static']:10.1f}"]
        else:
            cells += [f"{'-':>10}"] * 6
        print(" ".join(cells), note, flush=True)
    print("# seconds; x = Markers time / lean time for the same frames (same data, camera and run)")


if __name__ == "__main__":
    main()
