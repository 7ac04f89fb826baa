"""``Store.range_column``: the rows of ``Store.range`` column-wise, checked against the logged input computed by
brute force (out-of-order arrival, several instances per row, empty and null cells, rows off the timeline,
compacted batches, time windows), zero copy for a stored in-order series, the memory limit's evictions, and
an ingest thread running beside the queries."""

from __future__ import annotations

import threading

import numpy as np
import pyarrow as pa
import pytest

from rerun.wire.log_table import build_log_batch
from rerun_app.store import RangeColumn, Store, Timeline

FRAME = Timeline("frame", "sequence")
CLOCK = Timeline("sim_time", "time")
TEXT = pa.struct([("body", pa.utf8()), ("level", pa.utf8())])


def _random_log(rng: np.random.Generator, batches: int) -> list[list[tuple]]:
    """Batches of rows ``(frame or None, sim_time or None, entries or None)``; an entry is (body, level)."""
    log, serial = [], 0
    for _ in range(batches):
        rows = []
        for _ in range(int(rng.integers(1, 6))):
            frame = None if rng.random() < 0.15 else int(rng.integers(0, 60))
            clock = int(rng.integers(0, 10**9)) if frame is None or rng.random() < 0.5 else None
            entries = None
            if rng.random() > 0.15:  # else: the component was not logged in this row (a null cell)
                entries = []
                for _ in range(int(rng.choice([0, 1, 1, 1, 2, 3]))):
                    entries.append((f"m{serial}", None if rng.random() < 0.3 else "INFO"))
                    serial += 1
            rows.append((frame, clock, entries))
        log.append(rows)
    return log


def _ingest(store: Store, log: list[list[tuple]]) -> None:
    for rows in log:
        cells = [None if e is None else [{"body": b, "level": lv} for b, lv in e] for _, _, e in rows]
        store.add_log_batch("log", build_log_batch(
            "log", "rec",
            {("frame", "sequence"): [r[0] for r in rows], ("sim_time", "time"): [r[1] for r in rows]},
            {"rerun.text_entry": pa.array(cells, pa.list_(TEXT))},
        ))


def _expected(log, timeline_position: int, t0, t1) -> list[tuple[int, list]]:
    """(time, entries) of every row logged with the component on the timeline inside [t0, t1], sorted by time
    (stable: log order within a time)."""
    rows = [(r[timeline_position], r[2]) for batch in log for r in batch if r[timeline_position] is not None and r[2] is not None]
    rows = [(t, e) for t, e in rows if (t0 is None or t >= t0) and (t1 is None or t <= t1)]
    return sorted(rows, key=lambda row: row[0])


def _as_rows(column: RangeColumn) -> list[tuple[int, list]]:
    values = column.values.to_pylist()
    bounds = column.offsets.tolist()
    assert bounds[0] == 0 and bounds[-1] == len(values) and len(bounds) == len(column) + 1
    return [(t, [(v["body"], v["level"]) for v in values[lo:hi]]) for t, lo, hi in zip(column.times.tolist(), bounds, bounds[1:])]


@pytest.mark.parametrize("compact_count", [2, 32])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_range_column_equals_the_logged_rows(seed, compact_count):
    rng = np.random.default_rng(seed)
    log = _random_log(rng, batches=120)
    store = Store(compact_count=compact_count)
    _ingest(store, log)
    windows = [(None, None), (10, 30), (None, 5), (50, None), (30, 10), (17, 17)]
    for t0, t1 in windows:
        column = store.range_column("log", "rerun.text_entry", FRAME, t0, t1)
        assert _as_rows(column) == _expected(log, 0, t0, t1), (t0, t1)
        # The same rows, cell for cell, as the per-row range query.
        times, cells = store.range("log", "rerun.text_entry", FRAME, t0, t1)
        assert column.times.tolist() == times.tolist()
        assert [column.cell(i).to_pylist() for i in range(len(column))] == [c.to_pylist() for c in cells]
    clock = store.range_column("/log/", "rerun.text_entry", ("sim_time", "time"))
    assert _as_rows(clock) == _expected(log, 1, None, None)


def test_nonempty_and_firsts_follow_the_rows():
    rng = np.random.default_rng(5)
    log = _random_log(rng, batches=40)
    store = Store()
    _ingest(store, log)
    column = store.range_column("log", "rerun.text_entry", FRAME)
    expected = _expected(log, 0, None, None)
    assert column.counts.tolist() == [len(e) for _, e in expected]
    firsts = column.firsts().to_pylist()
    assert [None if f is None else (f["body"], f["level"]) for f in firsts] == [e[0] if e else None for _, e in expected]
    kept = column.nonempty()
    assert _as_rows(kept) == [(t, e) for t, e in expected if e]
    assert [(f["body"], f["level"]) for f in kept.firsts().to_pylist()] == [e[0] for _, e in expected if e]


