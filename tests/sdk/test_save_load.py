"""Save → load round trips through a real .rrd file: time semantics, batching, big rows, clears."""

from __future__ import annotations

import threading

import numpy as np
import pyarrow as pa
import pytest

import rerun as rr
import rerun.recording
from rerun import _session, _time


def points(array: np.ndarray) -> pa.Array:
    flat = pa.array(np.ascontiguousarray(array, dtype=np.float32).reshape(-1))
    return pa.FixedSizeListArray.from_arrays(flat, 3)


@pytest.fixture
def rrd(tmp_path):
    """A fresh session saving to a file; yields a function that closes it and loads the recording."""
    _session.shutdown()
    _time.reset_time()
    rr.set_enabled(True)
    path = tmp_path / "rec.rrd"
    rr.save(path)

    def finish():
        rr.disconnect()
        return rerun.recording.load(path)

    yield finish
    _session.shutdown()
    _time.reset_time()


def test_sequence_seconds_nanos_become_typed_columns(rrd):
    for i in range(5):
        rr.set_time_sequence("frame", i)
        rr.set_time_seconds("sim", i * 0.5)
        rr.set_time_nanos("sensor", 1000 + i)
        _session.log("a", {"rerun.point3d": points(np.full((2, 3), i))})
    table = rrd().table("a", time_unit="ns")
    assert table.column("frame").to_pylist() == list(range(5))
    assert table.schema.field("sim").type == pa.timestamp("ns")
    assert table.column("sim").cast(pa.int64()).to_pylist() == [round(i * 0.5 * 1e9) for i in range(5)]
    assert table.column("sensor").cast(pa.int64()).to_pylist() == [1000 + i for i in range(5)]
    cells = table.column("rerun.point3d").to_pylist()
    assert cells == [[[float(i)] * 3] * 2 for i in range(5)]


def test_same_name_different_type_are_two_timelines(rrd):
    rr.set_time_sequence("frame", 7)
    rr.set_time_seconds("frame", 2.0)
    _session.log("a", {"rerun.radius": pa.array([1.0], pa.float32())})
    table = rrd().table("a", time_unit="ns")
    assert table.column("frame:sequence").to_pylist() == [7]
    assert table.column("frame:time").cast(pa.int64()).to_pylist() == [2_000_000_000]


def test_none_removes_a_timeline(rrd):
    rr.set_time_sequence("frame", 1)
    _session.log("a", {"rerun.radius": pa.array([1.0], pa.float32())})
    rr.set_time_sequence("frame", None)
    _session.log("a", {"rerun.radius": pa.array([2.0], pa.float32())})
    assert rrd().table("a").column("frame").to_pylist() == [1, None]


def test_timeless_rows_have_no_time_at_all(rrd):
    rr.set_time_sequence("frame", 3)
    _session.log("a", {"rerun.radius": pa.array([1.0], pa.float32())}, timeless=True)
    _session.log("a", {"rerun.radius": pa.array([2.0], pa.float32())})
    table = rrd().table("a")
    assert table.column("frame").to_pylist() == [None, 3]
    assert table.column("log_time").null_count == 1 and table.column("log_time")[1].is_valid


def test_log_time_is_the_wall_clock_even_if_the_user_sets_it(rrd):
    import time

    rr.set_time_nanos("log_time", 5)
    before = time.time_ns()
    _session.log("a", {"rerun.radius": pa.array([1.0], pa.float32())})
    after = time.time_ns()
    table = rrd().table("a", time_unit="ns")
    assert table.column_names[0] == "log_time"
    stamp = table.column("log_time").cast(pa.int64())[0].as_py()
    assert before <= stamp <= after


def test_time_points_are_thread_local(rrd):
    rr.set_time_sequence("frame", 1)

    def other():
        rr.set_time_sequence("other", 9)
        _session.log("b", {"rerun.radius": pa.array([1.0], pa.float32())})

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    _session.log("a", {"rerun.radius": pa.array([1.0], pa.float32())})
    rec = rrd()
    assert "frame" not in rec.table("b").column_names
    assert rec.table("b").column("other").to_pylist() == [9]
    assert "other" not in rec.table("a").column_names


def test_many_scalars_come_back_in_order_with_their_times(rrd):
    n = 100_000
    values = np.random.default_rng(1).normal(size=n)
    for i in range(n):
        rr.set_time_sequence("step", i)
        _session.log_scalar_row("plot/a", float(values[i]), None, None, None, None)
    table = rrd().table("plot/a")
    assert table.num_rows == n
    assert table.column("step").to_pylist() == list(range(n))
    got = table.column("rerun.scalar").combine_chunks().flatten()
    np.testing.assert_array_equal(got.to_numpy(), values)


def test_scalar_options_are_null_where_not_given(rrd):
    _session.log_scalar_row("s", 1.0, "a", b"\x01\x02\x03\x04", 2.0, True)
    _session.log_scalar_row("s", None, None, None, None, None)
    table = rrd().table("s")
    assert table.column("rerun.scalar").to_pylist() == [[1.0], [None]]
    assert table.column("rerun.label").to_pylist() == [["a"], None]
    assert table.column("rerun.colorrgba").to_pylist() == [[[1, 2, 3, 4]], None]
    assert table.column("rerun.radius").to_pylist() == [[2.0], None]
    assert table.column("rerun.scalar_plot_props").to_pylist() == [[{"scattered": True}], None]


