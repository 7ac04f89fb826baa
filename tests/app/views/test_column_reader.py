"""The chunk-wise component reader of the plot/text views returns exactly what the store's public range query
returns (rows in time order, several instances per row, rows arriving out of order, empty cells skipped)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from _viewer_kit import RECORDING_ID, new_hub

from rerun import components as C
from rerun.wire.log_table import build_log_batch
from rerun_app.views.column_reader import read_column
from rerun_app.views.text_log import text_rows

TIMELINE = ("frame", "sequence")


def _cells(rows: list[list]) -> pa.Array:
    """A ``list<text_entry>`` column, one cell per row (an empty list: an empty cell)."""
    return pa.array(rows, pa.list_(C.TEXT_ENTRY_TYPE))


def _log(hub, frames, rows) -> None:
    batch = build_log_batch("log", RECORDING_ID, {TIMELINE: list(frames)}, {"rerun.text_entry": _cells(rows)})
    hub.add_log_batch("log", batch, RECORDING_ID)


def test_chunkwise_read_equals_the_public_range_query():
    hub = new_hub()
    entry = lambda i: {"body": f"m{i}", "level": "INFO"}  # noqa: E731
    _log(hub, range(0, 40, 2), [[entry(i)] for i in range(0, 40, 2)])
    _log(hub, [5, 7, 100], [[entry(5), entry(-5)], [], [entry(100)]])  # out of order, two instances, an empty cell
    store = hub.active
    column = read_column(store, "log", "rerun.text_entry", TIMELINE)
    times, cells = store.range("log", "rerun.text_entry", TIMELINE)
    kept = [(int(t), c) for t, c in zip(times.tolist(), cells) if len(c)]
    assert column.times.tolist() == [t for t, _ in kept]
    assert column.counts.tolist() == [len(c) for _, c in kept]
    assert column.values.to_pylist() == [e for _, c in kept for e in c.to_pylist()]
    table = text_rows(store, ["log"], TIMELINE)
    assert table.times.tolist() == sorted(np.repeat([t for t, _ in kept], [len(c) for _, c in kept]).tolist())
    assert [table.row(i).body for i in range(len(table)) if table.times[i] == 5] == ["m5", "m-5"]


def test_a_coloured_entry_does_not_colour_another_entry_at_the_same_time():
    """api_demo logs a magenta entry and an INFO entry on one entity at one time: only the first is magenta."""
    hub = new_hub()
    magenta = np.array([[255, 0, 255, 255]], np.uint8)

    def log(body: str, colour=None) -> None:
        comps = {"rerun.text_entry": _cells([[{"body": body, "level": "INFO"}]])}
        if colour is not None:
            comps["rerun.colorrgba"] = pa.array([C.fixed_size_list(colour).to_pylist()],
                                                pa.list_(C.fixed_size_list(colour).type))
        batch = build_log_batch("log", RECORDING_ID, {TIMELINE: [3]}, comps)
        hub.add_log_batch("log", batch, RECORDING_ID)

    log("before")
    log("coloured", magenta)
    log("after")
    log("also coloured", magenta)
    table = text_rows(hub.active, ["log"], TIMELINE)
    rows = {table.row(i).body: table.row(i).color for i in range(len(table))}
    assert rows == {"before": None, "coloured": (255, 0, 255, 255), "after": None, "also coloured": (255, 0, 255, 255)}
