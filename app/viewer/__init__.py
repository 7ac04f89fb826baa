"""The viewer window (glfw + vispy + Dear ImGui), entry point ``run(args, hub, ingest)``.

``args`` comes from ``rerun_app.cli``; used here: ``files`` (already loaded by the caller), ``screenshot``
(a PNG path: render headless through EGL and exit), ``timeline`` / ``time`` (cursor for the screenshot),
``size`` (``"1280x720"``). Test hook: ``RERUN_VIEWER_SCRIPT`` names a JSON list of input steps that the window runs
before it exits, writing PNGs and state JSON into ``RERUN_VIEWER_SCRIPT_OUT`` (see :mod:`rerun_app.viewer.script`).

Heavy modules (vispy, glfw, imgui) are imported only inside :func:`run`, after the GL backend is chosen.

Map of the package:

- ``viewer``: :class:`Viewer`, the window: wires the parts below together and runs the redraw-on-change loop;
- ``shown``: which recording is shown and its time cursor (no GL);
- ``view_sync``: which space views exist (heuristics) and syncing their layers with the store at the cursor;
- ``view_host``: one spatial view: a ``rerun_scene`` view placed in its docked window, fed by a view builder;
- ``layout``: the ImGui dock layout; ``picking``: click / double-click / hover picks in the views;
- ``context``: :class:`PanelContext`, the narrow object the panels draw from;
- ``panels`` (entity tree, selection, timeline), ``toolbars`` (menu bar, view toolbars), ``plot_views``
  (time series, text log, bar chart in ImPlot);
- ``imgui_canvas`` (vispy canvas with ImGui drawn on top), ``input`` (event routing ImGui / vispy),
  ``gl_setup`` (GL backend choice), ``state`` (UI state), ``view_coordinates``;
- ``script``: the test hook (scripted input, state dumps).
"""

from __future__ import annotations

import os
import sys


def parse_size(text, default=(1600, 1000)) -> tuple[int, int]:
    """``"1280x720"`` (or an already parsed ``(w, h)``) → (1280, 720); a clear error for anything else."""
    if not text:
        return default
    if isinstance(text, (tuple, list)) and len(text) == 2:
        text = f"{int(text[0])}x{int(text[1])}"
    try:
        w, h = (int(v) for v in str(text).lower().split("x"))
    except ValueError:
        raise ValueError(f"--size: expected WIDTHxHEIGHT such as 1280x720, got {text!r}") from None
    if not (16 <= w <= 16384 and 16 <= h <= 16384):
        raise ValueError(f"--size: width and height must be within 16..16384, got {text!r}")
    return w, h


def run(args, hub, ingest=None) -> int:
    """Open the viewer window on ``hub`` (or write a screenshot when ``args.screenshot`` is set).

    ``args`` are the CLI's parsed arguments: ``screenshot`` and ``size`` are read always, ``timeline`` and ``time``
    with a screenshot only. Returns the process exit code.
    """
    screenshot = args.screenshot
    size = parse_size(args.size, (1280, 720) if screenshot else (1600, 1000))
    if screenshot:
        from rerun_app.screenshot import write_screenshot

        try:
            path = write_screenshot(hub, screenshot, size=size, timeline=args.timeline,
                                    time=args.time, ingest=ingest)
        except (ValueError, OSError, RuntimeError) as exc:
            print(f"rerun: --screenshot failed: {exc}", file=sys.stderr)
            return 2
        print(f"rerun: screenshot written to {path}", file=sys.stderr)
        return 0
    from rerun_app.viewer.gl_setup import choose_backend

    try:
        choose_backend(headless=False)
    except RuntimeError as exc:
        print(f"rerun: {exc}", file=sys.stderr)
        return 2
    from rerun_app.viewer.viewer import Viewer

    viewer = Viewer(hub, ingest, size=size)
    script = os.environ.get("RERUN_VIEWER_SCRIPT")
    if script:
        from rerun_app.viewer.script import run_script

        return run_script(viewer, script, os.environ.get("RERUN_VIEWER_SCRIPT_OUT", "."))
    viewer.run()
    return 0
