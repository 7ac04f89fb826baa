"""Golden screenshot: ``--screenshot`` of the committed small ``.rrd`` matches the committed PNG.

Mesa's llvmpipe renders deterministically on one machine, but not across CPU types (an AVX-512 host drew 187
anti-aliased pixels differently), and nothing in the image depends on the wall clock, the window manager or
``log_time``. The comparison (``tests/image_compare.py``) allows small per-pixel and one-pixel-shift differences
and a few such pixels, and still fails on a moved or missing primitive. A deliberate change to what the viewer draws means regenerating the fixture on purpose
(``python tests/fixtures/golden/make_golden.py``), looking at the new PNG and committing it; never silently.
"""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import numpy as np
import pytest
from gl_support import headless_gl_env
from image_compare import compare, diff_image

pytestmark = pytest.mark.gl

GOLDEN_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "golden"
REGENERATE = "python tests/fixtures/golden/make_golden.py"


def _make_golden():
    spec = importlib.util.spec_from_file_location("make_golden", GOLDEN_DIR / "make_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_screenshot_of_the_golden_recording_matches_the_committed_png(egl_available, tmp_path):
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
    comparison = compare(expected, actual)
    if not comparison.ok:
        diff_path = tmp_path / "scene-diff.png"
        iio.imwrite(diff_path, diff_image(expected, actual, comparison))
        pytest.fail(f"{comparison.describe()} against {golden.PNG}; new render: {out}, differences in magenta: "
                    f"{diff_path}. If the change is intended, regenerate on purpose: {REGENERATE}, look at the PNG, "
                    f"commit both.")


def _golden_png() -> np.ndarray:
    import imageio.v3 as iio

    return iio.imread(_make_golden().PNG)[..., :3]


def test_comparison_tolerates_another_cpus_rounding():
    expected = _golden_png()
    rng = np.random.default_rng(1)
    noisy = np.clip(expected.astype(int) + rng.integers(-30, 31, expected.shape), 0, 255).astype(np.uint8)
    assert compare(expected, noisy).count == 0
    # an anti-aliased edge drawn one pixel over, in a 30x30 area of the 3D view
    moved = expected.copy()
    h, w = expected.shape[:2]
    moved[h // 2:h // 2 + 30, w // 2:w // 2 + 30] = expected[h // 2 + 1:h // 2 + 31, w // 2 + 1:w // 2 + 31]
    assert compare(expected, moved).ok


def test_comparison_catches_a_moved_or_missing_primitive():
    expected = _golden_png()
    h, w = expected.shape[:2]
    extra = expected.copy()
    extra[h // 2:h // 2 + 6, w // 2:w // 2 + 6] = (255, 0, 255)  # a small new primitive
    assert not compare(expected, extra).ok and not compare(extra, expected).ok  # extra, and missing
    shifted = np.roll(expected, 3, axis=1)  # everything moved 3 px
    result = compare(expected, shifted)
    assert not result.ok and "pixels differ" in result.describe()
