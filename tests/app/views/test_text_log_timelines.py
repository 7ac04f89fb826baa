"""The text log has a column per timeline of the recording (``log_time`` included), each in Rerun 0.4's format:
``#N`` for sequences; for times a clock (with the date unless it is today) or seconds relative to zero."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
from _viewer_kit import RECORDING_ID, new_hub

from rerun import components as C
from rerun.wire.log_table import build_log_batch
from rerun_app.views.text_log import text_rows
from rerun_app.views.time_text import NANOS_PER_SECOND, time_text

FRAME, SIM, LOG_TIME = ("frame", "sequence"), ("sim_time", "time"), ("log_time", "time")
EPOCH_2023 = int(dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc).timestamp()) * NANOS_PER_SECOND


def _entry(body: str) -> pa.Array:
    return pa.array([[{"body": body, "level": "INFO"}]], pa.list_(C.TEXT_ENTRY_TYPE))


def _clock(ns: int, today: dt.date) -> str:
    """The expected text of epoch nanoseconds, built from the datetime module (not from the code under test)."""
    stamp = dt.datetime.fromtimestamp(ns // NANOS_PER_SECOND, tz=dt.timezone.utc)
    frac = ns % NANOS_PER_SECOND
    text = stamp.strftime("%H:%M:%S") + ("" if frac == 0 else f".{frac // 10**6:03d}" if frac % 10**6 == 0
                                          else f".{frac // 1000:06d}") + "Z"
    return text if stamp.date() == today else stamp.strftime("%Y-%m-%d ") + text


def test_a_column_per_timeline_with_each_entry_time_on_it():
    hub = new_hub()
    # (frame, sim_time in ns or None, log_time in ns) per entry; the entry of frame 4 has no sim_time
    logged = [(f, None if f == 4 else f * 250_000_000, EPOCH_2023 + f * 1_234_567) for f in range(8)]
    for frame, sim, log_time in logged:
        batch = build_log_batch("logs/app", RECORDING_ID, {FRAME: [frame], SIM: [sim], LOG_TIME: [log_time]},
                                {"rerun.text_entry": _entry(f"m{frame}")})
        hub.add_log_batch("logs/app", batch, RECORDING_ID)
    table = text_rows(hub.active, ["logs/app"], SIM)  # ordered by sim_time: frame 4 is not on it
    assert table.timelines == (FRAME, LOG_TIME, SIM)  # sorted by name, as the original's columns
    on_sim = [e for e in logged if e[1] is not None]
    assert [table.row(i).body for i in range(len(table))] == [f"m{f}" for f, _, _ in on_sim]
    today = dt.datetime.now(dt.timezone.utc).date()
    for i, (frame, sim, log_time) in enumerate(on_sim):
        seconds = sim / NANOS_PER_SECOND
        sim_text = f"+{seconds:.0f}s" if sim % NANOS_PER_SECOND == 0 else f"+{seconds:.3f}s"
        assert table.time_cells(i) == [f"#{frame}", _clock(log_time, today), sim_text]
    # ordered by frame, the entry without a sim_time has an empty cell there
    table = text_rows(hub.active, ["logs/app"], FRAME)
    assert [c[2] for c in map(table.time_cells, range(len(table)))].count("") == 1
    assert table.time_cells(4)[:2] == ["#4", _clock(logged[4][2], today)] and table.time_cells(4)[2] == ""


def test_time_text_follows_the_original_format():
    day = dt.date(2022, 2, 28)
    at = int(dt.datetime(2022, 2, 28, 22, 35, 42, tzinfo=dt.timezone.utc).timestamp()) * NANOS_PER_SECOND
    assert time_text(at, "time") == "2022-02-28 22:35:42Z"  # not today: with the date
    assert time_text(at, "time", today=day) == "22:35:42Z"
    assert time_text(at + 69_000_000, "time", today=day) == "22:35:42.069Z"
    assert time_text(at + 69_042_700, "time", today=day) == "22:35:42.069042Z"  # microseconds, cut
    assert time_text(42 * NANOS_PER_SECOND, "time") == "+42s"
    assert time_text(69_000_000, "time") == "+0.069s"
    assert time_text(-1_500_000_000, "time") == "-1.500s"
    assert time_text(12, "sequence") == "#12"
    assert time_text(np.iinfo(np.int64).max, "sequence") == "+∞"
