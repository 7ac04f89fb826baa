"""Rerun 0.4 parity of 2D/3D primitives, rendered end to end (our SDK → .rrd → ``rerun --screenshot``).

The scenes are ``parity_scenes.py`` (the same script writes the file for the original viewer). Expectations
come from the logged input: where the image lands on screen gives the pixel mapping, from which the keypoints,
the skeleton segments and the rect are placed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from gl_support import headless_gl_env

import parity_scenes as scenes

pytestmark = pytest.mark.gl

HERE = Path(__file__).parent
SIZE = (1000, 700)


def render_scene(name: str, tmp_path: Path) -> np.ndarray:
    import imageio.v3 as iio

    rrd, png = tmp_path / f"{name}.rrd", tmp_path / f"{name}.png"
    subprocess.run([sys.executable, str(HERE / "parity_scenes.py"), name, str(rrd)], check=True, timeout=120)
    result = subprocess.run([sys.executable, "-m", "rerun_app", str(rrd), "--screenshot", str(png),
                             "--size", f"{SIZE[0]}x{SIZE[1]}"], env=headless_gl_env(), capture_output=True,
                            text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    return iio.imread(png)[..., :3].astype(int)


def image_mapping(img: np.ndarray):
    """Screen position of image pixel coordinates, from where the uniformly coloured image is drawn."""
    mask = (img == scenes.IMAGE_RGB).all(axis=-1)
    ys, xs = np.nonzero(mask)
    assert xs.size > 1000, "the logged image is not on screen"
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    sx, sy = (x1 - x0) / scenes.IMAGE_W, (y1 - y0) / scenes.IMAGE_H
    assert abs(sx - sy) < 0.02 * sx, "square image pixels"
    return lambda p: np.array([x0 + p[0] * sx, y0 + p[1] * sy]), sx


def _segment_distance(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    t = np.clip(((points - a) @ ab) / (ab @ ab), 0.0, 1.0)
    return np.linalg.norm(points - (a + t[:, None] * ab), axis=1)


def test_class_0_skeleton_is_drawn_between_its_keypoints_and_keypoints_show_their_labels(egl_available, tmp_path):
    img = render_scene("skeleton_and_labels", tmp_path)
    to_screen, scale = image_mapping(img)
    background = (img == scenes.IMAGE_RGB).all(axis=-1)
    kp = np.array([to_screen(p) for p in scenes.KEYPOINTS])
    # every connection is drawn: pixels along it (away from the keypoints) are not the image, and one colour
    for a, b in scenes.CONNECTIONS:
        colours = []
        for t in np.linspace(0.15, 0.85, 12):
            x, y = kp[a] + t * (kp[b] - kp[a])
            patch = img[int(y) - 1:int(y) + 2, int(x) - 1:int(x) + 2].reshape(-1, 3)
            drawn = patch[~background[int(y) - 1:int(y) + 2, int(x) - 1:int(x) + 2].reshape(-1)]
            assert drawn.size, f"connection {a}-{b}: nothing drawn at t={t:.2f} ({x:.0f}, {y:.0f})"
            colours.append(tuple(drawn[np.argmax(drawn.sum(axis=1))]))
        assert max(colours) != (0, 0, 0)
    # each keypoint's label is drawn centred below it (text pixels, not the skeleton's)
    ys, xs = np.nonzero(~background)
    pixels = np.stack([xs, ys], axis=1).astype(float)
    off_skeleton = np.ones(len(pixels), bool)
    for a, b in scenes.CONNECTIONS:
        off_skeleton &= _segment_distance(pixels, kp[a], kp[b]) > 3
    for (x, y), label in zip(kp, scenes.KEYPOINT_LABELS):
        below = off_skeleton & (np.abs(pixels[:, 0] - x) < 40) & (pixels[:, 1] > y + 3) & (pixels[:, 1] < y + 25)
        assert below.sum() >= 10, f"no label text below keypoint {label!r}"
        assert abs(pixels[below, 0].mean() - x) < 8, f"label {label!r} not centred under its keypoint"


def test_rect_label_is_drawn_centred_below_the_rect_in_its_colour(egl_available, tmp_path):
    img = render_scene("skeleton_and_labels", tmp_path)
    to_screen, _ = image_mapping(img)
    x, y, w, h = scenes.RECT_XYWH
    (left, top), (right, bottom) = to_screen((x, y)), to_screen((x + w, y + h))
    region = img[int(bottom) + 3:int(bottom) + 25, int(left):int(right)]
    green = (region[..., 1] > 90) & (region[..., 0] < 60) & (region[..., 2] < 90)
    assert green.sum() >= 10, "no green label text below the rect"
    cols = np.nonzero(green)[1] + int(left)
    assert abs(cols.mean() - (left + right) / 2) < 8


def test_depth_under_an_rgb_image_stays_visible(egl_available, tmp_path):
    """Rerun 0.4: the first image (by entity path: camera/depth) opaque, the later one (camera/rgb) at 1/2."""
    img = render_scene("stacked_images", tmp_path)
    rgb = np.array(scenes.STACK_RGB)
    assert (np.abs(img - rgb) <= 4).all(axis=-1).sum() < 100, "the RGB image hides the depth image"
    # where the picture is: pixels at least half the RGB image's green over the rest
    tinted = (img[..., 1] >= rgb[1] // 2) & (img[..., 1] > img[..., 0] + 10)
    ys, xs = np.nonzero(tinted)
    assert ys.size > 5000
    x = int(np.median(xs))
    rows = np.flatnonzero(tinted[:, x])
    runs = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    run = max(runs, key=len)  # the picture's rows in this column
    assert len(run) > 100
    column = img[run[0] + 2:run[-1] - 2, x]
    # the depth gradient shows through: the blend changes from top to bottom, and never exceeds what half of
    # the RGB image plus half of any colour can give
    assert np.abs(column[0] - column[-1]).max() > 30, (column[0], column[-1])
    assert (column >= rgb // 2 - 3).all() and (column <= rgb // 2 + 128 + 3).all()


def _tick_columns(img: np.ndarray) -> list[float]:
    """x centres of the time panel's data marks (the entity rows' light-blue ticks)."""
    mask = (np.abs(img - np.array([115, 178, 255])) <= 12).all(axis=-1)
    cols = np.flatnonzero(mask.sum(axis=0) >= 5)
    groups = np.split(cols, np.flatnonzero(np.diff(cols) > 1) + 1) if cols.size else []
    return [float(g.mean()) for g in groups]


def test_log_cleared_leaves_a_mark_on_the_timeline(egl_available, tmp_path):
    plain = _tick_columns(render_scene("not_cleared", tmp_path))
    marked = _tick_columns(render_scene("cleared", tmp_path))
    assert len(plain) == 2, plain  # the two frames with data
    f0, f1 = scenes.CLEAR_FRAMES
    x_clear = plain[0] + (plain[1] - plain[0]) * (scenes.CLEAR_AT - f0) / (f1 - f0)
    assert len(marked) == 3 and abs(marked[1] - x_clear) <= 2, (marked, x_clear)


def _blobs(img: np.ndarray, rgb) -> list[tuple[int, int, int]]:
    """(pixel count, width, height) of each connected blob of ``rgb`` (4-connected, via scipy-free flood fill)."""
    mask = (np.abs(img - np.array(rgb)) <= 60).all(axis=-1)
    seen = np.zeros_like(mask)
    out = []
    for y, x in zip(*np.nonzero(mask)):
        if seen[y, x]:
            continue
        stack, pixels = [(y, x)], []
        seen[y, x] = True
        while stack:
            cy, cx = stack.pop()
            pixels.append((cy, cx))
            for ny, nx in ((cy + 1, cx), (cy - 1, cx), (cy, cx + 1), (cy, cx - 1)):
                if 0 <= ny < mask.shape[0] and 0 <= nx < mask.shape[1] and mask[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    stack.append((ny, nx))
        ys, xs = np.array(pixels).T
        out.append((len(pixels), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)))
    return [b for b in out if min(b[1], b[2]) >= 4]  # not the 2 px timeline cursor


@pytest.mark.parametrize("scene, count", [("framing_2d", 4), ("framing_3d", 3)])
def test_default_framing_shows_primitives_whole_radii_included(egl_available, tmp_path, scene, count):
    """A point or sphere at the edge of the scene is drawn whole (a disc cut by the view edge is not round)."""
    blobs = _blobs(render_scene(scene, tmp_path), scenes.FRAME_RGB)
    assert len(blobs) == count, blobs
    for n, w, h in blobs:
        assert w >= 6 and abs(w - h) <= max(2, 0.15 * max(w, h)), blobs  # round: not cut
    if scene == "framing_2d":  # equal discs in 2D: none lost a part to the edge
        sizes = [n for n, _, _ in blobs]
        assert min(sizes) >= 0.9 * max(sizes), blobs


#: Rerun 0.4 draws lines without a logged radius 1.5 points wide on each side of the axis (its re_renderer's
#: automatic line radius); the screenshots here are at one pixel per point.
ORIGINAL_AUTO_LINE_RADIUS_PX = 1.5
#: Its labels sit on a box filled with grey 40 (the UI's inactive widget fill), corners rounded by 3 points.
ORIGINAL_LABEL_FILL = 40
ORIGINAL_LABEL_ROUNDING_PX = 3.0


def _run_length(img: np.ndarray, rgb, x: float, y: float, axis: int) -> int:
    """Pixels of colour ``rgb`` in one run through (x, y), across the line: vertically (axis 0) or horizontally."""
    match = (np.abs(img - np.asarray(rgb)) <= 30).all(axis=-1)
    line = match[:, int(x)] if axis == 0 else match[int(y), :]
    i = int(y) if axis == 0 else int(x)
    if not line[i]:
        return 0
    lo, hi = i, i
    while lo > 0 and line[lo - 1]:
        lo -= 1
    while hi + 1 < line.size and line[hi + 1]:
        hi += 1
    return hi - lo + 1


def test_2d_lines_are_as_wide_as_the_originals_and_honour_stroke_width(egl_available, tmp_path):
    img = render_scene("line_widths", tmp_path)
    to_screen, scale = image_mapping(img)
    auto = 2 * ORIGINAL_AUTO_LINE_RADIUS_PX
    x, y = to_screen(scenes.AUTO_STRIP.mean(axis=0))
    assert abs(_run_length(img, scenes.AUTO_RGB, x, y, axis=0) - auto) <= 1
    # a stroke width is in scene units: image pixels, grown by the zoom
    x, y = to_screen(scenes.STROKE_STRIP.mean(axis=0))
    assert abs(_run_length(img, scenes.STROKE_RGB, x, y, axis=0) - scenes.STROKE_WIDTH * scale) <= 2
    for a, b in scenes.SEGMENTS.reshape(-1, 2, 2):
        x, y = to_screen((a + b) / 2)
        assert abs(_run_length(img, scenes.SEGMENTS_RGB, x, y, axis=1) - auto) <= 1
    rx, ry, rw, rh = scenes.LABEL_RECT_XYWH
    x, y = to_screen((rx, ry + rh / 2))  # the rect's left edge
    assert abs(_run_length(img, scenes.LABEL_RECT_RGB, x, y, axis=1) - auto) <= 1
    x, y = to_screen((rx + rw / 2, ry))  # its top edge
    assert abs(_run_length(img, scenes.LABEL_RECT_RGB, x, y, axis=0) - auto) <= 1


def test_label_boxes_are_rounded_and_filled_like_the_originals(egl_available, tmp_path):
    img = render_scene("line_widths", tmp_path)
    to_screen, _ = image_mapping(img)
    rx, ry, rw, rh = scenes.LABEL_RECT_XYWH
    (left, _), (right, bottom) = to_screen((rx, ry)), to_screen((rx + rw, ry + rh))
    top, x_lo, x_hi = int(bottom) + 2, int(left), int(right)
    region = img[top:top + 40, x_lo:x_hi]
    fill = (np.abs(region - ORIGINAL_LABEL_FILL) <= 6).all(axis=-1)
    ys, xs = np.nonzero(fill)
    assert xs.size > 100, "no label box below the rect"
    y0, y1, x0, x1 = ys.min(), ys.max(), xs.min(), xs.max()
    # the box's straight edges are filled up to its bounding box; its corners are cut by the rounding
    cy, cx = (y0 + y1) // 2, (x0 + x1) // 2
    assert fill[y0, cx] and fill[y1, cx] and fill[cy, x0] and fill[cy, x1]
    for y, x in ((y0, x0), (y0, x1), (y1, x0), (y1, x1)):
        assert not fill[y, x], f"square corner at ({x}, {y})"
    inset = int(np.ceil(ORIGINAL_LABEL_ROUNDING_PX))
    for y, x in ((y0 + inset, x0 + inset), (y0 + inset, x1 - inset), (y1 - inset, x0 + inset), (y1 - inset, x1 - inset)):
        assert fill[y, x] or not (np.abs(region[y, x] - scenes.LABEL_RECT_RGB) > 60).any()  # box or its text
