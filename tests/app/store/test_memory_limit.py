"""The memory limit drops the oldest data first, timed before timeless, and keeps the newest queryable."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from rerun.wire.log_table import build_log_batch
from rerun_app.store import Store, StoreHub, Timeline, process_rss_bytes
from store_helpers import batch, frame, points

FRAME = Timeline("frame", "sequence")
N_POINTS = 1500  # 18 kB of positions per frame


def _frame_batch(path: str, t: int, recording_id: str = "rec"):
    return batch(path, [{"time": frame(t), "rerun.point3d": points(N_POINTS, seed=t)}], recording_id)


def test_oldest_frames_go_first_and_the_newest_stay_queryable():
    limit = 200_000
    store = Store(memory_limit=limit)
    timeless = batch("cloud", [{"rerun.label": ["calibration"]}])
    store.add_log_batch("cloud", timeless)
    frames = 60
    for t in range(frames):
        store.add_log_batch("cloud", _frame_batch("cloud", t))
        assert store.stats().total_bytes <= limit
    stats = store.stats()
    assert stats.evicted_rows > 0 and stats.evicted_bytes > 0
    kept = store.times_with_data(FRAME, "cloud").tolist()
    # What is left is the newest frames, without gaps: the oldest went first.
    assert kept == list(range(frames - len(kept), frames)) and len(kept) < frames
    assert stats.entities["cloud"].rows == len(kept) and stats.entities["cloud"].timeless_rows == 1  # it survives
    assert stats.evicted_rows == frames - len(kept)
    newest = store.latest_at("cloud", FRAME, frames - 1)
    np.testing.assert_array_equal(newest.numpy("rerun.point3d"), np.array(points(N_POINTS, seed=frames - 1), dtype=np.float32))
    assert newest.raw("rerun.label").to_pylist() == ["calibration"]
    # Before the oldest kept frame only the timeless data shows.
    early = store.latest_at("cloud", FRAME, kept[0] - 1)
    assert set(early.components) == {"rerun.label"}
    assert store.time_range(FRAME) == (kept[0], frames - 1)
    times, _ = store.range("cloud", "rerun.point3d", FRAME)
    assert times.tolist() == kept


def test_arrival_order_decides_what_is_oldest():
    store = Store(memory_limit=120_000)
    arrival = [50, 0, 51, 1, 52, 2, 53, 3, 54, 4, 55, 5, 56, 6, 57, 7]
    for t in arrival:
        store.add_log_batch("p", _frame_batch("p", t))
    kept = set(store.times_with_data(FRAME).tolist())
    n = len(kept)
    assert 0 < n < len(arrival)
    assert kept == set(arrival[-n:])


def _static_batch(i: int):
    return batch("static", [{"rerun.point3d": points(N_POINTS, seed=100 + i)}])


def _accounted(*batches) -> int:
    store = Store()
    for rb in batches:
        store.add_log_batch(None, rb)
    return store.stats().total_bytes


def test_timed_data_is_dropped_before_older_timeless_data():
    static, moving = _accounted(_static_batch(0)), _accounted(_frame_batch("moving", 0))
    store = Store(memory_limit=3 * static + int(1.5 * moving))
    for i in range(3):
        store.add_log_batch(None, _static_batch(i))
    store.add_log_batch(None, _frame_batch("moving", 0))
    assert store.stats().evicted_rows == 0
    for t in range(1, 5):
        store.add_log_batch(None, _frame_batch("moving", t))
        # The older timed frame goes although the timeless rows are older still.
        assert store.times_with_data(FRAME, "moving").tolist() == [t]
        assert store.stats().entities["static"].timeless_rows == 3


def test_timeless_data_goes_oldest_first_once_no_timed_data_is_left():
    static = _accounted(_static_batch(0))
    limit = int(2.5 * static)
    store = Store(memory_limit=limit)
    for i in range(3):
        store.add_log_batch(None, _static_batch(i))
    assert store.stats().entities["static"].timeless_rows == 2
    kept = store.latest_at("static", None, None).numpy("rerun.point3d")
    np.testing.assert_array_equal(kept, np.array(points(N_POINTS, seed=102), dtype=np.float32))
    # A timed frame that does not fit beside them is what goes.
    store.add_log_batch(None, _frame_batch("moving", 0))
    assert store.stats().entities["static"].timeless_rows == 2
    assert store.stats().total_bytes <= limit


def test_a_hub_shares_one_limit_and_drops_the_oldest_recording_data_first():
    limit = 6 * _accounted(_frame_batch("p", 0))
    hub = StoreHub(memory_limit=limit)
    hub.begin_recording({"recording_id": "old", "application_id": "app"})
    for t in range(4):
        hub.add_log_batch(None, _frame_batch("p", t, "old"))
    hub.begin_recording({"recording_id": "new", "application_id": "app"})
    for t in range(4):
        hub.add_log_batch(None, _frame_batch("p", t, "new"))
    old, new = hub.store("old"), hub.store("new")
    assert hub.active is new and hub.recording_ids() == ["old", "new"]
    assert old.stats().total_bytes + new.stats().total_bytes <= limit
    assert new.times_with_data(FRAME).tolist() == [0, 1, 2, 3]
    assert len(old.times_with_data(FRAME)) < 4
    hub.remove("old")
    assert hub.budget.bytes == new.stats().total_bytes and "old" not in hub


def test_memory_limit_must_be_positive():
    with pytest.raises(ValueError, match="memory_limit"):
        Store(memory_limit=0)
    with pytest.raises(ValueError, match="memory_limit"):
        StoreHub(memory_limit=-5)


def test_a_stream_of_tiny_batches_is_compacted_and_stays_queryable():
    # 320 one-row scalar batches: kept as 320 record batches they would cost ~8 KiB of objects each.
    store = Store()
    n = 320
    for t in range(n):
        store.add_log_batch("plot", batch("plot", [{"time": frame(t), "rerun.scalar": [t * 0.5]}]))
    stats = store.stats()
    assert stats.entities["plot"].rows == n
    assert stats.total_bytes < n * 8192 / 4
    times, values = store.range_scalars("plot", FRAME)
    assert times.tolist() == list(range(n)) and values.tolist() == [t * 0.5 for t in range(n)]
    for t in (0, 31, 32, 200, n - 1):
        assert store.latest_at("plot", FRAME, t).numpy("rerun.scalar").tolist() == [t * 0.5]
    _, cells = store.range("plot", "rerun.scalar", FRAME, 30, 33)
    assert [c.to_pylist() for c in cells] == [[t * 0.5] for t in range(30, 34)]


def test_a_process_memory_limit_keeps_resident_memory_in_check():
    frame_bytes = 1 << 20
    start = process_rss_bytes()
    allowance = 24 * frame_bytes
    hub = StoreHub(process_memory_limit=start + allowance)
    hub.budget._rss_interval = 0.0  # check on every batch, so the test needs few frames
    frames = 80
    for t in range(frames):
        data = np.full(frame_bytes // 4, t, dtype=np.float32)  # a fresh 1 MiB buffer per frame
        cells = pa.ListArray.from_arrays(pa.array(np.array([0, len(data)], dtype=np.int32)), pa.array(data))
        hub.add_log_batch(None, build_log_batch("cam", "rec", {("frame", "sequence"): [t]}, {"rerun.scalar": cells}))
    store = hub.store("rec")
    kept = store.times_with_data(FRAME).tolist()
    assert store.stats().evicted_rows > 0 and 0 < len(kept) < frames
    assert kept == list(range(frames - len(kept), frames))  # the oldest went first
    # The limit is on resident memory: the store may hold a little more than the allowance where the new
    # frames reuse heap freed before the test started (resident already, so not counted again).
    assert store.stats().total_bytes <= allowance + 2 * frame_bytes
    assert process_rss_bytes() <= start + allowance * 1.5
    assert store.latest_at("cam", FRAME, frames - 1).numpy("rerun.scalar")[0] == frames - 1
