"""Bar chart of a 1-D tensor in an EGL screenshot: one bar per element, from 0 to its value, at the cursor time."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _plot_kit import load, matches, render, to_pixels

from rerun_app.views import auto_colors
from rerun_app.views import bar_chart as bc
from rerun_app.views import values

pytestmark = pytest.mark.gl

LEGEND_HEIGHT_PX = 30
FRAME_VALUES = {1: [3.0, -1.0, 0.5, 2.0, 0.0, -2.5, 1.0], 2: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]}

LOG = f"""
for frame, heights in {FRAME_VALUES!r}.items():
    kit.log_row(hub, 'histogram', kit.image(np.array(heights, np.float32)), frame=frame)
"""


def test_bars_span_from_zero_to_each_value_at_the_cursor_time(egl_available, tmp_path):
    img, plots = load(render(tmp_path, LOG, timeline="frame", time=1))
    (frame,) = plots.values()
    heights = FRAME_VALUES[1]
    assert frame["values"] == len(heights)
    x, y, w, h = frame["rect"]
    bars = matches(img, bc.fill_color('histogram'), 12)
    zero_y = to_pixels(frame, [0], [0])[0][1]
    for i, value in enumerate(heights):
        px, py = to_pixels(frame, [i], [value])[0]
        column = bars[int(y):int(y + h), int(round(px))]
        rows = np.flatnonzero(column) + int(y)
        if px > x + 0.6 * w:  # the legend (top right, one entry) is drawn in the bars' colour too
            rows = rows[rows > y + LEGEND_HEIGHT_PX]
        if value == 0:
            assert rows.size <= 2, i
            continue
        top, bottom = sorted((py, zero_y))
        assert abs(rows.min() - top) <= 2 and abs(rows.max() - bottom) <= 2, (i, value, rows.min(), rows.max())
        # the bar is BAR_WIDTH index units wide
        row = bars[int(round((top + bottom) / 2)), int(x):int(x + w)]
        width = to_pixels(frame, [bc.BAR_WIDTH], [0])[0][0] - to_pixels(frame, [0], [0])[0][0]
        runs = np.flatnonzero(row) + int(x)
        near = runs[np.abs(runs - px) <= width / 2 + 3]  # this bar only (neighbours are 1 unit away)
        assert abs(near.size - width) <= 3, (i, near.size, width)


def test_only_one_dimensional_tensors_make_bars():
    one = values.Tensor(np.arange(5, dtype=np.uint8).reshape(1, 5, 1), None, (), "unknown", None)
    assert bc.bar_values(one).tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(values.ComponentError, match=r"1-D tensor, got shape \[2, 3\]"):
        bc.bar_values(values.Tensor(np.zeros((2, 3)), None, (), "unknown", None))
    assert bc.y_range(np.array([2.0, 4.0]))[0] == 0.0 and bc.y_range(np.array([-2.0]))[1] == 0.0


def test_bar_colours_are_the_originals_automatic_colours():
    import colorsys

    def srgb(c):
        return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055

    for value in (0, 1, 7, 40000):
        rgb = colorsys.hsv_to_rgb((value * (5 ** 0.5 - 1) / 2) % 1.0, 0.85, 0.5)  # linear light, as egui's Hsva
        assert auto_colors.auto_color(value) == tuple(round(srgb(c) * 255) for c in rgb) + (255,), value
    colour = bc.series_color("histogram")
    assert bc.fill_color("histogram") == tuple(round(c * 0.75) for c in colour[:3]) + (255,)
    assert bc.series_color("other") != colour  # each entity its own
    assert bc.series_name("/histogram") == "histogram[#0]"


def test_the_legend_names_the_series_in_the_top_right_corner(egl_available, tmp_path):
    img, plots = load(render(tmp_path, LOG, timeline="frame", time=1))
    (frame,) = plots.values()
    x, y, w, h = (int(round(v)) for v in frame["rect"])
    heights = FRAME_VALUES[1]
    # the data's top-right corner holds no bar (the last bars are low): only the legend's icon is in its colour
    assert max(heights[-3:]) < 0.5 * max(heights)
    corner = img[y:y + int(h * 0.2), x + int(w * 0.65):x + w]
    assert matches(corner, bc.fill_color("histogram"), 12).sum() >= 30


def test_the_index_axis_labels_whole_bars_only_and_thins_them_to_fit():
    assert bc.index_ticks(5, 1000) == [0, 1, 2, 3, 4]  # room for all
    for count, width in ((5, 120), (100, 400), (1000, 700), (7, 39)):
        ticks = bc.index_ticks(count, width)
        assert ticks and ticks[0] == 0 and all(isinstance(t, int) and 0 <= t < count for t in ticks)
        assert len(ticks) <= max(width // bc.MIN_TICK_SPACING_PX, 1), (count, width, ticks)
        if len(ticks) > 1:
            assert str(ticks[1] - ticks[0]).strip("0") in ("1", "2", "5"), ticks  # 1, 2, 5, 10, 20, 50 …
    assert bc.index_ticks(0, 500) == []


def test_a_narrow_chart_labels_whole_indices(egl_available, tmp_path):
    img, plots = load(render(tmp_path, LOG, size=(500, 300), timeline="frame", time=1))
    (frame,) = plots.values()
    ticks, count = frame["x_ticks"], len(FRAME_VALUES[1])
    assert ticks[0] == 0 and all(isinstance(t, int) for t in ticks) and len(ticks) < count  # thinned, whole
    spacing_px = (ticks[1] - ticks[0]) * frame["rect"][2] / count  # the index axis spans count units
    assert spacing_px >= bc.MIN_TICK_SPACING_PX


TWO_TENSORS = {"a": [3.0, 0.5, 2.5, 0.5], "b": [0.5, 3.0, 0.5, 2.5]}


def test_every_one_dimensional_tensor_of_the_space_shares_one_chart_in_its_own_colour(egl_available, tmp_path):
    from rerun_app.views.heuristics import SpaceViewSpec

    log = f"""
for path, heights in {TWO_TENSORS!r}.items():
    kit.log_row(hub, path, kit.image(np.array(heights, np.float32)), frame=1)
"""
    after = f"json.dump(viewer.view_titles, open({str(tmp_path / 'titles.json')!r}, 'w'))"
    img, plots = load(render(tmp_path, log, timeline="frame", time=1, after=after))
    name = SpaceViewSpec("barchart", "/").name
    # one view, the original's "/ (Bar Chart)", with one legend entry per tensor
    assert list(plots) == [name]
    assert json.loads((tmp_path / "titles.json").read_text())[name] == "/ (Bar Chart)"
    frame = plots[name]
    assert frame["series"] == ["a[#0]", "b[#0]"] and frame["values"] == 4
    fills = {path: bc.fill_color(path) for path in TWO_TENSORS}
    assert max(abs(p - q) for p, q in zip(fills["a"][:3], fills["b"][:3])) > 30  # told apart by colour
    # where one tensor's bar stands above the other's, its upper part shows in that tensor's own colour
    for path, heights in TWO_TENSORS.items():
        other = next(h for p, h in TWO_TENSORS.items() if p != path)
        for i, value in enumerate(heights):
            if value <= other[i]:
                continue
            px, py = to_pixels(frame, [i], [(value + other[i]) / 2])[0]
            patch = img[int(py) - 3:int(py) + 4, int(px) - 3:int(px) + 4]
            assert matches(patch, fills[path], 12).sum() >= 40, (path, i)
            assert matches(patch, fills[next(iter(set(TWO_TENSORS) - {path}))], 12).sum() == 0, (path, i)
