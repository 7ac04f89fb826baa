"""The time panel's "Streams" tree (Rerun 0.4): the entity tree along the timeline, each closed row with its
event ticks where its subtree has data, rows expandable to components, and the panel collapsible to just its
time controls (the views grow into the space). EGL render of the real viewer."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _plot_kit import render

pytestmark = pytest.mark.gl

#: entity → frames it logs on
FRAMES = {"world/points": list(range(10)), "world/box": [0, 3, 6, 9], "logs/app": [2, 7]}
LAST = 9
TICK_RGB = (115, 178, 255)  # the panel's tick colour (0.45, 0.7, 1.0)

LOG = f"""
import pyarrow as pa
frames = {FRAMES!r}
for f in range({LAST + 1}):
    if f in frames['world/points']:
        kit.log_row(hub, 'world/points', kit.points3d([[0, 0, f]], colors=[[255, 255, 255, 255]]), frame=f)
    if f in frames['world/box']:
        kit.log_row(hub, 'world/box', {{'rerun.box3d': C.fixed_size_list(np.array([[1, 1, 1]], np.float32))}},
                    frame=f)
    if f in frames['logs/app']:
        kit.log_row(hub, 'logs/app', {{'rerun.text_entry': C.text_entries(f'step {{f}}', 'INFO')}}, frame=f)
kit.log_row(hub, 'world/static', kit.points3d([[1, 1, 1]]), frame=None)  # timeless
"""

AFTER = """
def dump(name):
    shot(name)
    with open({out!r} + '/' + name + '.streams.json', 'w') as f:
        json.dump({{'rows': viewer.panel.stream_rows, 'items': viewer.panel.item_rects,
                   'views': viewer.view_windows}}, f)
dump('start')
viewer.panel.stream_open['world/points'] = True; dump('points_open')
viewer.panel.time_panel_expanded = False; dump('collapsed')
viewer.panel.time_panel_expanded = True; dump('expanded')
"""


@pytest.fixture(scope="module")
def shots(egl_available, tmp_path_factory):
    import imageio.v3 as iio

    out = tmp_path_factory.mktemp("streams")
    render(out, LOG, size=(1100, 800), timeline="frame", time=LAST, after=AFTER.format(out=str(out)))
    return {name: (iio.imread(out / f"{name}.png"), json.loads((out / f"{name}.streams.json").read_text()))
            for name in ("start", "points_open", "collapsed", "expanded")}


def _expected_x(items: dict, frames: list[int]) -> list[float]:
    """Where the ticks of ``frames`` must be: the time axis maps the recording's first..last frame onto its width."""
    x, _, w, _ = items["time-axis"]
    return sorted(set(np.floor(x + (np.asarray(frames, float) - 0) / LAST * w).tolist()))


def _tick_pixels(img: np.ndarray, row: dict, x: float) -> int:
    rx, ry, rw, rh = row["rect"]
    col = img[int(ry):int(ry + rh), int(x):int(x) + 2, :3].astype(int)
    return int((np.abs(col - np.array(TICK_RGB)).max(axis=-1) <= 40).sum())


def test_rows_are_the_entity_tree_with_top_level_nodes_open(shots):
    _, state = shots["start"]
    assert [(r["label"], r["depth"], r["open"]) for r in state["rows"]] == [
        ("logs/", 0, True), ("app", 1, False), ("world/", 0, True), ("box", 1, False), ("points", 1, False),
        ("static", 1, False)]


def test_each_closed_row_has_a_tick_at_every_time_with_data_and_none_elsewhere(shots):
    img, state = shots["start"]
    rows = {r["key"]: r for r in state["rows"]}
    for path, frames in FRAMES.items():
        row = rows[path]
        expected = _expected_x(state["items"], frames)
        assert [pytest.approx(x, abs=1) for x in row["ticks"]] == expected, path
        for x in expected:  # drawn where the data is (over the time cursor's line) …
            assert _tick_pixels(img, row, x) >= 4, (path, x)
        for f in set(range(LAST + 1)) - set(frames):  # … and nowhere else in the row
            (x,) = _expected_x(state["items"], [f])
            assert _tick_pixels(img, row, x) == 0, (path, f)
    assert rows["world"]["ticks"] == [] and rows["logs"]["ticks"] == []  # open rows: their children show them


def test_an_opened_entity_lists_its_components_with_their_ticks(shots):
    img, state = shots["points_open"]
    labels = [(r["label"], r["depth"]) for r in state["rows"]]
    i = labels.index(("points", 1))
    components = [r for r in state["rows"][i + 1:] if r["component"] is not None]
    assert [r["label"] for r in components] == ["colorrgba", "point3d"]  # short names, sorted
    assert all(r["depth"] == 2 for r in components)
    assert state["rows"][i]["ticks"] == []  # open: its components show the ticks
    for row in components:
        assert [pytest.approx(x, abs=1) for x in row["ticks"]] == _expected_x(state["items"], FRAMES["world/points"])


def test_collapsed_panel_keeps_only_the_controls_and_the_views_grow(shots):
    _, start = shots["start"]
    _, collapsed = shots["collapsed"]
    _, expanded = shots["expanded"]
    assert collapsed["rows"] == []
    full, small = start["items"]["timeline-window"][3], collapsed["items"]["timeline-window"][3]
    assert small < 0.6 * full and small >= 60, (full, small)  # the controls and the axis still fit
    assert "button:play" in collapsed["items"] and "time-axis" in collapsed["items"]
    bottom = lambda s: max(r[1] + r[3] for r in s["views"].values())  # noqa: E731
    assert bottom(collapsed) > bottom(start) + 0.5 * (full - small)
    assert abs(expanded["items"]["timeline-window"][3] - full) <= 4


def test_timeless_data_is_marked_left_of_the_time_axis(shots):
    img, state = shots["start"]
    rows = {r["key"]: r for r in state["rows"]}
    assert rows["world/static"]["timeless"] and rows["world/static"]["ticks"] == []
    assert not any(rows[p]["timeless"] for p in FRAMES)
    x = state["items"]["time-axis"][0] - 4  # the mark's centre
    for path in ("world/static", "world/box"):
        _, y, _, h = rows[path]["rect"]
        patch = img[int(y):int(y + h), int(x) - 2:int(x) + 3, :3].astype(int)
        marked = int((np.abs(patch - np.array(TICK_RGB)).max(axis=-1) <= 40).sum())
        assert (marked >= 4) if path == "world/static" else (marked == 0), (path, marked)
