#!/usr/bin/env python3
"""Side-by-side pictures (original Rerun 0.4 viewer | ours) of the same recordings, for the README.

Each scene below is a small logging script for the rerun-sdk 0.4.0 API. It is run with the reference SDK
(``--reference-python``, a venv with ``rerun-sdk==0.4.0``) to write a 0.4.0 ``.rrd``; that one file is rendered by
the original viewer (``rerun04_screenshot.py``: its native viewer on lavapipe Vulkan inside Xvfb) and by ours
(``rerun FILE.rrd --screenshot``, headless EGL), at the same window size. The two are scaled down and written
side by side to ``docs/parity/SCENE.png`` (original on the left).

usage: python tools/parity_images.py --reference-python /path/to/refvenv/bin/python
                                     --screenshot-tool /path/to/rerun04_screenshot.py [--out docs/parity] [SCENE …]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

SIZE = (1280, 800)
SCALE = 2  # each side is shown at 1/SCALE of the window size
GAP_PX = 6

_HEAD = "import sys\nimport numpy as np\nimport rerun as rr\nrr.init(sys.argv[2])\n"
_TAIL = "\nrr.save(sys.argv[1])\n"

SCENES = {
    # text, plots, a bar chart, a tensor, a 3D world, an image and a detached space: the automatic grid
    "layout": """
for f in range(3):
    rr.set_time_sequence("frame", f)
    rr.log_text_entry("logs", f"step {f}", level="INFO")
    rr.log_scalar("plots/sin", float(np.sin(f)))
    rr.log_scalar("plots/cos", float(np.cos(f)))
rr.log_tensor("bars", np.array([1.0, 3.0, 2.0, 5.0, 4.0]))
rr.log_tensor("tensor", np.random.default_rng(0).random((8, 10, 4)).astype(np.float32))
rr.log_points("world/points", np.random.default_rng(1).normal(size=(100, 3)), colors=[255, 128, 0], radii=0.05)
img = np.zeros((120, 160, 3), np.uint8); img[:, :80] = (255, 0, 0); img[:, 80:] = (0, 0, 255)
rr.log_image("image", img)
rr.log_unknown_transform("detached")
rr.log_points("detached/pts", np.random.default_rng(2).normal(size=(50, 3)), colors=[0, 255, 0], radii=0.05)
""",
    # time series with several styles and a text log with levels and colours
    "plots_and_text": """
for f in range(60):
    rr.set_time_sequence("frame", f)
    rr.log_scalar("plots/sin", float(np.sin(f / 6)), label="sin", color=[255, 120, 0])
    rr.log_scalar("plots/cos", float(np.cos(f / 6)), label="cos", color=[0, 160, 255])
    if f % 5 == 0:
        rr.log_scalar("plots/events", float(np.sin(f / 6)), scattered=True, radius=3.0, color=[255, 0, 255])
    if f % 10 == 0:
        level = ["INFO", "WARN", "ERROR", "DEBUG"][(f // 10) % 4]
        rr.log_text_entry("logs/app", f"frame {f}: {level.lower()} message", level=level)
rr.log_text_entry("logs/app", "a coloured entry", color=[0, 200, 0])
""",
    # a tensor view with named dimensions (a slice selector per cut dimension) next to a bar chart
    "tensor_and_bars": """
x = np.linspace(0, 1, 40)
t = (np.sin(x[:, None, None] * 6) * np.cos(np.linspace(0, 1, 30)[None, :, None] * 4)
     + np.linspace(0, 1, 5)[None, None, :]).astype(np.float32)
rr.log_tensor("volume", t, names=("height", "width", "batch"))
rr.log_tensor("histogram", np.array([1.0, 3.0, -2.0, 5.0, 4.0, 0.5, 2.5, 3.5]))
""",
    # a 3D scene: points with labels, boxes, arrows, a line strip, under view coordinates with +Z up
    "scene_3d": """
rr.set_time_sequence("frame", 0)
rr.log_view_coordinates("world", up="+Z", timeless=True)
grid = np.stack(np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5), [0.0]), -1).reshape(-1, 3)
rr.log_points("world/grid", grid, colors=(grid * 127 + 128).astype(np.uint8), radii=0.06)
rr.log_obb("world/box", half_size=[0.5, 0.3, 0.2], position=[0, 0, 0.6], color=[255, 200, 0], label="box")
rr.log_arrow("world/arrow", origin=[0, 0, 0], vector=[1.2, 0, 0.8], color=[255, 0, 80], width_scale=0.05)
t = np.linspace(0, 4 * np.pi, 100)
rr.log_line_strip("world/helix", np.stack([np.cos(t) * 1.3, np.sin(t) * 1.3, t / 8], -1), color=[0, 200, 255])
rr.log_point("world/labelled", [1.2, -1.2, 0.3], radius=0.1, color=[255, 255, 255], label="a point")
""",
}


def record(scene: str, reference_python: str, out: Path) -> None:
    """Write ``scene``'s recording with rerun-sdk 0.4.0."""
    script = out.with_suffix(".py")
    script.write_text(_HEAD + SCENES[scene] + _TAIL)
    subprocess.run([reference_python, str(script), str(out), f"parity_{scene}"], check=True, timeout=120)


