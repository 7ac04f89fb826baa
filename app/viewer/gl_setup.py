"""Choose and initialise the GL backend before vispy or glfw are imported.

Order matters (reference/ui_integration.md §1): ``imgui_bundle`` is imported first so that pyGLFW loads
imgui_bundle's own ``libglfw``; then vispy is told which app backend to use. Headless runs use EGL
(``RERUN_GL_BACKEND=egl`` or an explicit ``headless=True``), windows use glfw.
"""

from __future__ import annotations

import os

_CHOSEN: str | None = None


def has_display() -> bool:
    """True when a windowing system is reachable (X11 or Wayland)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def choose_backend(headless: bool = False) -> str:
    """Select the vispy app backend once per process and return its name (``"glfw"`` or ``"egl"``).

    Parameters
    ----------
    headless : bool
        Render without a window (EGL pbuffer). Also chosen when ``RERUN_GL_BACKEND=egl``.

    Raises
    ------
    RuntimeError
        When a window is wanted but there is no display, or a different backend was already chosen.
    """
    global _CHOSEN
    wanted = "egl" if headless or os.environ.get("RERUN_GL_BACKEND") == "egl" else "glfw"
    if _CHOSEN is not None:
        if _CHOSEN != wanted:
            raise RuntimeError(f"GL backend already set to {_CHOSEN!r} in this process; cannot switch to {wanted!r}")
        return _CHOSEN
    if wanted == "glfw" and not has_display():
        raise RuntimeError(
            "no display (DISPLAY / WAYLAND_DISPLAY unset): the viewer window cannot open. "
            "Use `rerun --headless` to ingest without a window, `rerun FILE.rrd --screenshot out.png` to render "
            "headless through EGL, or `rr.save(path)` in the logging program and open the file later."
        )
    if wanted == "egl":
        os.environ.setdefault("EGL_PLATFORM", "surfaceless")
        os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
    from imgui_bundle import imgui  # noqa: F401  (must precede glfw / vispy, see module docstring)
    import vispy

    vispy.use(app=wanted)
    if wanted == "glfw":
        import glfw

        if not glfw.init():
            raise RuntimeError("glfw could not initialise (is the display reachable?)")
        glfw.default_window_hints()  # pitfall 3: window hints are process-global
    _CHOSEN = wanted
    return wanted
