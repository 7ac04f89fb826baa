"""The hub fed with what the SDK really writes, and bad input to the store."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pyarrow as pa
import pytest

from rerun.recording import load
from rerun.wire.events import ClearEvent, LogEvent
from rerun_app.store import Store, StoreHub, Timeline
from store_helpers import batch, frame

FRAME = Timeline("frame", "sequence")
REC_ID = "5b9f1e0c-3f2a-4d6e-9a41-2c7d8e9f0a1b"

_LOGGING_SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    import pyarrow as pa
    import rerun as rr
    from rerun import _session

    rr.init("store_e2e")
    rr.set_recording_id(sys.argv[2])
    rr.save(sys.argv[1])
    point3 = pa.list_(pa.float32(), 3)
    color = pa.list_(pa.uint8(), 4)
    for t in range(5):
        rr.set_time_sequence("frame", t)
        pts = np.full((t + 2, 3), t, dtype=np.float32)
        _session.log("world/points", {
            "rerun.point3d": pa.FixedSizeListArray.from_arrays(pa.array(pts.ravel()), 3),
            "rerun.colorrgba": pa.FixedSizeListArray.from_arrays(pa.array(np.array([t, 0, 0, 255], dtype=np.uint8)), 4),
        })
        _session.log_scalar_row("plot/value", float(t * t), None, None, None, None)
    _session.log("world/calib", {"rerun.label": pa.array(["static"])}, timeless=True)
    rr.set_time_sequence("frame", 3)
    _session.log_clear("world", True)
    rr.disconnect()
    """
)


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    path = tmp_path_factory.mktemp("rec") / "e2e.rrd"
    subprocess.run([sys.executable, "-c", _LOGGING_SCRIPT, str(path), REC_ID], check=True, timeout=60)
    return load(path)


def test_a_recording_written_by_the_sdk_replays_into_the_hub(recording):
    hub = StoreHub()
    for event in recording.events():
        hub.add_event(event)
    store = hub.store(REC_ID)
    assert hub.active is store and store.info.get("application_id") == "store_e2e"
    assert store.entity_paths() == ["plot/value", "world/calib", "world/points"]
    assert FRAME in store.timelines() and Timeline("log_time", "time") in store.timelines()
    for t in range(3):
        result = store.latest_at("world/points", FRAME, t)
        np.testing.assert_array_equal(result.numpy("rerun.point3d"), np.full((t + 2, 3), t, dtype=np.float32))
        assert result.is_splat("rerun.colorrgba")
        np.testing.assert_array_equal(result.numpy("rerun.colorrgba"), np.tile(np.array([t, 0, 0, 255], np.uint8), (t + 2, 1)))
    # The recursive clear at frame 3 came after frame 3's row (hidden) but frame 4's row is later in time.
    assert store.latest_at("world/points", FRAME, 3) is None
    np.testing.assert_array_equal(store.latest_at("world/points", FRAME, 4).numpy("rerun.point3d"), np.full((6, 3), 4, np.float32))
    assert store.latest_at("world/calib", FRAME, 2).raw("rerun.label").to_pylist() == ["static"]
    assert store.latest_at("world/calib", FRAME, 3) is None
    times, values = store.range_scalars("plot/value", FRAME)
    assert times.tolist() == list(range(5)) and values.tolist() == [float(t * t) for t in range(5)]
    assert store.times_with_data(FRAME).tolist() == list(range(5))


