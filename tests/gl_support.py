"""GL availability helpers shared by the GL tests (import as ``from gl_support import ...``).

CI sets ``RERUN_REQUIRE_GL=1``: then a missing GL stack is a test *failure*, never a silent skip.
"""

from __future__ import annotations

import os

import pytest

REQUIRE_GL = os.environ.get("RERUN_REQUIRE_GL") == "1"


def gl_unavailable(reason: str) -> None:
    """Skip the calling test for lack of GL, or fail it when CI demands GL."""
    if REQUIRE_GL:
        pytest.fail(f"GL is required (RERUN_REQUIRE_GL=1) but unavailable: {reason}")
    pytest.skip(f"no GL here: {reason}")


def headless_gl_env() -> dict[str, str]:
    """Environment for a subprocess that renders headless through EGL (no display)."""
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env["EGL_PLATFORM"] = "surfaceless"
    env["RERUN_GL_BACKEND"] = "egl"
    return env
