"""Time-series view: what the plot shows, checked in EGL screenshots against the logged values.

Per-sample style follows Rerun 0.4: a sample takes the colour / radius / scattered flag / label logged last at or
before its time; ``scattered`` draws markers without a line; the legend shows the label; the x axis follows the
timeline's data range (dates on epoch time timelines); the time cursor is a vertical line.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from _plot_kit import count_near, load, matches, render, to_pixels, under_legend

from rerun_app.views import time_series as ts

MAGENTA, CYAN, YELLOW, CURSOR = (255, 0, 255), (0, 220, 220), (255, 200, 0), (255, 89, 76)
FRAMES = 11
STYLE_CHANGES = {0: (MAGENTA, 3.0), 6: (CYAN, 6.0)}  # frame → (colour, radius) logged with that sample
LINE_RADIUS = 1.5

LOG_SCENE = f"""
for f in range({FRAMES}):
    comps = {{'rerun.scalar': C.primitive(np.array([float(np.sin(f / 2))]))}}
    style = {STYLE_CHANGES!r}.get(f)
    if style is not None:
        comps['rerun.colorrgba'] = C.fixed_size_list(np.array([list(style[0]) + [255]], np.uint8))
        comps['rerun.radius'] = C.primitive(np.array([style[1]], np.float32))
        comps['rerun.scalar_plot_props'] = C.scalar_plot_props(True)
        comps['rerun.label'] = C.strings(['dots'])
    kit.log_row(hub, 'plots/dots', comps, frame=f)
    line = {{'rerun.scalar': C.primitive(np.array([-1.0 + 0.1 * f]))}}
    if f == 0:
        line['rerun.colorrgba'] = C.fixed_size_list(np.array([[*{YELLOW!r}, 255]], np.uint8))
        line['rerun.radius'] = C.primitive(np.array([{LINE_RADIUS}], np.float32))
    kit.log_row(hub, 'plots/line', line, frame=f)
"""

pytestmark = pytest.mark.gl


def style_at(frame: int):
    """The (colour, radius) in force at ``frame``: the latest change at or before it."""
    return STYLE_CHANGES[max(f for f in STYLE_CHANGES if f <= frame)]


@pytest.fixture(scope="module")
def scene(egl_available, tmp_path_factory):
    out = render(tmp_path_factory.mktemp("ts"), LOG_SCENE, timeline="frame", time=5)
    img, plots = load(out)
    (frame,) = plots.values()
    return img, frame


def test_x_axis_follows_the_data_range_and_legend_uses_labels(scene):
    _, frame = scene
    span = FRAMES - 1
    assert frame["x"] == pytest.approx([-ts.X_MARGIN * span, span + ts.X_MARGIN * span])
    assert frame["axis"] == "sequence"
    labels = {s["entity"]: s["label"] for s in frame["series"]}
    assert labels == {"plots/dots": "dots", "plots/line": "plots/line"}  # no label logged: the entity path


def test_scattered_samples_are_markers_in_their_own_colour_without_a_line(scene):
    img, frame = scene
    f = np.arange(FRAMES)
    centres = to_pixels(frame, f, np.sin(f / 2))
    for i, centre in enumerate(centres):
        if under_legend(frame, centre, entries=2):
            continue
        colour, _ = style_at(i)
        assert count_near(matches(img, colour), centre, 3) >= 20, (i, colour)  # the cursor may cross one
    dots = matches(img, MAGENTA) | matches(img, CYAN)
    mids = to_pixels(frame, f[:-1] + 0.5, (np.sin(f[:-1] / 2) + np.sin(f[1:] / 2)) / 2)
    for i, mid in enumerate(mids):
        assert count_near(dots, mid, 2) == 0, f"a line joins markers {i} and {i + 1}"


def test_marker_area_follows_the_logged_radius(scene):
    img, frame = scene
    (small, big) = to_pixels(frame, [1, 7], np.sin(np.array([1, 7]) / 2))
    area_small = count_near(matches(img, MAGENTA), small, 22)
    area_big = count_near(matches(img, CYAN), big, 22)
    expected = (style_at(7)[1] / style_at(1)[1]) ** 2
    assert area_small > 0 and 0.7 * expected < area_big / area_small < 1.4 * expected


def test_line_series_is_continuous_in_its_logged_colour(scene):
    img, frame = scene
    f = np.arange(FRAMES - 1) + 0.5
    yellow = matches(img, YELLOW)
    for centre in to_pixels(frame, f, -1.0 + 0.1 * f):
        assert count_near(yellow, centre, 2) >= 3, centre
    # thickness: 2 x radius px across the line (it is nearly horizontal at this scale)
    cx, cy = (int(round(v)) for v in to_pixels(frame, [2.5], [-0.75])[0])
    column = yellow[cy - 8:cy + 9, cx]
    assert abs(int(column.sum()) - 2 * LINE_RADIUS) <= 2


def test_time_cursor_is_a_vertical_line_at_the_cursor_time(scene):
    img, frame = scene
    x, y, w, h = (int(round(v)) for v in frame["rect"])
    cursor = matches(img, CURSOR, 30)[y:y + h, x:x + w]
    column = int(np.argmax(cursor.sum(axis=0)))
    expected_x = to_pixels(frame, [5], [0])[0][0] - x
    assert abs(column - expected_x) <= 2
    assert cursor[:, column].sum() > 0.8 * h


EPOCH_S = 1_700_000_000
STEP_NS = 1_500_000_000  # 1.5 s

LOG_STAMPED = f"""
from rerun.wire.log_table import build_log_batch
def log_at(k):
    comps = {{'rerun.scalar': kit.cells(C.primitive(np.array([float(k % 3)]))),
             'rerun.colorrgba': kit.cells(C.fixed_size_list(np.array([[0, 220, 220, 255]], np.uint8))),
             'rerun.radius': kit.cells(C.primitive(np.array([4.0], np.float32))),
             'rerun.scalar_plot_props': kit.cells(C.scalar_plot_props(True))}}
    t = {EPOCH_S} * 10**9 + k * {STEP_NS}
    batch = build_log_batch('stamped', kit.RECORDING_ID, {{('stamp', 'time'): [t]}}, comps)
    hub.add_log_batch('stamped', batch, kit.RECORDING_ID)