def test_hub_routes_batches_by_their_recording_id():
    hub = StoreHub()
    hub.add_log_batch(None, batch("p", [{"time": frame(1), "rerun.radius": [1.0]}], recording_id="r1"))
    hub.add_log_batch(None, batch("p", [{"time": frame(1), "rerun.radius": [2.0]}], recording_id="r2"))
    assert hub.recording_ids() == ["r1", "r2"] and hub.active_id == "r2"
    # More data for the older recording does not switch the view back to it; a new BEGIN does.
    hub.add_log_batch(None, batch("p", [{"time": frame(2), "rerun.radius": [1.0]}], recording_id="r1"))
    assert hub.active_id == "r2"
    hub.begin_recording({"recording_id": "r1", "application_id": "again"})
    assert hub.active_id == "r1" and hub.active.info["application_id"] == "again"
    assert hub.store("r1").latest_at("p", FRAME, 1).numpy("rerun.radius").tolist() == [1.0]
    assert hub.store("r2").latest_at("p", FRAME, 1).numpy("rerun.radius").tolist() == [2.0]
    hub.add_clear_event({"recording_id": "r1", "entity_path": "p", "recursive": False, "time_point": [["frame", "sequence", 1]]})
    assert hub.store("r1").latest_at("p", FRAME, 1) is None
    assert hub.store("r2").latest_at("p", FRAME, 1) is not None
    assert hub.store("unknown") is None


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda s: s.add_log_batch("p", {"a": 1}), TypeError, "batch: expected a pyarrow RecordBatch"),
        (lambda s: s.add_log_batch("p", pa.record_batch({"rerun.radius": pa.array([1.0])})), TypeError, "'rerun.radius': expected a component column of type list<T>"),
        (lambda s: s.add_log_batch("p", pa.record_batch({"timeline:sequence:frame": pa.array(["x"]), "c": pa.array([[1.0]])})), TypeError, "timeline column for 'frame': expected int64"),
        (lambda s: s.add_log_batch("p", pa.record_batch({"timeline:bogus:frame": pa.array([1])})), ValueError, "timeline:<sequence|time>:<name>"),
        (lambda s: s.add_log_batch(None, pa.record_batch({"c": pa.array([[1.0]])})), ValueError, "no rerun.entity_path metadata"),
        (lambda s: s.add_log_batch(3, batch("p", [{"time": frame(1), "rerun.radius": [1.0]}])), TypeError, "entity_path: expected a str"),
        (lambda s: s.clear("p", "yes", []), TypeError, "recursive: expected a bool"),
        (lambda s: s.clear("p", False, [["frame", "sequence"]]), TypeError, "expected a [name, type, value] entry"),
        (lambda s: s.clear("p", False, [["frame", "seq", 1]]), ValueError, "timeline type: expected one of"),
        (lambda s: s.clear("p", False, [["frame", "sequence", 1.5]]), TypeError, "must be an integer"),
        (lambda s: s.latest_at("p", FRAME, "soon"), TypeError, "time: expected an int"),
        (lambda s: s.latest_at("p", 42, 1), TypeError, "timeline: expected a Timeline"),
        (lambda s: StoreHub().begin_recording({"application_id": "x"}), ValueError, "'recording_id'"),
        (lambda s: StoreHub().add_log_batch("p", pa.record_batch({"c": pa.array([[1.0]])})), ValueError, "no recording has begun"),
    ],
)
def test_bad_input_gets_a_message_naming_the_argument(call, error, words):
    store = Store()
    store.add_log_batch("p", batch("p", [{"time": frame(1), "rerun.radius": [1.0]}]))
    with pytest.raises(error) as info:
        call(store)
    assert words in str(info.value)


def test_store_imports_no_gl_or_ui_modules():
    code = (
        "import sys, rerun_app.store; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('vispy', 'glfw', 'imgui_bundle', 'OpenGL', 'rerun_scene', 'numba')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_add_events_in_bulk_gives_what_one_by_one_gives(recording):
    rng = np.random.default_rng(5)
    events = list(recording.events())
    # Add one-row messages, as a Rerun 0.4 file has them, for two recordings, with clears between.
    for t in range(60):
        rid = REC_ID if t % 3 else "other-rec"
        path = ["one/a", "one/b"][t % 2]
        events.append(LogEvent(path, rid, batch(path, [{"time": frame(t), "rerun.radius": [float(t)]}], recording_id=rid)))
        if t % 17 == 0:
            events.append(ClearEvent({"recording_id": rid, "entity_path": "one", "recursive": True, "time_point": [["frame", "sequence", t]]}))
    one_by_one, bulk = StoreHub(), StoreHub()
    for event in events:
        one_by_one.add_event(event)
    bulk.add_events(events)
    assert bulk.recording_ids() == one_by_one.recording_ids()
    for rid in one_by_one.recording_ids():
        a, b = one_by_one.store(rid), bulk.store(rid)
        assert a.entity_paths() == b.entity_paths()
        assert a.stats().total_rows == b.stats().total_rows
        for path in a.entity_paths():
            for cursor in [-1, 0, 17, 34, 51, *rng.integers(0, 60, 8).tolist(), 10**9]:
                ra, rb = a.latest_at(path, FRAME, cursor), b.latest_at(path, FRAME, cursor)
                assert (ra is None) == (rb is None)
                if ra is not None:
                    assert {n: ra.raw(n).to_pylist() for n in ra.components} == {n: rb.raw(n).to_pylist() for n in rb.components}