def test_an_in_order_series_in_one_batch_is_not_copied():
    n = 1000
    values = np.random.default_rng(3).normal(size=n)
    batch = build_log_batch("plot", "rec", {("frame", "sequence"): list(range(n))},
                            {"rerun.scalar": pa.ListArray.from_arrays(pa.array(np.arange(n + 1, dtype=np.int32)), pa.array(values))})
    store = Store()
    store.add_log_batch("plot", batch)
    column = store.range_column("plot", "rerun.scalar", FRAME, 100, 199)
    np.testing.assert_array_equal(column.values.to_numpy(), values[100:200])
    assert column.times.tolist() == list(range(100, 200))
    stored = batch.column("rerun.scalar").values.buffers()[1]
    got = column.values.buffers()[1]
    assert got.address == stored.address  # the stored buffer itself; the slice starts at row 100
    assert column.values.offset == 100
    assert column.firsts() is column.values  # one instance per row: the values are the firsts
    with pytest.raises(ValueError):
        column.times[0] = 5  # read-only views of the store's index


def test_unknown_things_give_an_empty_column_and_bad_arguments_a_clear_error():
    store = Store()
    _ingest(store, [[(1, None, [("a", None)])]])
    for args in [("nope", "rerun.text_entry", FRAME), ("log", "rerun.scalar", FRAME),
                 ("log", "rerun.text_entry", Timeline("other", "sequence")), ("log", "rerun.text_entry", FRAME, 2, 5)]:
        column = store.range_column(*args)
        assert len(column) == 0 and len(column.values) == 0 and column.offsets.tolist() == [0]
        assert len(column.nonempty()) == 0 and len(column.firsts()) == 0
    assert store.range_column("log", "rerun.text_entry", FRAME, 2, 5).values.type == TEXT  # typed though empty
    with pytest.raises(TypeError, match="t0: expected an int"):
        store.range_column("log", "rerun.text_entry", FRAME, 1.5)
    with pytest.raises(TypeError, match="t1: expected an int"):
        store.range_column("nope", "rerun.text_entry", FRAME, None, "3")
    with pytest.raises(TypeError, match="component: expected a component name"):
        store.range_column("log", 3, FRAME)


def _frame_batch(t: int, n: int = 2000) -> pa.RecordBatch:
    """Row ``t``: ``n`` float32 instances all equal to ``t`` (a reader can check what it got)."""
    return build_log_batch("cloud", "rec", {("frame", "sequence"): [t]},
                           {"rerun.radius": pa.array([np.full(n, t, np.float32)], pa.list_(pa.float32()))})


def test_evicted_rows_are_gone_and_earlier_results_stay_valid():
    store = Store(memory_limit=150_000)
    store.add_log_batch("cloud", _frame_batch(0))
    before = store.range_column("cloud", "rerun.radius", FRAME)
    frames = 60
    for t in range(1, frames):
        store.add_log_batch("cloud", _frame_batch(t))
    assert store.stats().evicted_rows > 0
    column = store.range_column("cloud", "rerun.radius", FRAME)
    kept = column.times.tolist()
    # What is left is the newest frames (the oldest went first), each with exactly its logged values.
    assert 0 < len(kept) < frames and kept == list(range(frames - len(kept), frames))
    np.testing.assert_array_equal(column.values.to_numpy(), np.repeat(np.array(kept, np.float32), 2000))
    assert column.counts.tolist() == [2000] * len(kept)
    # A result taken before the eviction still holds its rows.
    assert before.times.tolist() == [0]
    np.testing.assert_array_equal(before.values.to_numpy(), np.zeros(2000, np.float32))


def test_queries_beside_an_ingest_thread_see_whole_rows():
    store = Store(memory_limit=400_000)
    frames = 200
    errors: list[BaseException] = []
    done = threading.Event()

    def ingest():
        try:
            for t in range(frames):
                store.add_log_batch("cloud", _frame_batch(t, n=300 + t % 7))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            done.set()

    writer = threading.Thread(target=ingest)
    writer.start()
    checked = 0
    while not done.is_set() or checked == 0:
        column = store.range_column("cloud", "rerun.radius", FRAME)
        if not len(column):
            continue
        times = column.times
        assert (np.diff(times) == 1).all()  # a contiguous window of frames: evictions take the oldest
        assert column.counts.tolist() == (300 + times % 7).tolist()
        np.testing.assert_array_equal(column.values.to_numpy(), np.repeat(times.astype(np.float32), column.counts))
        checked += 1
    writer.join()
    assert not errors and checked > 0
