"""Headless screenshots through EGL: the same layout as the window, at a chosen time point and size."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from gl_support import headless_gl_env
from _viewer_kit import CLOUD_COLORS, FRAME_COLORS

pytestmark = pytest.mark.gl

HERE = Path(__file__).parent
KIT_DIR = HERE.parent  # tests/app, where _viewer_kit.py is (a child process puts it on sys.path)


def screenshot(tmp_path, *args: str) -> subprocess.CompletedProcess:
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "import _viewer_kit as kit\n"
        "from rerun_app.screenshot import write_screenshot\n"
        "hub = kit.new_hub(); kit.scenario_cloud_and_image(hub)\n"
        "kw = dict(a.split('=', 1) for a in sys.argv[1:])\n"
        "size = tuple(int(v) for v in kw.pop('size', '1280x720').split('x'))\n"
        "write_screenshot(hub, kw.pop('out'), size=size, **kw)\n"
    ) % str(KIT_DIR)
    return subprocess.run([sys.executable, "-c", code, *args], env=headless_gl_env(), capture_output=True, text=True,
                          timeout=120)


def pixels_near(img: np.ndarray, rgb, tol: int = 30) -> int:
    return int((np.abs(img[..., :3].astype(int) - np.asarray(rgb)) <= tol).all(axis=-1).sum())


def shaded_pixels_near(img: np.ndarray, rgb, tol: int = 30) -> int:
    """Pixels of a sphere of colour ``rgb`` under Rerun 0.4's shading (the colour times 0.4 .. 1.1)."""
    p = img[..., :3].astype(float)
    c = np.asarray(rgb[:3], dtype=float)
    scale = (p @ c) / (c @ c)
    fits = (np.abs(p - np.clip(scale[..., None] * c, 0, 255)) <= tol).all(axis=-1)
    return int((fits & (scale >= 0.35) & (scale <= 1.15)).sum())


def test_screenshot_shows_cloud_and_image_at_requested_time(egl_available, tmp_path):
    import imageio.v3 as iio

    latest, first = tmp_path / "latest.png", tmp_path / "first.png"
    r1 = screenshot(tmp_path, f"out={latest}", "size=900x600")
    r2 = screenshot(tmp_path, f"out={first}", "size=900x600", "timeline=frame", "time=1")
    assert r1.returncode == 0, r1.stderr[-2000:]
    assert r2.returncode == 0, r2.stderr[-2000:]
    img_latest, img_first = iio.imread(latest), iio.imread(first)
    assert img_latest.shape == (600, 900, 3)
    for rgba in CLOUD_COLORS:  # every point of the cloud is drawn in its colour (shaded spheres)
        assert shaded_pixels_near(img_latest, rgba[:3]) >= 20, rgba
    # the image shows frame 3 (blue) by default and frame 1 (red) at --time 1
    assert pixels_near(img_latest, FRAME_COLORS[3]) > 5000 and pixels_near(img_latest, FRAME_COLORS[1]) < 200
    assert pixels_near(img_first, FRAME_COLORS[1]) > 5000 and pixels_near(img_first, FRAME_COLORS[3]) < 200


def test_unknown_timeline_is_a_clear_error(egl_available, tmp_path):
    result = screenshot(tmp_path, f"out={tmp_path / 'x.png'}", "timeline=nope")
    assert result.returncode != 0
    assert "timeline must be one of the recording's timelines (frame); got 'nope'" in result.stderr


def test_screenshot_of_scalars_draws_each_series_in_its_logged_colour(egl_available, tmp_path):
    import imageio.v3 as iio

    code = (
        "import sys, math; sys.path.insert(0, %r)\n"
        "import numpy as np, _viewer_kit as kit\n"
        "from rerun import components as C\n"
        "from rerun_app.screenshot import write_screenshot\n"
        "hub = kit.new_hub()\n"
        "for f in range(100):\n"
        "    kit.log_row(hub, 'plots/sin', {'rerun.scalar': C.primitive(np.array([math.sin(f / 8)])),\n"
        "        'rerun.colorrgba': C.fixed_size_list(np.array([[255, 0, 255, 255]], np.uint8)),\n"
        "        'rerun.radius': C.primitive(np.array([2.0], np.float32))}, frame=f)\n"
        "    kit.log_row(hub, 'plots/flat', {'rerun.scalar': C.primitive(np.array([0.5])),\n"
        "        'rerun.colorrgba': C.fixed_size_list(np.array([[0, 220, 220, 255]], np.uint8)),\n"
        "        'rerun.radius': C.primitive(np.array([2.0], np.float32))}, frame=f)\n"
        "write_screenshot(hub, sys.argv[1], size=(900, 600))\n"
    ) % str(KIT_DIR)
    out = tmp_path / "plot.png"
    result = subprocess.run([sys.executable, "-c", code, str(out)], env=headless_gl_env(), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    img = iio.imread(out)
    magenta, cyan = pixels_near(img, (255, 0, 255), 40), pixels_near(img, (0, 220, 220), 40)
    assert magenta > 300 and cyan > 300
    # the constant series is one horizontal line (radius 2: about 4 px thick); the legend swatch is the rest
    rows = np.nonzero((np.abs(img[..., :3].astype(int) - (0, 220, 220)) <= 40).all(axis=-1))[0]
    densest = np.bincount(rows).argmax()
    assert (np.abs(rows - densest) <= 3).mean() > 0.8
