"""A UI-only change (hover, typing) never re-renders an unchanged 3D view; a camera drag does.

Each frame's header says whether the server rendered the space views for it (``scene``) or put back its cached
picture of them and drew only the ImGui chrome over it; the page counts the frames that rendered them
(``rerunWeb.sceneFrames``). What the page shows of the views must not change when the cached picture is used.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from serving_logger import GREEN, RED
from web_kit import (DEADLINE_S, VIEW, ServingLogger, both_clouds, centroid, drag, fps_field, frames_drawn, in_view,
                     open_page, pixels, time_cursor, type_into_field, wait_for_pixels, wait_frames)

pytestmark = [pytest.mark.gl, pytest.mark.slow]

QUIET_S = 1.0  # no new frame for this long: the viewer has settled


@pytest.fixture
def logger():
    serving = ServingLogger()
    yield serving
    serving.close()


def scene_frames(page) -> int:
    return page.evaluate("window.rerunWeb.sceneFrames")


def wait_quiet(page, timeout: float = DEADLINE_S) -> None:
    """Until the page has received no frame for ``QUIET_S`` (the server draws nothing while nothing changes)."""
    deadline = time.monotonic() + timeout
    last, since = frames_drawn(page), time.monotonic()
    while time.monotonic() - since < QUIET_S:
        assert time.monotonic() < deadline, "the page never stopped receiving frames"
        time.sleep(0.05)
        drawn = frames_drawn(page)
        if drawn != last:
            last, since = drawn, time.monotonic()


def test_hover_and_typing_reuse_the_scene_and_a_drag_renders_it(logger, browser):
    page = open_page(browser, logger.web_url)
    wait_for_pixels(page, both_clouds, "both clouds")
    wait_quiet(page)
    full = pixels(page)  # drawn by frames that rendered the scene
    assert both_clouds(full)
    scenes_before, frames_before = scene_frames(page), frames_drawn(page)

    # Hover: the pointer moves over the entity panel and the timeline panel (items highlight under it).
    for x, y in [(60 + 10 * i, 70 + 25 * i) for i in range(10)] + [(300 + 60 * i, 640) for i in range(8)]:
        drawn = frames_drawn(page)
        page.mouse.move(x, y)
        wait_frames(page, drawn + 1)
    # Typing into an ImGui field (the playback fps), then typing the original back.
    _, cursor_y = time_cursor(full)
    field = fps_field(full, cursor_y)
    x0, x1, y0, y1 = field
    original = full[y0:y1, x0:x1].astype(int)

    def field_changed(im) -> float:
        return float((np.abs(im[y0:y1, x0:x1].astype(int) - original).max(axis=-1) > 60).mean())

    type_into_field(page, field, "12")
    wait_for_pixels(page, lambda im: field_changed(im) > 0.03, "the typed fps in the field")
    type_into_field(page, field, "30")
    wait_for_pixels(page, lambda im: field_changed(im) < 0.005, "the original fps typed back")
    wait_quiet(page)

    ui_frames = frames_drawn(page) - frames_before
    assert ui_frames >= 18, f"the hover and typing drew only {ui_frames} frames"
    assert scene_frames(page) == scenes_before, (
        f"{scene_frames(page) - scenes_before} of {ui_frames} UI-only frames re-rendered the unchanged 3D view")
    after = pixels(page)
    difference = np.abs(after[VIEW].astype(int) - full[VIEW].astype(int)).max(axis=-1)
    assert (difference > 12).mean() < 0.001, "the 3D view's pixels changed although only the UI did"
    for rgb in (RED, GREEN):
        assert in_view(after, rgb).sum() == pytest.approx(in_view(full, rgb).sum(), rel=0.01)

    # A camera drag changes the scene: its frames render it.
    scenes_before = scene_frames(page)
    red_before = centroid(in_view(after, RED))
    drag(page, (620, 300), (760, 340))
    wait_for_pixels(page, lambda im: in_view(im, RED).sum() > 50
                    and np.hypot(*(centroid(in_view(im, RED)) - red_before)) > 15, "the clouds moved by the drag")
    assert scene_frames(page) > scenes_before