def test_text_rows(rrd):
    _session.log_text_row("logs", "hello", "INFO", None, False)
    _session.log_text_row("logs", "bye", None, b"\xff\x00\x00\xff", True)
    table = rrd().table("logs")
    assert table.column("rerun.text_entry").to_pylist() == [
        [{"body": "hello", "level": "INFO"}],
        [{"body": "bye", "level": None}],
    ]
    assert table.column("rerun.colorrgba").to_pylist() == [None, [[255, 0, 0, 255]]]
    assert table.column("log_time").is_null().to_pylist() == [False, True]


def test_big_rows_keep_order_with_small_rows(rrd):
    rng = np.random.default_rng(2)
    small = rng.random((4, 3), dtype=np.float32)
    big = rng.random((200_000, 3), dtype=np.float32)
    _session.log("cloud", {"rerun.point3d": points(small)})
    _session.log("cloud", {"rerun.point3d": points(big)})
    _session.log("cloud", {"rerun.point3d": points(small[:1])})
    column = rrd().table("cloud").column("rerun.point3d")
    flat = pa.chunked_array([c.flatten() for c in column.chunks]).combine_chunks()
    np.testing.assert_array_equal(flat.flatten().to_numpy().reshape(-1, 3), np.concatenate([small, big, small[:1]]))
    sizes = [c.value_lengths().to_pylist() for c in column.chunks]
    assert sum(sizes, []) == [4, 200_000, 1]


def test_caller_may_reuse_its_buffer_right_after_logging(rrd):
    buffer = np.zeros((5, 3), dtype=np.float32)
    for i in range(3):
        buffer[:] = i
        _session.log("reuse", {"rerun.point3d": points(buffer)})
    cells = rrd().table("reuse").column("rerun.point3d").to_pylist()
    assert [cell[0][0] for cell in cells] == [0.0, 1.0, 2.0]


def test_components_missing_in_some_rows_are_null(rrd):
    _session.log("e", {"rerun.radius": pa.array([1.0], pa.float32())})
    _session.log("e", {"rerun.label": pa.array(["x", "y"])})
    table = rrd().table("e")
    assert table.column("rerun.radius").to_pylist() == [[1.0], None]
    assert table.column("rerun.label").to_pylist() == [None, ["x", "y"]]


def test_clear_is_recorded_at_the_time_point(rrd):
    rr.set_time_sequence("frame", 4)
    _session.log("a/b", {"rerun.radius": pa.array([1.0], pa.float32())})
    _session.log_clear("a", recursive=True)
    rec = rrd()
    (clear,) = rec.clears
    assert clear["entity_path"] == "a" and clear["recursive"] is True
    assert ["frame", "sequence", 4] in clear["time_point"]
    kinds = [e[0] for e in rec.events()]
    assert kinds.index("log") < kinds.index("clear")


def test_backlog_before_save_and_application_ids(tmp_path):
    _session.shutdown()
    _session.set_application_id("unknown_app_id")
    _session.log("early", {"rerun.radius": pa.array([1.0], pa.float32())})
    rr.init("first")
    _session.log("later", {"rerun.radius": pa.array([2.0], pa.float32())})
    path = tmp_path / "b.rrd"
    rr.save(path)
    _session.log("after", {"rerun.radius": pa.array([3.0], pa.float32())})
    rr.disconnect()
    rec = rerun.recording.load(path)
    assert [b["application_id"] for b in rec.begins] == ["unknown_app_id", "first"]
    assert rec.application_id == "first"
    assert rec.recording_id == rr.get_recording_id()
    assert rec.entity_paths == ["after", "early", "later"]
    assert rec.complete
    _session.shutdown()


def test_saving_twice_to_the_same_path_gives_a_valid_file(rrd, tmp_path):
    path = tmp_path / "rec.rrd"  # the fixture's file
    _session.log("first", {"rerun.radius": pa.array([1.0], pa.float32())})
    _session.flush()
    rr.save(path)
    _session.log("second", {"rerun.radius": pa.array([2.0], pa.float32())})
    rec = rrd()
    assert rec.warnings == [] and rec.complete
    assert rec.entity_paths == ["second"]


def test_memory_buffer_warns_once_when_it_grows_large(monkeypatch):
    from rerun.sinks import memory

    monkeypatch.setattr(memory, "WARN_BUFFERED_BYTES", 1000)
    sink = memory.MemorySink()
    batch = pa.RecordBatch.from_arrays([pa.array(np.zeros(1000))], names=["x"])
    batch = batch.replace_schema_metadata({b"rerun.entity_path": b"a", b"rerun.recording_id": b"r"})
    with pytest.warns(ResourceWarning, match="buffered in memory because no sink is set"):
        sink.send_log(batch)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sink.send_log(batch)  # only once
    assert len(sink) == 2


def test_every_batch_has_log_time_null_only_for_timeless_rows(rrd):
    big = np.ones((100_000, 3), dtype=np.float32)
    _session.log("big", {"rerun.point3d": points(big)}, timeless=True)
    _session.log("big", {"rerun.point3d": points(big)})
    _session.log("small", {"rerun.radius": pa.array([1.0], pa.float32())}, timeless=True)
    rec = rrd()
    for _, entity, _, batch in (e for e in rec.events() if e[0] == "log"):
        assert "timeline:time:log_time" in batch.schema.names, entity
    assert rec.table("big").column("log_time").is_null().to_pylist() == [True, False]
