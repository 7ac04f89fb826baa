"""The README's demo command on a machine with no display: it records to out/ and renders a PNG with the viewer
headless (EGL), and says where. The picture must show the camera's RGB frame (the 2D view draws it with nearest
filtering, and the 3D depth cloud takes its colours, so the frame's most frequent colours appear exactly).
Pixel-exact placement is checked by tests/app/viewer; this checks the command a user types end to end."""

from __future__ import annotations

import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest
from rerun.recording import load

from _example_runs import EXAMPLES, EXAMPLE_TIMEOUT_S, example_env

pytestmark = pytest.mark.gl


def test_demo_without_display_records_and_renders_the_last_frame(tmp_path, egl_available):
    width, height, frames = 160, 120, 3
    command = [sys.executable, str(EXAMPLES / "depth_stream" / "main.py"), "--frames", str(frames),
               "--resolution", f"{width}x{height}", "--no-pacing", "--cloud-points", "2000"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=EXAMPLE_TIMEOUT_S, env=example_env(),
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-4000:]
    png = tmp_path / "out" / "depth_stream.png"
    rrd = tmp_path / "out" / "depth_stream.rrd"
    assert "No display found" in proc.stdout
    assert f"Screenshot of the last frame written to {png}" in proc.stdout

    recording = load(rrd)
    assert recording.complete
    assert recording.table("world/camera/image/rgb")["frame"].to_pylist() == list(range(frames))

    sys.path.insert(0, str(EXAMPLES / "depth_stream"))
    try:
        import synthetic_room
    finally:
        sys.path.remove(str(EXAMPLES / "depth_stream"))
    last_rgb, _ = synthetic_room.render(synthetic_room.camera_on_orbit((frames - 1) / 30.0, width, height))
    colours, counts = np.unique(last_rgb.reshape(-1, 3), axis=0, return_counts=True)
    frequent = {tuple(c) for c in colours[np.argsort(counts)[::-1][:20]]}

    shot = iio.imread(png)
    assert shot.ndim == 3 and shot.shape[2] in (3, 4)
    shown = {tuple(c) for c in np.unique(shot[..., :3].reshape(-1, 3), axis=0)}
    found = frequent & shown
    assert len(found) >= 15, f"only {len(found)} of the frame's 20 most frequent colours are in the screenshot"
