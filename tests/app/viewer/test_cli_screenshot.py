"""End to end: a program logs an RGB-D camera with the real SDK into an .rrd file; ``python -m rerun_app FILE
--screenshot`` renders it headless. The camera's picture and its back-projected, RGB-coloured depth cloud must show
the colour of the requested frame."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from gl_support import headless_gl_env

pytestmark = pytest.mark.gl

FRAME_RGB = {1: (230, 30, 30), 2: (30, 230, 30), 3: (30, 30, 230)}
LOGGER = """
import sys
import numpy as np
import rerun as rr
rr.init("viewer-e2e")
rr.save(sys.argv[1])
K = [[40.0, 0, 32], [0, 40.0, 24], [0, 0, 1]]
rr.log_rigid3("world/camera", parent_from_child=([0, 0, -3], [0, 0, 0, 1]), timeless=True)
rr.log_pinhole("world/camera/image", child_from_parent=K, width=64, height=48, timeless=True)
colours = %r
for frame, rgb in colours.items():
    rr.set_time_sequence("frame", frame)
    rr.set_time_seconds("sim_time", 1.25 * frame)
    depth = np.full((48, 64), 2000 + 100 * frame, np.uint16)
    rr.log_depth_image("world/camera/image/depth", depth, meter=1000)
    rr.log_image("world/camera/image/rgb", np.broadcast_to(np.array(rgb, np.uint8), (48, 64, 3)).copy())
""" % (FRAME_RGB,)


def pixels_near(img, rgb, tol=35) -> int:
    return int((np.abs(img[..., :3].astype(int) - np.asarray(rgb)) <= tol).all(axis=-1).sum())


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    path = tmp_path_factory.mktemp("e2e") / "camera.rrd"
    result = subprocess.run([sys.executable, "-c", LOGGER, str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    return path


@pytest.mark.parametrize("frame", [1, 3])
def test_cli_screenshot_shows_camera_picture_and_depth_cloud_of_the_frame(egl_available, recording, tmp_path, frame):
    import imageio.v3 as iio

    out = tmp_path / f"frame{frame}.png"
    result = subprocess.run(
        [sys.executable, "-m", "rerun_app", str(recording), "--screenshot", str(out), "--timeline", "frame",
         "--time", str(frame), "--size", "1000x700"],
        env=headless_gl_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    img = iio.imread(out)
    assert img.shape == (700, 1000, 3)
    shown, other = FRAME_RGB[frame], FRAME_RGB[4 - frame]
    assert shows_frame(img, shown)
    assert pixels_near(img, other) < 100


def shows_frame(img, shown) -> bool:
    """The 2D camera view fills with the picture over the depth image, as Rerun 0.4 stacks them (the RGB image at
    1/2 over the colormapped depth: each pixel half the frame's colour plus half of another), and the 3D view
    shows the RGB-coloured depth cloud in the frame's own colour."""
    twice = 2 * img[..., :3].astype(int) - np.asarray(shown)
    blended = int(((twice >= -35) & (twice <= 255 + 35)).all(axis=-1).sum())
    return blended > 20_000 and pixels_near(img, shown) > 1_000


def test_cli_screenshot_of_an_unknown_timeline_is_a_clear_error(egl_available, recording, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "rerun_app", str(recording), "--screenshot", str(tmp_path / "x.png"),
         "--timeline", "nope"],
        env=headless_gl_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert "timeline must be one of the recording's timelines (frame, log_time, sim_time); got 'nope'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("seconds, frame", [("2.5", 2), ("3.74", 2), ("1.25", 1)])
def test_cli_screenshot_at_fractional_seconds_on_a_time_timeline(egl_available, recording, tmp_path, seconds, frame):
    """``--time`` takes seconds on a time timeline; the cursor shows the latest frame logged at or before them."""
    import imageio.v3 as iio

    out = tmp_path / "t.png"
    result = subprocess.run(
        [sys.executable, "-m", "rerun_app", str(recording), "--screenshot", str(out), "--timeline", "sim_time",
         "--time", seconds, "--size", "1000x700"],
        env=headless_gl_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    img = iio.imread(out)
    shown = FRAME_RGB[frame]
    assert shows_frame(img, shown)
    assert all(pixels_near(img, rgb) < 100 for f, rgb in FRAME_RGB.items() if f != frame)


def test_time_argument_keeps_integers_exact_and_seconds_exact_to_the_nanosecond():
    from decimal import Decimal

    from rerun_app.cli import build_parser
    from rerun_app.screenshot import cursor_time
    from rerun_app.time_control import TimelineRef

    parse = build_parser().parse_args
    big = 2**62 + 1  # beyond float64's exact integers
    assert parse(["--time", str(big)]).time == big
    seconds = parse(["--time", "1700000000.123456789"]).time
    assert seconds == Decimal("1700000000.123456789")
    assert cursor_time(seconds, TimelineRef("sim", "time")) == 1700000000123456789
    assert cursor_time(3, TimelineRef("sim", "time")) == 3_000_000_000
    assert cursor_time(big, TimelineRef("frame", "sequence")) == big
    with pytest.raises(ValueError, match="'frame' is a sequence and takes a whole number, got 2.5"):
        cursor_time(parse(["--time", "2.5"]).time, TimelineRef("frame", "sequence"))


def test_time_argument_rejects_text_that_is_no_number(capsys):
    from rerun_app.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["--time", "soon"])
    assert "--time: expected a sequence number (e.g. 42) or seconds on a time timeline (e.g. 1.25), got 'soon'" \
        in capsys.readouterr().err