for k in range(5):
    log_at(k)
"""


def test_epoch_times_get_a_date_axis_that_follows_new_data(egl_available, tmp_path):
    out = render(tmp_path, LOG_STAMPED, after="for k in range(5, 12):\n    log_at(k)\nshot('second')\n")
    for name, count in (("first", 5), ("second", 12)):
        img, plots = load(out, name)
        (frame,) = plots.values()
        assert frame["axis"] == "datetime"
        lo, hi = EPOCH_S, EPOCH_S + (count - 1) * STEP_NS / 1e9
        margin = ts.X_MARGIN * (hi - lo)
        assert frame["x"] == pytest.approx([lo - margin, hi + margin], abs=1e-6)
        last = to_pixels(frame, [hi], [float((count - 1) % 3)])[0]
        assert count_near(matches(img, CYAN), last, 2) >= 10, name  # the newest sample is in view


def test_epoch_nanoseconds_map_to_axis_seconds_exactly():
    t = np.array([EPOCH_S * 10**9 + 123_456_789, 2**62 + 1], np.int64)
    got = ts.to_axis(t, "datetime")
    for value, ns in zip(got, t.tolist()):
        assert value == float(Decimal(ns) / Decimal(10**9))
    assert ts.from_axis(float(got[0]), "datetime") // 1000 == int(t[0]) // 1000
    assert ts.axis_kind("time", (0, 10**9)) == "seconds" and ts.axis_kind("sequence", None) == "sequence"
    assert math.isclose(ts.to_axis(np.array([1_500_000_000]), "seconds")[0], 1.5)


SDK_SCRIPT = """
import sys
import rerun as rr
rr.init("scatter-demo")
rr.save(sys.argv[1])
for f in range(8):
    rr.set_time_sequence("step", f * 10)
    rr.log_scalar("plots/events", 0.0, label="events", color=(255, 0, 255), radius=4.0, scattered=True)
    rr.log_scalar("plots/ramp", float(f), color=(0, 220, 220), radius=1.0)
rr.disconnect()
"""


def test_log_scalar_scattered_through_the_sdk_and_cli_screenshot(egl_available, tmp_path):
    import subprocess
    import sys

    import imageio.v3 as iio
    from gl_support import headless_gl_env

    rrd, png = tmp_path / "plots.rrd", tmp_path / "plots.png"
    subprocess.run([sys.executable, "-c", SDK_SCRIPT, str(rrd)], check=True, timeout=60)
    result = subprocess.run([sys.executable, "-m", "rerun_app", str(rrd), "--screenshot", str(png), "--size",
                             "900x600", "--timeline", "step", "--time", "35"],  # the cursor between two markers
                            env=headless_gl_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    img = iio.imread(png)
    # the events sit at the bottom of the plot (value 0 of 0..7), below the legend: one marker per logged sample
    magenta = matches(img, MAGENTA)[img.shape[0] // 2:]
    columns = magenta.any(axis=0).astype(np.int8)
    markers = int(((columns[1:] == 1) & (columns[:-1] == 0)).sum() + columns[0])
    assert markers == 8
    # the ramp is one unbroken line: every pixel column between its ends holds some of its colour
    cyan_columns = np.flatnonzero(matches(img, CYAN).any(axis=0))
    span = cyan_columns[(cyan_columns > cyan_columns.min() + 20)]  # skip the legend swatch at the left
    assert np.diff(span).max() <= 4  # only the 2 px cursor line crosses it (samples are ~60 px apart)


def test_a_series_logged_without_colour_gets_its_entity_paths_automatic_colour(egl_available, tmp_path):
    from rerun_app.views import auto_colors

    log = """
for f in range(8):
    kit.log_row(hub, 'plots/plain', {'rerun.scalar': C.primitive(np.array([float(f % 2)]))}, frame=f)
"""
    img, plots = load(render(tmp_path, log, timeline="frame", time=7))
    (frame,) = plots.values()
    colour = auto_colors.path_color("plots/plain")
    f = np.arange(7) + 0.5  # the middle of each segment (0 → 1 → 0 …): on the line
    hits = [count_near(matches(img, colour, 24), c, 2) for c in to_pixels(frame, f, np.full(7, 0.5))]
    assert min(hits) >= 2, hits
