"""``rerun FILE.rrd --screenshot out.png``: the viewer's layout rendered headless through EGL into a PNG.

The same :class:`~rerun_app.viewer.viewer.Viewer` draws as in the window (ImGui panels and vispy views), into an
EGL pbuffer: ImGui only needs a GL context, not a window.
"""

from __future__ import annotations

import decimal
from pathlib import Path

import numpy as np

#: ImGui lays out docked windows over its first frames; the views get their rectangles on the second.
WARMUP_FRAMES = 4
NANOS_PER_SECOND = 1_000_000_000


def render(hub, size=(1280, 720), timeline: str | None = None, time: int | float | None = None, ingest=None,
           frames: int = WARMUP_FRAMES) -> np.ndarray:
    """Render the viewer headless and return the (H, W, 4) uint8 image.

    Parameters
    ----------
    hub : StoreHub
        Data to show (its active recording).
    size : (int, int)
        Image width and height.
    timeline, time : optional
        Cursor: a timeline name and a time on it — a sequence number, or seconds on a time timeline
        (default: the viewer's default timeline at its latest time).

    Raises
    ------
    ValueError
        For an unknown timeline name or a time given without any timeline data.
    """
    from rerun_app.viewer.gl_setup import choose_backend

    choose_backend(headless=True)
    from rerun_app.viewer.viewer import Viewer

    viewer = Viewer(hub, ingest, size=size, headless=True)
    try:
        viewer.poll()
        if timeline is not None:
            viewer.time.select_timeline(timeline)
            viewer.time.follow()
            viewer.poll()
        if time is not None:
            if viewer.time.timeline is None:
                raise ValueError("--time: the recording has no timeline data to place the cursor on")
            viewer.time.pause()
            viewer.time.set_time(cursor_time(time, viewer.time.timeline))
        for _ in range(frames - 1):
            viewer.draw_frame()
        viewer.canvas.capture_next_frame = True
        viewer.draw_frame()
        image = viewer.canvas.last_image
    finally:
        viewer.close()
    return image


def cursor_time(time, timeline) -> int:
    """The store's int64 time for a ``--time`` value: seconds (exactly, to the nanosecond) on a time timeline, a
    whole number on a sequence timeline.

    Raises
    ------
    ValueError
        For a fractional value on a sequence timeline.
    """
    if timeline.type == "time":  # seconds on time timelines (nanoseconds internally)
        nanos = decimal.Decimal(str(time)) * NANOS_PER_SECOND
        return int(nanos.to_integral_value(rounding=decimal.ROUND_HALF_EVEN))
    value = decimal.Decimal(str(time))
    if value != value.to_integral_value():
        raise ValueError(f"--time: timeline {timeline.name!r} is a sequence and takes a whole number, got {time}")
    return int(value)


def write_screenshot(hub, path: str | Path, **kwargs) -> Path:
    """Render (see :func:`render`) and write a PNG to ``path``; returns the path."""
    import imageio.v3 as iio

    image = render(hub, **kwargs)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    iio.imwrite(path, image[..., :3])
    return path
