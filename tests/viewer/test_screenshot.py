"""Headless screenshots through EGL: the same layout as the window, at a chosen time point and size."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import headless_gl_env
from kit import CLOUD_COLORS, FRAME_COLORS

pytestmark = pytest.mark.gl

HERE = Path(__file__).parent


def screenshot(tmp_path, *args: str) -> subprocess.CompletedProcess:
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "import kit\n"
        "from rerun_app.screenshot import write_screenshot\n"
        "hub = kit.new_hub(); kit.scenario_cloud_and_image(hub)\n"
        "kw = dict(a.split('=', 1) for a in sys.argv[1:])\n"
        "size = tuple(int(v) for v in kw.pop('size', '1280x720').split('x'))\n"
        "write_screenshot(hub, kw.pop('out'), size=size, **kw)\n"
    ) % str(HERE)
    return subprocess.run([sys.executable, "-c", code, *args], env=headless_gl_env(), capture_output=True, text=True,
                          timeout=120)


def pixels_near(img: np.ndarray, rgb, tol: int = 30) -> int:
    return int((np.abs(img[..., :3].astype(int) - np.asarray(rgb)) <= tol).all(axis=-1).sum())


def test_screenshot_shows_cloud_and_image_at_requested_time(egl_available, tmp_path):
    import imageio.v3 as iio

    latest, first = tmp_path / "latest.png", tmp_path / "first.png"
    r1 = screenshot(tmp_path, f"out={latest}", "size=900x600")
    r2 = screenshot(tmp_path, f"out={first}", "size=900x600", "timeline=frame", "time=1")
    assert r1.returncode == 0, r1.stderr[-2000:]
    assert r2.returncode == 0, r2.stderr[-2000:]
    img_latest, img_first = iio.imread(latest), iio.imread(first)
    assert img_latest.shape == (600, 900, 3)
    for rgba in CLOUD_COLORS:  # every point of the cloud is drawn in its colour
        assert pixels_near(img_latest, rgba[:3]) >= 20, rgba
    # the image shows frame 3 (blue) by default and frame 1 (red) at --time 1
    assert pixels_near(img_latest, FRAME_COLORS[3]) > 5000 and pixels_near(img_latest, FRAME_COLORS[1]) < 200
    assert pixels_near(img_first, FRAME_COLORS[1]) > 5000 and pixels_near(img_first, FRAME_COLORS[3]) < 200


def test_unknown_timeline_is_a_clear_error(egl_available, tmp_path):
    result = screenshot(tmp_path, f"out={tmp_path / 'x.png'}", "timeline=nope")
    assert result.returncode != 0
    assert "timeline must be one of the recording's timelines (frame); got 'nope'" in result.stderr
