"""Golden screenshot: ``--screenshot`` of the committed small ``.rrd`` is pixel-identical to the committed PNG.

Mesa's llvmpipe renders deterministically, and nothing in the image depends on the wall clock, the window
manager or ``log_time``. A deliberate change to what the viewer draws means regenerating the fixture on purpose
(``python tests/fixtures/golden/make_golden.py``), looking at the new PNG and committing it; never silently.
"""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import numpy as np
import pytest
from gl_support import headless_gl_env

pytestmark = pytest.mark.gl

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "golden"
REGENERATE = "python tests/fixtures/golden/make_golden.py"


def _make_golden():
    spec = importlib.util.spec_from_file_location("make_golden", GOLDEN_DIR / "make_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def diff_image(expected: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """The expected image dimmed, with every differing pixel in magenta (for a look at what moved)."""
    out = (expected[..., :3] // 3).astype(np.uint8)
    differs = (expected[..., :3] != actual[..., :3]).any(axis=-1)
    out[differs] = (255, 0, 255)
    return out


def test_screenshot_of_the_golden_recording_is_pixel_identical_to_the_committed_png(egl_available, tmp_path):
    import imageio.v3 as iio

    golden = _make_golden()
    out = tmp_path / "scene.png"
    result = subprocess.run(golden.screenshot_command(golden.RRD, out), env=headless_gl_env(), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    expected, actual = iio.imread(golden.PNG), iio.imread(out)
    if expected.shape != actual.shape:
        pytest.fail(f"the screenshot is {actual.shape}, the golden PNG {expected.shape}; new render: {out}. "
                    f"If the change is intended, regenerate on purpose: {REGENERATE}")
    differs = (expected != actual).any(axis=-1)
    if differs.any():
        diff_path = tmp_path / "scene-diff.png"
        iio.imwrite(diff_path, diff_image(expected, actual))
        ys, xs = np.nonzero(differs)
        pytest.fail(f"{int(differs.sum())} pixels differ from {golden.PNG} (within x {xs.min()}..{xs.max()}, "
                    f"y {ys.min()}..{ys.max()}); new render: {out}, differences in magenta: {diff_path}. "
                    f"If the change is intended, regenerate on purpose: {REGENERATE}, look at the PNG, commit both.")