def original(rrd: Path, png: Path, reference_python: str, tool: str) -> None:
    """The original viewer's picture; its persisted app state (window size, each application's blueprint) goes
    to a fresh data directory, so earlier runs cannot change what it shows."""
    with tempfile.TemporaryDirectory() as data_home:
        env = dict(os.environ, XDG_DATA_HOME=data_home)
        subprocess.run([sys.executable, tool, str(rrd), str(png), "--reference-python", reference_python,
                        "--size", f"{SIZE[0]}x{SIZE[1]}", "--wait", "15"], check=True, timeout=180, env=env)


def ours(rrd: Path, png: Path) -> None:
    subprocess.run([sys.executable, "-m", "rerun_app", str(rrd), "--screenshot", str(png),
                    "--size", f"{SIZE[0]}x{SIZE[1]}"], check=True, timeout=180)


def side_by_side(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Both pictures at 1/SCALE (box filter), left | right, with a light gap between."""
    def shrink(img):
        img = img[..., :3].astype(np.float32)
        h, w = (img.shape[0] // SCALE) * SCALE, (img.shape[1] // SCALE) * SCALE
        return img[:h, :w].reshape(h // SCALE, SCALE, w // SCALE, SCALE, 3).mean(axis=(1, 3))

    a, b = shrink(left), shrink(right)
    h = max(a.shape[0], b.shape[0])
    out = np.full((h, a.shape[1] + GAP_PX + b.shape[1], 3), 200, np.float32)
    out[: a.shape[0], : a.shape[1]] = a
    out[: b.shape[0], a.shape[1] + GAP_PX :] = b
    return np.round(out).astype(np.uint8)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenes", nargs="*", default=list(SCENES), help=f"default: all of {list(SCENES)}")
    ap.add_argument("--reference-python", default=os.environ.get("RERUN_REFERENCE_PYTHON"), required=False)
    ap.add_argument("--screenshot-tool", default=os.environ.get("RERUN04_SCREENSHOT_TOOL"),
                    help="path of rerun04_screenshot.py")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs" / "parity"))
    a = ap.parse_args()
    if not a.reference_python or not a.screenshot_tool:
        sys.exit("give --reference-python (a venv with rerun-sdk==0.4.0) and --screenshot-tool")
    import imageio.v3 as iio

    out_dir = Path(a.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for scene in a.scenes:
            rrd = Path(tmp) / f"{scene}.rrd"
            record(scene, a.reference_python, rrd)
            left, right = Path(tmp) / f"{scene}-original.png", Path(tmp) / f"{scene}-ours.png"
            original(rrd, left, a.reference_python, a.screenshot_tool)
            ours(rrd, right)
            target = out_dir / f"{scene}.png"
            iio.imwrite(target, side_by_side(iio.imread(left), iio.imread(right)), optimize=True)
            print(f"{target}: original (left) | ours (right), {target.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
