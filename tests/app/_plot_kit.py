"""Helpers for the non-spatial view tests: render the viewer headless (EGL) in a subprocess and read back the PNG
and where each plot's area is and which values its edges show (``viewer.panel.plot_frames``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from gl_support import headless_gl_env

HERE = Path(__file__).parent

_PRELUDE = """
import json, sys
sys.path.insert(0, {here!r})
import numpy as np, _viewer_kit as kit
from rerun import components as C
hub = kit.new_hub()
"""

_RENDER = """
from rerun_app.viewer.gl_setup import choose_backend
choose_backend(headless=True)
from rerun_app.viewer.viewer import Viewer
from rerun_app.screenshot import cursor_time
import imageio.v3 as iio
viewer = Viewer(hub, None, size={size!r}, headless=True)
viewer.poll()
if {timeline!r} is not None:
    viewer.time.select_timeline({timeline!r}); viewer.time.follow(); viewer.poll()
if {time!r} is not None:
    viewer.time.pause(); viewer.time.set_time(cursor_time({time!r}, viewer.time.timeline))
def shot(name):
    for _ in range(4):
        viewer.poll(); viewer.draw_frame()
    viewer.canvas.capture_next_frame = True
    viewer.draw_frame()
    iio.imwrite({out!r} + '/' + name + '.png', viewer.canvas.last_image[..., :3])
    with open({out!r} + '/' + name + '.json', 'w') as f:
        json.dump({{'plots': viewer.panel.plot_frames, 'views': viewer.view_rects,
                   'items': viewer.panel.item_rects}}, f)
shot('first')
{after}
viewer.close()
"""


def render(tmp_path, log_code: str, size=(900, 600), timeline=None, time=None, after: str = "") -> Path:
    """Run ``log_code`` (logs into ``hub`` with ``kit``/``C``), render it; ``after`` may log more and call
    ``shot(name)``. Returns the output folder (``first.png`` / ``first.json`` …)."""
    code = _PRELUDE.format(here=str(HERE)) + log_code + _RENDER.format(
        size=tuple(size), timeline=timeline, time=time, out=str(tmp_path), after=after)
    result = subprocess.run([sys.executable, "-c", code], env=headless_gl_env(), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return tmp_path


def load(out: Path, name: str = "first", what: str = "plots"):
    """(image, the plot frames or, with ``what="views"``, the space views' rectangles) of shot ``name``."""
    import imageio.v3 as iio

    found = json.loads((out / f"{name}.json").read_text())[what]
    return iio.imread(out / f"{name}.png"), found


def to_pixels(frame: dict, xs, ys) -> np.ndarray:
    """Canvas pixel (x, y) of plot values, from the plot area and its axis limits."""
    x, y, w, h = frame["rect"]
    (x0, x1), (y0, y1) = frame["x"], frame["y"]
    px = x + (np.asarray(xs, float) - x0) / (x1 - x0) * w
    py = y + (y1 - np.asarray(ys, float)) / (y1 - y0) * h
    return np.stack([px, py], axis=-1)


def matches(img: np.ndarray, rgb, tol: int = 40) -> np.ndarray:
    """Boolean mask of pixels within ``tol`` of ``rgb`` on every channel."""
    return (np.abs(img[..., :3].astype(int) - np.asarray(rgb)[:3]) <= tol).all(axis=-1)


def count_near(mask: np.ndarray, centre, half: int) -> int:
    """Set pixels of ``mask`` in the square of half-size ``half`` around ``centre`` (x, y)."""
    cx, cy = int(round(centre[0])), int(round(centre[1]))
    return int(mask[max(cy - half, 0):cy + half + 1, max(cx - half, 0):cx + half + 1].sum())


def under_legend(frame: dict, xy, entries: int) -> bool:
    """Whether canvas point ``xy`` may be covered by the plot's legend (bottom-right corner, as the original's;
    a generous box for ``entries`` lines)."""
    x, y, w, h = frame["rect"]
    return xy[0] > x + w - 160 and xy[1] > y + h - (16 + 20 * entries)
