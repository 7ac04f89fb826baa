"""``examples/depth_stream/main.py --serve``: the demo shown in a browser (real headless Chromium), then Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gl_support import headless_gl_env
from test_serve_lifecycle import listening, wait_closed
from web_kit import DEADLINE_S, LineReader, open_page, wait_for_pixels

pytestmark = [pytest.mark.gl, pytest.mark.slow]

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "depth_stream"
WIDTH, HEIGHT, FRAMES = 160, 120, 3


def frequent_colours(count: int = 20) -> np.ndarray:
    """The last frame's most frequent RGB colours (the 2D view shows the frame, the depth cloud takes its colours)."""
    sys.path.insert(0, str(EXAMPLE))
    try:
        import synthetic_room
    finally:
        sys.path.remove(str(EXAMPLE))
    rgb, _ = synthetic_room.render(synthetic_room.camera_on_orbit((FRAMES - 1) / 30.0, WIDTH, HEIGHT))
    colours, counts = np.unique(rgb.reshape(-1, 3), axis=0, return_counts=True)
    return colours[np.argsort(counts)[::-1][:count]].astype(int)


def colours_shown(image: np.ndarray, colours: np.ndarray, tolerance: int = 12) -> int:
    """How many of ``colours`` some pixel of ``image`` shows (within the JPEG's tolerance)."""
    pixels = np.unique(image.reshape(-1, 3), axis=0).astype(int)
    return sum(bool((np.abs(pixels - c).max(axis=1) <= tolerance).any()) for c in colours)


def test_depth_stream_serve_shows_the_demo_in_a_browser(browser):
    for port in (9090, 9877):
        assert not listening(port), f"port {port} (rr.serve's default) is taken by another program on this machine"
    env = headless_gl_env()
    env["RERUN_STRICT"] = "1"
    proc = subprocess.Popen(
        [sys.executable, str(EXAMPLE / "main.py"), "--serve", "--frames", str(FRAMES), "--resolution",
         f"{WIDTH}x{HEIGHT}", "--no-pacing", "--cloud-points", "2000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    lines = LineReader(proc)
    try:
        seen = []
        while not (line := lines.next()).startswith("Sleeping while serving"):
            seen.append(line)
        assert any(l.startswith("Web server is running - view it at http://127.0.0.1:9090") for l in seen), seen
        page = open_page(browser, "http://127.0.0.1:9090/")
        colours = frequent_colours()
        wait_for_pixels(page, lambda im: colours_shown(im, colours) >= 15, "the demo's last RGB frame")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=DEADLINE_S) == 0, proc.stderr.read()[-3000:]
        wait_closed(9090, "after Ctrl-C")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
