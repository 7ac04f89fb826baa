"""Shared test fixtures: GL availability (EGL headless, Xvfb windows).

Helpers live in gl_support.py; test modules import them from there, never from ``conftest``.

CI sets ``RERUN_REQUIRE_GL=1``: then a missing GL stack is a test *failure*, never a silent skip.
"""

from __future__ import annotations

import os
import select
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
    """A running Xvfb server; yields its DISPLAY string (e.g. ``":99"``).

    Xvfb picks the display number itself (``-displayfd``: it takes the number's lock atomically and writes the
    number once it accepts connections). Choosing a number here by looking for free lock files raced with other
    test runs on the same machine: two sessions could pick the same number and one would use, then lose, the
    other's server.
    """
    if shutil.which("Xvfb") is None:
        gl_unavailable("Xvfb is not installed (apt-get install xvfb xauth)")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    number = b""
    deadline = time.monotonic() + 60  # generous: a loaded 2-core CI machine may start it slowly
    try:
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            readable, _, _ = select.select([read_fd], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(read_fd, 64) if readable else b""
            if not chunk:
                break  # Xvfb exited (EOF) or the deadline passed
            number += chunk
    finally:
        os.close(read_fd)
    if not number.strip().isdigit():
        proc.kill()
        proc.wait()
        gl_unavailable(f"Xvfb did not start (it reported display {number!r})")
    display = f":{number.strip().decode()}"
    yield display
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
