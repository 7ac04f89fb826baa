"""Text-log view in EGL screenshots: columns, level colours, level/entity filters, scrolling to the time cursor."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _plot_kit import load, matches, render

from rerun_app.views import text_log as tl
from rerun_app.views.heuristics import SpaceViewSpec

pytestmark = pytest.mark.gl

VIEW = SpaceViewSpec("textlog", "/").name
LEVELS = ["ERROR", "WARN", "INFO", "DEBUG"]
N = 200


def entry(f: int) -> tuple[int, str, str, str]:
    """What frame ``f`` logs: (time, entity, level, body)."""
    return f, ("logs/a" if f % 3 else "logs/b"), LEVELS[f % 4], f"message {f}"


LOG = f"""
import pyarrow as pa
levels = {LEVELS!r}
for f in range({N}):
    path = 'logs/a' if f % 3 else 'logs/b'
    kit.log_row(hub, path, {{'rerun.text_entry': pa.array([{{'body': f'message {{f}}', 'level': levels[f % 4]}}],
                                                           C.TEXT_ENTRY_TYPE)}}, frame=f)
"""

AFTER = f"""
from rerun_app.viewer import plot_views
flt = plot_views.text_filter({VIEW!r})
flt.hidden_levels.add('ERROR'); shot('no_error')
flt.hidden_levels.clear(); flt.hidden_entities.add('logs/b'); shot('only_a')
viewer.time.set_time(10); shot('early')
with open({{out!r}} + '/items.json', 'w') as f:
    json.dump(viewer.panel.item_rects, f)
"""

CURSOR = 120
ERROR_RGB = tl.LEVEL_COLOURS["ERROR"][:3]


@pytest.fixture(scope="module")
def shots(egl_available, tmp_path_factory):
    out = tmp_path_factory.mktemp("textlog")
    return render(out, LOG, timeline="frame", time=CURSOR, after=AFTER.replace("{out!r}", repr(str(out))))


def table_crop(out, name):
    img, plots = load(out, name)
    x, y, w, h = (int(v) for v in json.loads((out / "items.json").read_text())[f"text-table:{VIEW}"])
    return img[y + 24:y + h, x:x + w], plots[VIEW]  # below the header row


def bands(mask: np.ndarray) -> int:
    """Separate horizontal bands (text rows) that hold set pixels."""
    rows = mask.any(axis=1).astype(np.int8)
    return int(((rows[1:] == 1) & (rows[:-1] == 0)).sum() + rows[0])


def test_view_scrolls_to_the_cursor_row_and_shows_its_entry(shots):
    for name, cursor in (("first", CURSOR), ("early", 10)):
        _, info = table_crop(shots, name)
        expected = [e for e in map(entry, range(N))]
        if name == "early":
            expected = [e for e in expected if e[1] == "logs/a"]  # the entity filter of the previous shot stays
        index = max(i for i, e in enumerate(expected) if e[0] <= cursor)
        assert info["rows"] == len(expected)
        assert info["cursor_row"] == index
        assert info["cursor_entry"] == list(expected[index])
        lo, hi = info["shown"]
        assert lo <= index <= hi and hi - lo >= 10


def test_levels_are_coloured_and_rows_after_the_cursor_dimmed(shots):
    table, info = table_crop(shots, "first")
    lo, hi = info["shown"]
    bright_errors = [f for f in range(lo + 1, hi) if entry(f)[2] == "ERROR" and f <= CURSOR]
    later_errors = [f for f in range(lo + 1, hi) if entry(f)[2] == "ERROR" and f > CURSOR]
    assert bright_errors and later_errors
    assert abs(bands(matches(table, ERROR_RGB, 30)) - len(bright_errors)) <= 1  # dimmed ones do not match


def test_level_filter_hides_the_level(shots):
    table, info = table_crop(shots, "no_error")
    assert info["rows"] == sum(1 for f in range(N) if entry(f)[2] != "ERROR")
    assert not matches(table, ERROR_RGB, 30).any()
    assert info["cursor_entry"][0] == max(f for f in range(N) if f <= CURSOR and entry(f)[2] != "ERROR")


def test_entity_filter_hides_the_entity(shots):
    _, info = table_crop(shots, "only_a")
    assert info["rows"] == sum(1 for f in range(N) if entry(f)[1] == "logs/a")
    assert info["cursor_entry"][:2] == [max(f for f in range(N) if f <= CURSOR and entry(f)[1] == "logs/a"), "logs/a"]
