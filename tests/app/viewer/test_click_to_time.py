"""Clicking moves the time cursor (Rerun 0.4 parity), in the real window under Xvfb with injected glfw input:
a click on a text-log row jumps to that entry's time and pauses; a click inside a time-series plot jumps to the
time with data nearest to the clicked x."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rerun_app.views.heuristics import SpaceViewSpec

pytestmark = pytest.mark.gl

HERE = Path(__file__).parent
KIT_DIR = HERE.parent  # tests/app, where _viewer_kit.py is (a child process puts it on sys.path)
N = 20
STEP = 5  # entry f is logged at frame STEP * f: cursor times differ from row indices
CLICKED_ROW = N - 4
PLOT_AT = 0.31  # fraction of the plot area's width that is clicked


def frame_of(f: int) -> int:
    return STEP * f


def scenario(hub) -> None:
    """A text entry and a scalar at each of the frames ``frame_of(0..N-1)``."""
    import pyarrow as pa
    import _viewer_kit as kit
    from rerun import components as C

    for f in range(N):
        entry = pa.array([{"body": f"message {f}", "level": "INFO"}], C.TEXT_ENTRY_TYPE)
        kit.log_row(hub, "logs", {"rerun.text_entry": entry}, frame=frame_of(f))
        kit.log_row(hub, "plot", {"rerun.scalar": C.primitive(np.array([float(f % 4)]))}, frame=frame_of(f))


def run_viewer(display: str, steps: list, out: Path) -> subprocess.CompletedProcess:
    (out / "steps.json").write_text(json.dumps(steps))
    code = (
        "import sys, types; sys.path[:0] = %r\n"
        "import _viewer_kit as kit, test_click_to_time as t\n"
        "hub = kit.new_hub(); t.scenario(hub)\n"
        "import rerun_app.viewer as v\n"
        "sys.exit(v.run(types.SimpleNamespace(screenshot=None, size='1200x800'), hub))\n"
    ) % [str(HERE), str(KIT_DIR)]
    env = dict(os.environ, DISPLAY=display, RERUN_VIEWER_SCRIPT=str(out / "steps.json"),
               RERUN_VIEWER_SCRIPT_OUT=str(out))
    env.pop("RERUN_GL_BACKEND", None)
    env.pop("EGL_PLATFORM", None)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def clicks(xvfb_display, tmp_path_factory):
    out = tmp_path_factory.mktemp("click_to_time")
    text_view, plot_view = SpaceViewSpec("textlog", "/").name, SpaceViewSpec("timeseries", "/").name
    steps = [
        {"wait_entities": 2, "timeout": 20},
        {"frames": 4},
        {"snapshot": "before"},
        {"click_item": f"text-row:{text_view}:{CLICKED_ROW}"},
        {"frames": 2},
        {"snapshot": "row_clicked"},
        {"click": {"item": f"plot-area:{plot_view}", "at": [PLOT_AT, 0.5]}},
        {"frames": 2},
        {"snapshot": "plot_clicked"},
    ]
    result = run_viewer(xvfb_display, steps, out)
    assert result.returncode == 0, result.stderr[-3000:]
    return {name: json.loads((out / f"{name}.json").read_text()) for name in ("before", "row_clicked", "plot_clicked")}


def test_clicking_a_text_log_row_moves_the_cursor_to_its_time_and_pauses(clicks):
    before, after = clicks["before"], clicks["row_clicked"]
    (text,) = [v for v in before["plots"].values() if "rows" in v]
    assert text["rows"] == N and text["shown"][0] <= CLICKED_ROW <= text["shown"][1]  # the clicked row was on screen
    assert before["time"] != frame_of(CLICKED_ROW)  # the click must change something
    assert after["time"] == frame_of(CLICKED_ROW)
    assert after["playing"] is False and after["following"] is False


def test_clicking_in_a_time_series_plot_moves_the_cursor_to_the_nearest_time_with_data(clicks):
    state = clicks["row_clicked"]
    plot = next(v for v in state["plots"].values() if v.get("axis") == "sequence")
    area = next(v for k, v in state["items"].items() if k.startswith("plot-area:"))
    x, _, w, _ = plot["rect"]
    (x0, x1) = plot["x"]
    clicked_px = area[0] + 1 + (area[2] - 2) * PLOT_AT  # where the script clicks (see script.point)
    clicked_value = x0 + (clicked_px - x) / w * (x1 - x0)
    times = np.array([frame_of(f) for f in range(N)])
    expected = int(times[np.argmin(np.abs(times - clicked_value))])
    one_px = (x1 - x0) / w
    assert abs(abs(clicked_value - expected) - STEP / 2) > 2 * one_px  # not a near-tie between two data times
    assert expected != state["time"]
    assert clicks["plot_clicked"]["time"] == expected
    assert clicks["plot_clicked"]["playing"] is False
