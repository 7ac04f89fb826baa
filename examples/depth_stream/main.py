#!/usr/bin/env python3
"""The main demo: a synthetic RGB-D camera flies through a generated room and streams to the viewer.

Logs, per frame: the camera pose (``log_rigid3``), its pinhole, an RGB image, a depth image in millimetres
(``meter=1000``, which the viewer back-projects into a point cloud), the camera trajectory, and once (timeless)
a dense point cloud of the room's objects.

Run ``python examples/depth_stream/main.py`` to open the viewer (``rr.spawn()``). With no display it records to
``out/depth_stream.rrd`` and renders a screenshot PNG of the last frame headless instead, and says where.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import rerun as rr

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic_room  # noqa: E402  (sits next to this script)

OUT_DIR = Path.cwd() / "out"


def parse_resolution(text: str) -> tuple[int, int]:
    """``"640x480"`` → (640, 480)."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--resolution must look like 640x480, got {text!r}") from None
    if width < 2 or height < 2:
        raise argparse.ArgumentTypeError(f"--resolution must be at least 2x2, got {text!r}")
    return width, height


def has_display() -> bool:
    """True when a window can be opened (X11 or Wayland)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def log_static_scene(cloud_points: int) -> None:
    """The world's up axis and a dense point cloud of the objects, both timeless."""
    rr.log_view_coordinates("world", up="+Z", timeless=True)
    positions, colors = synthetic_room.scene_point_cloud(cloud_points)
    rr.log_points("world/scene_cloud", positions, colors=colors, radii=0.008, timeless=True)


def log_frame(index: int, t: float, width: int, height: int, trajectory: list[np.ndarray]) -> None:
    """Render and log one frame of the camera at time ``t``."""
    camera = synthetic_room.camera_on_orbit(t, width, height)
    rgb, depth_mm = synthetic_room.render(camera)
    rr.set_time_sequence("frame", index)
    rr.set_time_seconds("sim_time", t)
    rr.log_rigid3(
        "world/camera",
        parent_from_child=(camera.position, synthetic_room.quaternion_xyzw(camera.rotation)),
        xyz="RDF",
    )
    rr.log_pinhole("world/camera/image", child_from_parent=camera.intrinsics, width=width, height=height)
    rr.log_image("world/camera/image/rgb", rgb)
    rr.log_depth_image("world/camera/image/depth", depth_mm, meter=1000.0)
    trajectory.append(camera.position.astype(np.float32))
    rr.log_line_strip("world/trajectory", np.array(trajectory), stroke_width=0.02, color=(255, 200, 0))


def render_screenshot(recording: Path, png: Path, last_frame: int) -> int:
    """Render ``recording`` at its last frame to ``png`` with the headless viewer; return the exit code."""
    command = [sys.executable, "-m", "rerun_app", str(recording), "--screenshot", str(png),
               "--timeline", "frame", "--time", str(last_frame)]
    return subprocess.run(command).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=None,
                        help="number of frames to stream (default 300; 90 when recording for a screenshot)")
    parser.add_argument("--resolution", type=parse_resolution, default=(640, 480), help="WxH, default 640x480")
    parser.add_argument("--fps", type=float, default=30.0, help="frames per second of simulated time (default 30)")
    parser.add_argument("--no-pacing", action="store_true", help="log as fast as possible instead of in real time")
    parser.add_argument("--cloud-points", type=int, default=200_000, help="size of the static scene cloud")
    parser.add_argument("--screenshot", type=Path, default=None,
                        help="after logging, render the last frame to this PNG (needs --save)")
    rr.script_add_args(parser)
    args = parser.parse_args(argv)
    width, height = args.resolution

    headless_fallback = not (args.headless or args.connect or args.serve or args.save) and not has_display()
    if headless_fallback:
        OUT_DIR.mkdir(exist_ok=True)
        args.save = str(OUT_DIR / "depth_stream.rrd")
        args.screenshot = args.screenshot or OUT_DIR / "depth_stream.png"
        print(f"No display found: recording to {args.save} and rendering a screenshot instead of opening a window.")
    if args.frames is None:
        args.frames = 90 if headless_fallback else 300

    if args.screenshot is not None and not args.save:
        parser.error("--screenshot needs --save FILE.rrd")  # before minutes of logging, not after

    rr.script_setup(args, "depth_stream")
    log_static_scene(args.cloud_points)
    trajectory: list[np.ndarray] = []
    start = time.perf_counter()
    for index in range(args.frames):
        t = index / args.fps
        log_frame(index, t, width, height, trajectory)
        if not args.no_pacing:
            delay = start + t - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
    elapsed = time.perf_counter() - start
    print(f"Logged {args.frames} frames of {width}x{height} RGB-D in {elapsed:.2f} s "
          f"({args.frames / max(elapsed, 1e-9):.1f} frames/s).")
    rr.script_teardown(args)

    if args.screenshot is not None:
        rr.disconnect()  # completes the file
        code = render_screenshot(Path(args.save), args.screenshot, args.frames - 1)
        if code != 0:
            print(f"Rendering the screenshot failed (exit code {code}); the recording is at {args.save}.")
            return code
        print(f"Screenshot of the last frame written to {args.screenshot.resolve()}")
        print(f"Open the recording in a viewer on a machine with a display: rerun {args.save}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
