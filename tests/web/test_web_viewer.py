"""The web viewer in a real headless Chromium: a logger calls ``rr.serve(open_browser=False)`` and a page shows it.

What the page shows is read from its pixels (Playwright screenshots of the page), and input goes through the page's
own pointer / keyboard handlers, as a person's would.
"""

from __future__ import annotations

import numpy as np
import pytest

from serving_logger import GREEN, RED
from web_kit import (MIN_CLOUD_PIXELS, SIZE, ServingLogger, both_clouds, centroid, checkbox_centres, drag, fps_field,
                     frames_drawn, in_view, open_page, pixels, render_native, time_cursor, type_into_field,
                     wait_for_pixels)

pytestmark = [pytest.mark.gl, pytest.mark.slow]

@pytest.fixture
def logger():
    serving = ServingLogger()
    yield serving
    serving.close()


def test_logged_clouds_appear_where_the_headless_render_puts_them(logger, browser, tmp_path):
    """Data logged before (red) and after (green) ``rr.serve`` is drawn where the same viewer's EGL screenshot of
    the same data draws it (whose projection tests/app/viewer/test_window.py checks)."""
    page = open_page(browser, logger.web_url)
    shown = wait_for_pixels(page, both_clouds, "the red and the green cloud")
    native = render_native(tmp_path)
    assert native.shape == shown.shape == (SIZE[1], SIZE[0], 3)
    for rgb in (RED, GREEN):
        expected, got = centroid(in_view(native, rgb)), centroid(in_view(shown, rgb))
        assert np.hypot(*(expected - got)) < 6, (rgb, expected, got)
        assert abs(int(in_view(native, rgb).sum()) - int(in_view(shown, rgb).sum())) < 0.25 * in_view(native, rgb).sum()


def test_dragging_in_the_view_rotates_the_clouds(logger, browser):
    page = open_page(browser, logger.web_url)
    before = wait_for_pixels(page, both_clouds, "both clouds")
    red_before, green_before = centroid(in_view(before, RED)), centroid(in_view(before, GREEN))
    drag(page, (630, 300), (830, 360))

    gap_before = np.hypot(*(green_before - red_before))

    def rotated(image):
        if not both_clouds(image):
            return False
        red, green = centroid(in_view(image, RED)), centroid(in_view(image, GREEN))
        moved = np.hypot(*(red - red_before)) > 15 and np.hypot(*(green - green_before)) > 15
        # A rotation, not a pan: the clouds' separation on screen changes too. Checked on the same frame, and
        # waited for, since under load the page may first show a frame from the middle of the drag.
        return moved and abs(np.hypot(*(green - red)) - gap_before) > 3

    wait_for_pixels(page, rotated, "the clouds rotated by the drag (moved, and their separation changed)")


def test_clicking_an_entity_checkbox_hides_its_cloud(logger, browser):
    page = open_page(browser, logger.web_url)
    # The Blueprint panel, once it lists both entities: the view 'world' with a_red and b_green, then 'All entities'
    # with world, a_red and b_green (while it is still being built, the second box may be another row's).
    image = wait_for_pixels(page, lambda im: both_clouds(im) and len(checkbox_centres(im)) == 6,
                            "both clouds and the whole Blueprint tree")
    boxes = checkbox_centres(image)  # view world, its world/a_red, world/b_green, then All entities
    page.mouse.click(*boxes[1])
    hidden = wait_for_pixels(page, lambda im: in_view(im, RED).sum() < 20, "the red cloud hidden")
    assert in_view(hidden, GREEN).sum() > MIN_CLOUD_PIXELS
    page.mouse.click(*boxes[1])
    wait_for_pixels(page, both_clouds, "the red cloud shown again")


def test_scrubbing_the_timeline_changes_the_image(logger, browser):
    page = open_page(browser, logger.web_url)
    image = wait_for_pixels(page, both_clouds, "both clouds at the latest frame")
    cursor_x, cursor_y = time_cursor(image)
    # Press just inside the scrub area (the cursor sits on its right edge at the latest time), drag past its start:
    # the scrub clamps to the first time.
    drag(page, (cursor_x - 4, cursor_y), (240, cursor_y))
    at_start = wait_for_pixels(page, lambda im: in_view(im, GREEN).sum() < 20,
                               "frame 0 (the green cloud is logged at frame 1)")
    assert in_view(at_start, RED).sum() > MIN_CLOUD_PIXELS
    start_x, _ = time_cursor(at_start)
    assert start_x < cursor_x - 100
    drag(page, (start_x + 4, cursor_y), (1020, cursor_y))
    wait_for_pixels(page, both_clouds, "frame 1 again")


def test_typing_into_an_imgui_field_reaches_it(logger, browser):
    page = open_page(browser, logger.web_url)
    image = wait_for_pixels(page, both_clouds, "both clouds")
    _, cursor_y = time_cursor(image)
    field = fps_field(image, cursor_y)
    x0, x1, y0, y1 = field
    original = image[y0:y1, x0:x1].astype(int)

    def differing(im) -> float:
        """Share of the field's pixels that differ clearly from the original picture of it."""
        return float((np.abs(im[y0:y1, x0:x1].astype(int) - original).max(axis=-1) > 60).mean())

    type_into_field(page, field, "12")
    changed = wait_for_pixels(page, lambda im: differing(im) > 0.03, "the typed fps in the field")
    assert both_clouds(changed)
    type_into_field(page, field, "30")
    wait_for_pixels(page, lambda im: differing(im) < 0.005, "the original fps typed back")


def test_two_pages_at_once_both_update(logger, browser):
    first = open_page(browser, logger.web_url)
    second = open_page(browser, logger.web_url)
    for page in (first, second):
        wait_for_pixels(page, both_clouds, "both clouds")
    red_before = centroid(in_view(pixels(second), RED))
    drawn_before = frames_drawn(second)
    drag(first, (630, 300), (430, 250))
    for page in (first, second):
        wait_for_pixels(page, lambda im: both_clouds(im) and np.hypot(*(centroid(in_view(im, RED)) - red_before)) > 15,
                        "the drag on the first page")
    assert frames_drawn(second) > drawn_before
    first.close()
    # Closing a page disturbs nothing: the other one still follows new input.
    red_now = centroid(in_view(pixels(second), RED))
    drag(second, (630, 300), (800, 300))
    wait_for_pixels(second, lambda im: both_clouds(im) and np.hypot(*(centroid(in_view(im, RED)) - red_now)) > 15,
                    "the drag on the remaining page")
