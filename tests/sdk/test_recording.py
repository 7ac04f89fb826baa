"""rerun.recording: loading real files, damaged files, and querying tables with DuckDB."""

from __future__ import annotations

import struct

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rerun as rr
import rerun.recording
from rerun import _session, _time
from rerun.wire import FORMAT_VERSION, STREAM_MAGIC, WireError
from rerun.wire.events import LogEvent


def _fresh_session():
    _session.shutdown()
    _time.reset_time()
    rr.set_enabled(True)


def write_scalars(path, count: int) -> list[int]:
    """Save ``count`` scalar rows, each its own flushed frame; return the byte offset after each frame."""
    _fresh_session()
    rr.save(path)
    ends = []
    for i in range(count):
        rr.set_time_sequence("step", i)
        _session.log_scalar_row("s", float(i), None, None, None, None)
        _session.flush()
        ends.append(path.stat().st_size)
    rr.disconnect()
    _time.reset_time()
    return ends


def test_torn_tail_keeps_every_complete_frame(tmp_path):
    path = tmp_path / "torn.rrd"
    ends = write_scalars(path, 10)
    data = path.read_bytes()
    cut = ends[6] + (ends[7] - ends[6]) // 2  # in the middle of the 8th scalar frame
    path.write_bytes(data[:cut])
    rec = rerun.recording.load(path)
    assert rec.table("s").column("step").to_pylist() == list(range(7))
    assert len(rec.warnings) == 1 and "middle of a frame" in rec.warnings[0]
    assert not rec.complete


def test_cut_inside_a_frame_header_is_a_torn_tail_too(tmp_path):
    path = tmp_path / "torn.rrd"
    ends = write_scalars(path, 3)
    path.write_bytes(path.read_bytes()[: ends[1] + 5])
    rec = rerun.recording.load(path)
    assert rec.table("s").column("step").to_pylist() == [0, 1]
    assert rec.warnings


def test_wrong_magic_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.rrd"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(WireError, match="not a rerun stream: magic"):
        rerun.recording.load(path)


def test_newer_version_is_a_clear_error(tmp_path):
    path = tmp_path / "new.rrd"
    path.write_bytes(struct.pack("<4sHH", STREAM_MAGIC, FORMAT_VERSION + 1, 0) + bytes(32))
    with pytest.raises(WireError, match=f"version {FORMAT_VERSION + 1} is newer"):
        rerun.recording.load(path)


def test_corrupt_frame_header_names_the_offset(tmp_path):
    path = tmp_path / "corrupt.rrd"
    ends = write_scalars(path, 3)
    data = bytearray(path.read_bytes())
    data[ends[0]] = ord("X")  # the marker of the frame after the first scalar frame
    path.write_bytes(bytes(data))
    rec = rerun.recording.load(path)  # the damaged frame is skipped, the others kept
    assert any(f"frame at byte {ends[0]}: bad marker" in w for w in rec.warnings), rec.warnings
    assert rec.num_rows("s") == 2


def test_too_short_file(tmp_path):
    path = tmp_path / "short.rrd"
    path.write_bytes(b"RR")
    with pytest.raises(WireError, match="too short"):
        rerun.recording.load(path)


def test_legacy_file_goes_to_the_legacy_reader(tmp_path, monkeypatch):
    path = tmp_path / "old.rrd"
    path.write_bytes(b"RRF0\x00\x04\x00\x00" + bytes(16))
    try:
        import rerun.legacy  # noqa: F401
    except ImportError:
        with pytest.raises(WireError, match="RRF0"):
            rerun.recording.load(path)
        return
    with pytest.raises(Exception):  # a real legacy reader rejects 16 zero bytes of "zstd"
        rerun.recording.load(path)


def test_unknown_entity_path_lists_the_known_ones(tmp_path):
    path = tmp_path / "r.rrd"
    write_scalars(path, 1)
    with pytest.raises(KeyError, match="'s'"):
        rerun.recording.load(path).table("nope")


