"""The time-series plot in the real window (Xvfb, injected input), against the original Rerun 0.4's plot: the
legend sits in the bottom-right corner, and hovering near a sample shows a ring on it and a readout of its time and
value (``frame: #10`` / ``wave: 0.44309``, as the original's plot label)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import _viewer_kit as kit
from _plot_kit import matches, to_pixels
from rerun_app.views.heuristics import SpaceViewSpec

pytestmark = pytest.mark.gl

PLOT = SpaceViewSpec("timeseries", "/").name
HOVERED_FRAME = 10
HOVERED = "plots/wave"
ERROR_BOX_RGB = (55, 18, 18)  # background of Dear ImGui's "2 visible items with conflicting ID" message


def _guess_fraction(frame: int, value: float) -> list[float]:
    """Where a sample should lie in the plot area, as fractions (x: the data range plus its 2 % margins; y: the
    values' range plus ImPlot's fit padding); the test only needs this within the hover radius."""
    span = kit.SCALAR_FRAMES - 1
    fx = (frame + 0.02 * span) / (span * 1.04)
    ys = [kit.scalar_value(p, f) for p in kit.SCALAR_COLOURS for f in range(kit.SCALAR_FRAMES)]
    lo, hi = min(ys), max(ys)
    pad = 0.04 * (hi - lo)
    return [fx, (hi + pad - value) / (hi - lo + 2 * pad)]


@pytest.fixture(scope="module")
def plot_run(xvfb_display, tmp_path_factory):
    import imageio.v3 as iio

    out = tmp_path_factory.mktemp("plot_window")
    target = _guess_fraction(HOVERED_FRAME, kit.scalar_value(HOVERED, HOVERED_FRAME))
    steps = [
        {"wait_entities": 2, "timeout": 30},
        {"frames": 4},
        {"snapshot": "initial"},
        {"move": {"item": f"plot-area:{PLOT}", "at": target}},
        {"frames": 3},
        {"snapshot": "hover"},
    ]
    result = kit.run_window(xvfb_display, "scenario_scalars", steps, out)
    assert result.returncode == 0, result.stderr[-3000:]
    return {n: (iio.imread(out / f"{n}.png")[..., :3], json.loads((out / f"{n}.json").read_text()))
            for n in ("initial", "hover")}


def _corner(img, frame, right: bool, bottom: bool):
    x, y, w, h = (int(round(v)) for v in frame["rect"])
    cw, ch = int(w * 0.35), int(h * 0.25)
    x0 = x + w - cw if right else x
    y0 = y + h - ch if bottom else y
    return img[y0:y0 + ch, x0:x0 + cw]


def test_the_legend_is_in_the_bottom_right_corner_as_in_the_original(plot_run):
    img, state = plot_run["initial"]
    frame = state["plots"][PLOT]
    # the series run from bottom-left to top-right: the other corners hold only the legend's colour icons
    for colour in kit.SCALAR_COLOURS.values():
        assert matches(_corner(img, frame, right=True, bottom=True), colour, 30).sum() >= 30, colour
        assert matches(_corner(img, frame, right=False, bottom=False), colour, 30).sum() == 0, colour


def test_hovering_near_a_sample_shows_its_time_and_value(plot_run):
    img, state = plot_run["hover"]
    frame = state["plots"][PLOT]
    hover = frame["hover"]
    assert hover is not None
    # the nearest sample to the mouse, computed from the logged values and the plot's geometry
    x, y, w, h = state["items"][f"plot-area:{PLOT}"]
    fx, fy = _guess_fraction(HOVERED_FRAME, kit.scalar_value(HOVERED, HOVERED_FRAME))
    mouse = np.array([x + fx * w, y + fy * h])
    candidates = [(path, f) for path in kit.SCALAR_COLOURS for f in range(kit.SCALAR_FRAMES)]
    at = np.array([to_pixels(frame, [f], [kit.scalar_value(p, f)])[0] for p, f in candidates])
    path, f = candidates[int(np.argmin(((at - mouse) ** 2).sum(axis=1)))]
    value = kit.scalar_value(path, f)
    label = path.rsplit("/", 1)[-1]
    assert hover["entity"] == path and hover["x"] == f
    assert hover["lines"] == [f"frame: #{f}", f"{label}: {value:.5f}"]
    # a white ring is drawn around the hovered sample: light pixels 5-7 px from it all the way round
    cx, cy = to_pixels(frame, [f], [value])[0]
    light = matches(img, (255, 255, 255), 80)
    yy, xx = np.mgrid[0:img.shape[0], 0:img.shape[1]]
    dist = np.hypot(xx - cx, yy - cy)
    angles = np.arctan2(yy - cy, xx - cx)[light & (dist >= 4.5) & (dist <= 7.5)]
    covered = np.unique(((angles + np.pi) / (2 * np.pi) * 12).astype(int) % 12)
    assert covered.size >= 10, covered
    # and no Dear ImGui error box: the plot's widgets once shared one id with the view's maximise button
    assert matches(img, ERROR_BOX_RGB, 4).sum() < 200
    _, initial = plot_run["initial"]
    assert initial["plots"][PLOT]["hover"] is None


BARS = SpaceViewSpec("barchart", "/").name
HOVERED_BAR = 4


@pytest.mark.parametrize("index", [HOVERED_BAR])
def test_hovering_a_bar_shows_the_originals_readout(xvfb_display, tmp_path, index):
    from rerun_app.views import bar_chart as bc

    heights = np.array(kit.BAR_HEIGHTS)
    lo, hi = bc.y_range(heights)
    # the middle of the bar: x in index units over -0.5 .. n-0.5, y half its height
    at = [(index + 0.5) / len(heights), (hi - heights[index] / 2) / (hi - lo)]
    steps = [
        {"wait_entities": 1, "timeout": 30},
        {"frames": 4},
        {"move": {"item": f"plot-area:{BARS}", "at": at}},
        {"frames": 3},
        {"snapshot": "hover"},
    ]
    result = kit.run_window(xvfb_display, "scenario_bars", steps, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    state = json.loads((tmp_path / "hover.json").read_text())
    hover = state["plots"][BARS]["hover"]
    value = heights[index]
    assert hover == {"index": index, "lines": [f"bars[#0] #{index}", f"{value:.0f}" if value % 1 == 0 else f"{value:.6g}"]}
