"""Shared test fixtures: GL availability (EGL headless, Xvfb windows).

Helpers live in gl_support.py; test modules import them from there, never from ``conftest``.

CI sets ``RERUN_REQUIRE_GL=1``: then a missing GL stack is a test *failure*, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gl_support import REQUIRE_GL, gl_unavailable, headless_gl_env  # noqa: F401  (re-exported for old imports)

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def egl_available() -> None:
    """Checks once (in a subprocess, so no GL state leaks) that vispy can render through EGL."""
    probe = (
        "import vispy; vispy.use(app='egl'); from vispy import scene;"
        "c = scene.SceneCanvas(size=(8, 8), show=False); assert c.render().shape == (8, 8, 4)"
    )
    result = subprocess.run([sys.executable, "-c", probe], env=headless_gl_env(), capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        gl_unavailable(f"EGL probe failed: {result.stderr.strip()[-400:]}")


@pytest.fixture(scope="session")
def xvfb_display():
    """A running Xvfb server; yields its DISPLAY string (e.g. ``":99"``)."""
    if shutil.which("Xvfb") is None:
        gl_unavailable("Xvfb is not installed (apt-get install xvfb xauth)")
    for number in range(90, 140):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    else:
        gl_unavailable("no free X display number")
    display = f":{number}"
    proc = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            gl_unavailable(f"Xvfb {display} did not start")
        time.sleep(0.05)
    yield display
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