def test_tables_are_queryable_with_duckdb(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "r.rrd"
    _fresh_session()
    rr.save(path)
    rng = np.random.default_rng(3)
    expected = rng.normal(size=50)
    for i, value in enumerate(expected):
        rr.set_time_sequence("frame", i)
        _session.log_scalar_row("plot", float(value), None, None, None, None)
    rr.disconnect()
    _time.reset_time()
    tbl = rerun.recording.load(path).table("plot")  # noqa: F841 (used by name in the SQL)
    got = duckdb.sql('select frame, "rerun.scalar"[1] as v from tbl where frame % 2 = 0 order by frame').fetchall()
    assert got == [(i, expected[i]) for i in range(0, 50, 2)]
    ((count, first),) = duckdb.sql("select count(*), min(log_time) from tbl").fetchall()
    assert count == 50 and first is not None


_timeline_names = st.sampled_from(["frame", "t", "sim time", "ünï"])
_row = st.fixed_dictionaries(
    {
        "timeless": st.booleans(),
        "sequence": st.dictionaries(_timeline_names, st.integers(-(2**63), 2**63 - 1), max_size=3),
        "seconds": st.dictionaries(_timeline_names, st.floats(-1e9, 1e9, allow_nan=False), max_size=2),
        "values": st.lists(st.floats(allow_nan=False, width=32), max_size=5),
        "label": st.one_of(st.none(), st.text(max_size=8)),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, min_size=1, max_size=12))
def test_random_rows_round_trip(tmp_path, rows):
    path = tmp_path / "prop.rrd"
    _fresh_session()
    rr.save(path)
    for row in rows:
        _time.reset_time()
        for name, value in row["sequence"].items():
            rr.set_time_sequence(name, value)
        for name, value in row["seconds"].items():
            rr.set_time_seconds(name, value)
        components = {"rerun.radius": pa.array(row["values"], pa.float32())}
        if row["label"] is not None:
            components["rerun.label"] = pa.array([row["label"]])
        _session.log("prop", components, timeless=row["timeless"])
    rr.disconnect()
    _time.reset_time()
    table = rerun.recording.load(path).table("prop", time_unit="ns")
    assert table.num_rows == len(rows)
    names = table.column_names
    for index, row in enumerate(rows):
        expected_times = {}
        if not row["timeless"]:
            for name, value in row["sequence"].items():
                expected_times[(name, "sequence")] = value
            for name, value in row["seconds"].items():
                expected_times[(name, "time")] = round(value * 1e9)
        for column in names:
            if column == "log_time" or column.startswith("rerun."):
                continue
            name, _, typ = column.partition(":")
            if not typ:
                typ = "time" if pa.types.is_timestamp(table.schema.field(column).type) else "sequence"
            cell = table.column(column)[index]
            got = None if not cell.is_valid else (cell.value if typ == "time" else cell.as_py())
            assert got == expected_times.get((name, typ)), (column, index)
        assert table.column("log_time")[index].is_valid != row["timeless"]
        assert table.column("rerun.radius")[index].as_py() == [np.float32(v) for v in row["values"]]
        if "rerun.label" in names:
            label = table.column("rerun.label")[index].as_py()
            assert label == (None if row["label"] is None else [row["label"]])


REFERENCE_PYTHON = "/work/refvenv/bin/python"  # rerun-sdk 0.4.0, where the machine has it


def test_a_file_written_by_rerun_0_4_0_loads(tmp_path):
    import os
    import subprocess
    import textwrap

    if not os.path.exists(REFERENCE_PYTHON):
        pytest.skip("no rerun-sdk 0.4.0 interpreter at " + REFERENCE_PYTHON)
    pytest.importorskip("rerun.legacy")
    path = tmp_path / "legacy.rrd"
    code = f"""
        import numpy as np
        import rerun as rr
        rr.init("legacy_app")
        rr.save({str(path)!r})
        for i in range(3):
            rr.set_time_sequence("frame", i)
            rr.log_points("world/points", np.full((4, 3), i + 1, dtype=np.float32))  # all-zero points are dropped by 0.4.0
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RERUN", "PYTHONPATH"))}
    result = subprocess.run([REFERENCE_PYTHON, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert path.read_bytes()[:4] == b"RRF0"
    rec = rerun.recording.load(path)
    assert rec.application_id == "legacy_app"
    assert "world/points" in rec.entity_paths
    table = rec.table("world/points")
    assert table.column("frame").to_pylist() == [0, 1, 2]
    cells = table.column("rerun.point3d").to_pylist()
    assert [cell[0] for cell in cells] == [[float(i + 1)] * 3 for i in range(3)]


def test_export_parquet_is_queryable_without_rerun(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "r.rrd"
    _fresh_session()
    rr.init("fleet")
    rr.save(path)
    for i in range(10):
        rr.set_time_sequence("frame", i)
        _session.log_scalar_row("robot/speed", float(i) * 2, None, None, None, None)
        _session.log("robot/pose/points", {"rerun.radius": pa.array([float(i)] * 3, pa.float32())})
    rr.disconnect()
    _time.reset_time()
    rec = rerun.recording.load(path)
    written = rec.export_parquet(tmp_path / "out")
    assert sorted(written) == ["robot/pose/points", "robot/speed"]
    pattern = str(tmp_path / "out" / "*.parquet")
    rows = duckdb.sql(
        f"""select frame, "rerun.scalar"[1] from read_parquet('{pattern}', union_by_name=true)
            where "rerun.scalar" is not null order by frame"""
    ).fetchall()
    assert rows == [(i, i * 2.0) for i in range(10)]
    import pyarrow.parquet as pq

    meta = pq.read_schema(written["robot/speed"]).metadata
    assert meta[b"rerun.application_id"] == b"fleet" and meta[b"rerun.entity_path"] == b"robot/speed"


_scalar_row = st.tuples(
    st.one_of(st.none(), st.floats(allow_nan=False)),
    st.one_of(st.none(), st.text(max_size=5)),
    st.one_of(st.none(), st.binary(min_size=4, max_size=4)),
    st.one_of(st.none(), st.floats(0, 100, width=32)),
    st.one_of(st.none(), st.booleans()),
    st.one_of(st.none(), st.integers(0, 2**40)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_scalar_row, min_size=1, max_size=30), text_first=st.booleans())
def test_random_scalar_and_text_rows_round_trip(tmp_path, rows, text_first):
    path = tmp_path / "scalars.rrd"
    _fresh_session()
    rr.save(path)
    if text_first:  # another row layout on the same entity must not reorder or drop rows
        _session.log_text_row("series", "start", None, None, False)
    for value, label, color, radius, scattered, step in rows:
        _time.reset_time()
        if step is not None:
            rr.set_time_sequence("step", step)
        _session.log_scalar_row("series", value, label, color, radius, scattered)
    rr.disconnect()
    _time.reset_time()
    table = rerun.recording.load(path).table("series")
    offset = 1 if text_first else 0
    assert table.num_rows == len(rows) + offset

    def column(name):
        return table.column(name).to_pylist()[offset:] if name in table.column_names else [None] * len(rows)

    assert column("rerun.scalar") == [[value] for value, *_ in rows]
    assert column("rerun.label") == [None if r[1] is None else [r[1]] for r in rows]
    assert column("rerun.colorrgba") == [None if r[2] is None else [list(r[2])] for r in rows]
    assert column("rerun.radius") == [None if r[3] is None else [r[3]] for r in rows]
    assert column("rerun.scalar_plot_props") == [None if r[4] is None else [{"scattered": r[4]}] for r in rows]
    assert column("step") == [r[5] for r in rows]


def test_list_and_large_list_cells_of_one_component_combine(tmp_path):
    from rerun.recording import Recording

    small = pa.ListArray.from_arrays(pa.array([0, 2], pa.int32()), pa.array([1.0, 2.0], pa.float32()))
    large = pa.LargeListArray.from_arrays(pa.array([0, 1], pa.int64()), pa.array([3.0], pa.float32()))
    batches = [pa.RecordBatch.from_arrays([cells], names=["rerun.radius"]) for cells in (small, large)]
    rec = Recording("mem", [LogEvent("e", "r", b) for b in batches], [], True)
    column = rec.table("e").column("rerun.radius")
    assert pa.types.is_large_list(column.type)
    assert column.to_pylist() == [[1.0, 2.0], [3.0]]
    clash = pa.RecordBatch.from_arrays([pa.array([["x"]])], names=["rerun.radius"])
    rec = Recording("mem", [LogEvent("e", "r", b) for b in (batches[0], clash)], [], True)
    assert rec.table("e").column("rerun.radius").to_pylist() == [[1.0, 2.0]]  # the clashing batch is left out
    (warning,) = rec.warnings
    assert "cannot be combined" in warning and "1 row(s) of that batch are left out" in warning
