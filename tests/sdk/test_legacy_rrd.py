"""Reading .rrd files written by the original rerun-sdk 0.4.0 (``rerun.legacy``).

The fixtures in tests/fixtures/rrd_v040 were written by the reference SDK (see make_fixtures.py); each has
a sidecar listing, in file order, the events it must decode to and the values that were logged.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from rerun.legacy import LEGACY_MAGIC, is_legacy_rrd, read_legacy_rrd
from rerun.legacy.rows import Row, RowGrouper
from rerun.wire import WireError
from rerun.wire.log_table import parse_timeline_column

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rrd_v040"
EDGE_NAMES = tuple(f"edge_{group}" for group in ("points", "rects", "lines", "images", "tensors", "meshes", "transforms", "misc"))
#: The first three show typical use; the edge_* matrix (make_edges.py) every log function at its edges.
NAMES = ("points", "images", "mixed") + EDGE_NAMES
LOG_TIME = "log_time:time"


def load_fixture(name: str) -> tuple[bytes, dict]:
    data = (FIXTURES / f"{name}.rrd").read_bytes()
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text())
    return data, expected


# --- comparing decoded values with the sidecar ----------------------------------------------------------


def assert_matches(actual, expected, where: str) -> None:
    """``actual`` (from Arrow's to_pylist) holds the logged ``expected`` value (sidecar JSON)."""
    if isinstance(expected, dict) and set(expected) == {"hex"}:
        assert actual is not None and bytes(actual).hex() == expected["hex"], where
    elif isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected a struct, got {actual!r}"
        for key, value in expected.items():
            if key == "data" and isinstance(value, dict) and "values" in value:
                # Tensor bytes: raw little-endian, C order, of the stored dtype.
                got = np.frombuffer(actual["data"], dtype=np.dtype(actual["dtype"]).newbyteorder("<"))
                np.testing.assert_array_equal(got, np.asarray(value["values"], dtype=actual["dtype"]), err_msg=where)
            else:
                assert key in actual, f"{where}: missing field {key!r}"
                assert_matches(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{where}: {len(actual)} items, expected {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_matches(a, e, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected, rel=1e-6, abs=1e-7, nan_ok=True), where
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def batch_rows(batch: pa.RecordBatch) -> list[tuple[dict, dict]]:
    """Each row of a LOG batch as (timelines {"name:type": value}, components {name: instances})."""
    rows = []
    for record in batch.to_pylist():
        times, components = {}, {}
        for name, value in record.items():
            if value is None:
                continue
            parsed = parse_timeline_column(name)
            if parsed is not None:
                times[f"{parsed[0]}:{parsed[1]}"] = value
            else:
                components[name] = value
        rows.append((times, components))
    return rows


def rows_by_entity(events: list) -> dict[str, list[tuple[dict, dict]]]:
    found: dict[str, list] = {}
    for event in events:
        if event[0] == "log":
            found.setdefault(event[1], []).extend(batch_rows(event[3]))
    return found


def assert_row_matches(times: dict, components: dict, expected: dict, where: str) -> None:
    user_times = {k: v for k, v in times.items() if k != LOG_TIME}
    assert user_times == expected["time"], where
    if expected["timeless"]:
        assert LOG_TIME not in times, f"{where}: a timeless row has no log_time"
    else:
        assert isinstance(times.get(LOG_TIME), int), f"{where}: every timed 0.4 row carries log_time"
    assert sorted(components) == sorted(expected["components"]), where
    for name, value in expected["components"].items():
        actual = components[name]
        if name == "rerun.annotation_context":
            # 0.4.0 keeps the classes in a hash map: the file's order is not the logged order.
            actual = sorted(actual, key=lambda c: c["class_id"])
            value = sorted(value, key=lambda c: c["class_id"])
        assert_matches(actual, value, f"{where} {name}")


def decoded(data: bytes) -> tuple[list, list[str]]:
    warnings: list[str] = []
    return list(read_legacy_rrd(data, warnings)), warnings


# --- the fixtures, through rerun.legacy ------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_fixture_decodes_to_the_logged_values(name):
    data, expected = load_fixture(name)
    events, warnings = decoded(data)

    assert warnings == []
    kind, begin = events[0]
    assert kind == "begin"
    assert begin["application_id"] == expected["application_id"]
    assert begin["recording_id"] == expected["recording_id"]
    assert isinstance(begin["started_ns"], int)
    assert [e[0] for e in events[1:] if e[0] != "log"] == [e["kind"] for e in expected["events"] if e["kind"] != "log"]

    for event in events[1:]:
        if event[0] == "log":
            _, entity_path, recording_id, batch = event
            assert recording_id == expected["recording_id"]
            assert batch.schema.metadata[b"rerun.entity_path"].decode() == entity_path
            assert batch.schema.metadata[b"rerun.recording_id"].decode() == expected["recording_id"]

    got = rows_by_entity(events)
    wanted: dict[str, list] = {}
    for want in expected["events"]:
        if want["kind"] == "log":
            wanted.setdefault(want["entity_path"], []).append(want)
    assert sorted(got) == sorted(wanted)
    for entity_path, want_rows in wanted.items():
        rows = got[entity_path]
        assert len(rows) == len(want_rows), entity_path
        log_times = [times[LOG_TIME] for times, _ in rows if LOG_TIME in times]
        assert log_times == sorted(log_times), f"{entity_path}: rows are in log order"
        for i, ((times, components), want) in enumerate(zip(rows, want_rows)):
            assert_row_matches(times, components, want, f"{name} {entity_path} row {i}")


def test_clears_come_after_exactly_the_rows_logged_before_them():
    data, expected = load_fixture("mixed")
    events, _ = decoded(data)
    clears = [i for i, e in enumerate(events) if e[0] == "clear"]
    expected_clears = [i for i, e in enumerate(expected["events"]) if e["kind"] == "clear"]
    assert len(clears) == len(expected_clears) == 2
    for at, expected_at in zip(clears, expected_clears):
        before = {p: len(r) for p, r in rows_by_entity(events[:at]).items()}
        wanted: dict[str, int] = {}
        for want in expected["events"][:expected_at]:
            if want["kind"] == "log":
                wanted[want["entity_path"]] = wanted.get(want["entity_path"], 0) + 1
        assert before == wanted
    for (event, want) in zip([events[i][1] for i in clears], [expected["events"][i] for i in expected_clears]):
        assert (event["entity_path"], event["recursive"]) == (want["entity_path"], want["recursive"])
        assert event["recording_id"] == expected["recording_id"]
        point = {f"{n}:{t}": v for n, t, v in event["time_point"]}
        assert isinstance(point.pop(LOG_TIME), int)
        assert point == want["time"]


def test_splat_message_is_merged_into_its_instanced_row():
    data, _ = load_fixture("points")
    rows = rows_by_entity(decoded(data)[0])["world/cloud"]
    # 0.4.0 wrote two messages per call (splat, then instances); we get one row per call.
    assert len(rows) == 4
    for _, components in rows:
        assert len(components["rerun.point3d"]) == 20
        assert len(components["rerun.colorrgba"]) == 1 and len(components["rerun.radius"]) == 1
        assert "rerun.instance_key" not in components  # the splat sentinel is not user data


def test_small_rows_of_one_entity_share_a_batch_and_big_rows_stand_alone():
    data, _ = load_fixture("mixed")
    sine = [e[3] for e in decoded(data)[0] if e[0] == "log" and e[1] == "plots/sine"]
    assert [b.num_rows for b in sine] == [6]
    assert sine[0].column("rerun.scalar").to_pylist() == [[v] for v in np.round(np.sin(np.arange(6) * 0.5), 3)]


def test_row_grouper_keeps_entity_order_and_passes_big_rows_through_without_copying():
    recording_id = "0a0b0c0d-0000-4000-8000-000000000009"
    grouper = RowGrouper(own_batch_bytes=1024)
    frame = ("frame", "sequence")
    small = [Row("e", {frame: i}, {"rerun.scalar": pa.array([float(i)])}, nbytes=8) for i in range(3)]
    other = Row("e", {frame: 3}, {"rerun.label": pa.array(["x"])}, nbytes=1)  # other columns: a new batch
    big_values = pa.array(np.arange(1000, dtype=np.float64))
    big = Row("e", {frame: 4}, {"rerun.scalar": big_values}, nbytes=big_values.nbytes)

    assert [e for row in small for e in grouper.add(row, recording_id)] == []  # held for grouping
    events = list(grouper.add(other, recording_id)) + list(grouper.add(big, recording_id))
    assert [e[3].num_rows for e in events] == [3, 1, 1]  # scalars, then the label row, then the big row
    assert events[0][3].column("timeline:sequence:frame").to_pylist() == [0, 1, 2]
    assert events[0][3].column("rerun.scalar").to_pylist() == [[0.0], [1.0], [2.0]]
    big_column = events[2][3].column("rerun.scalar").values
    assert big_column.buffers()[1].address == big_values.buffers()[1].address
    assert list(grouper.flush_all()) == []


@pytest.mark.parametrize("name", NAMES)
def test_component_types_are_the_ones_our_sdk_logs(name):
    from rerun.components import TYPES

    data, _ = load_fixture(name)
    seen = set()
    for event in decoded(data)[0]:
        if event[0] == "log":
            for field in event[3].schema:
                if field.name in TYPES:
                    assert field.type == pa.list_(TYPES[field.name]), field.name
                    seen.add(field.name)
    assert seen  # every fixture logs built-in components


# --- the fixtures, through rerun.recording.load ----------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_recording_load_reads_0_4_files(name):
    recording_module = pytest.importorskip("rerun.recording")
    _, expected = load_fixture(name)
    recording = recording_module.load(FIXTURES / f"{name}.rrd")

    assert recording.application_id == expected["application_id"]
    assert recording.recording_id == expected["recording_id"]
    assert recording.warnings == []
    logs = [e for e in expected["events"] if e["kind"] == "log"]
    assert recording.entity_paths == sorted({e["entity_path"] for e in logs})
    for entity_path in recording.entity_paths:
        wanted = [e for e in logs if e["entity_path"] == entity_path]
        table = recording.table(entity_path, time_unit="ns")
        assert table.num_rows == len(wanted), entity_path
        time_columns, component_columns = {}, []
        for field in table.schema:
            if pa.types.is_timestamp(field.type) or field.type == pa.int64():  # components are all list<T>
                typ = "time" if pa.types.is_timestamp(field.type) else "sequence"
                key = field.name if field.name.endswith((":time", ":sequence")) else f"{field.name}:{typ}"
                time_columns[key] = table.column(field.name).cast(pa.int64()).to_pylist()
            else:
                component_columns.append(field.name)
        for row, want in enumerate(wanted):
            times = {k: v[row] for k, v in time_columns.items() if v[row] is not None}
            cells = {n: table.column(n)[row].as_py() for n in component_columns}
            components = {n: v for n, v in cells.items() if v is not None}
            assert_row_matches(times, components, want, f"{name} {entity_path} row {row}")
    clears = [e for e in expected["events"] if e["kind"] == "clear"]
    assert [(c["entity_path"], c["recursive"]) for c in recording.clears] == [
        (c["entity_path"], c["recursive"]) for c in clears
    ]


# --- damaged and unusual files ---------------------------------------------------------------------------


def records_of(data: bytes) -> list[bytes]:
    """The MessagePack records of a 0.4 file (decompressed with zstandard directly)."""
    import zstandard

    raw = zstandard.ZstdDecompressor().decompressobj().decompress(data[8:])
    records, pos = [], 0
    while pos < len(raw):
        (length,) = struct.unpack_from("<Q", raw, pos)
        records.append(raw[pos + 8 : pos + 8 + length])
        pos += 8 + length
    return records


def legacy_file(records: list[bytes], version: bytes = b"\x00\x04\x00\x00", flush_each: bool = False) -> bytes:
    """A 0.4-layout file around ``records``; ``flush_each`` ends a zstd block after every record, as a
    writer that flushes per message would, so a cut can land between records."""
    import io

    import zstandard

    out = io.BytesIO()
    writer = zstandard.ZstdCompressor(level=3).stream_writer(out, closefd=False)
    for record in records:
        writer.write(struct.pack("<Q", len(record)) + record)
        if flush_each:
            writer.flush(zstandard.FLUSH_BLOCK)
    writer.close()
    return LEGACY_MAGIC + version + out.getvalue()


def log_paths(events: list) -> list[tuple]:
    return [(e[0], e[1]) if e[0] == "log" else (e[0], e[1].get("entity_path")) for e in events]


def test_recompressed_records_decode_identically():
    data, _ = load_fixture("mixed")
    original = decoded(data)[0]
    again = decoded(legacy_file(records_of(data), flush_each=True))[0]
    assert log_paths(again) == log_paths(original)
    for a, b in zip(again, original):
        if a[0] == "log":
            assert a[3].drop_columns(["timeline:time:log_time"] if "timeline:time:log_time" in a[3].schema.names else []).equals(
                b[3].drop_columns(["timeline:time:log_time"] if "timeline:time:log_time" in b[3].schema.names else [])
            )


def test_torn_tail_stops_cleanly_after_the_complete_records():
    data, _ = load_fixture("points")
    full = rows_by_entity(decoded(data)[0])
    streamed = legacy_file(records_of(data), flush_each=True)
    seen_counts = set()
    for cut in range(8, len(streamed), max(1, len(streamed) // 40)):
        events, warnings = decoded(streamed[:cut])
        assert len(warnings) == 1 and "torn tail" in warnings[0], cut
        assert "complete records" in warnings[0]
        rows = rows_by_entity(events)
        for entity_path, got in rows.items():
            if got != full[entity_path][: len(got)]:
                # Only possible difference: the cut fell between a splat and its instanced message,
                # so the splat comes out as a row of its own that says it is one.
                assert got[:-1] == full[entity_path][: len(got) - 1], cut
                assert got[-1][1]["rerun.instance_key"] == [2**64 - 1], cut
        seen_counts.add(sum(len(r) for r in rows.values()))
    assert len(seen_counts) > 5  # the cuts really landed at many different records


def test_torn_tail_of_a_single_block_file_gives_no_rows_and_a_warning():
    data, _ = load_fixture("images")
    events, warnings = decoded(data[: len(data) // 2])
    assert events == []
    assert "torn tail" in warnings[0] and "read 0 complete records" in warnings[0]


def test_torn_tail_through_recording_load(tmp_path):
    recording_module = pytest.importorskip("rerun.recording")
    data, _ = load_fixture("points")
    streamed = legacy_file(records_of(data), flush_each=True)
    path = tmp_path / "torn.rrd"
    path.write_bytes(streamed[: len(streamed) * 2 // 3])
    recording = recording_module.load(path)
    assert any("torn tail" in w for w in recording.warnings)
    assert recording.entity_paths  # the complete records before the cut are there


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "not an .rrd file"),
        (b"RRF0\x00\x04", "not an .rrd file"),
        (b"RRPY\x01\x00\x00\x00", "not an .rrd file"),
        (b"GIF89a\x00\x00garbage", "not an .rrd file"),
    ],
)
def test_not_an_rrd_file(data, message):
    with pytest.raises(WireError, match=message):
        decoded(data)


def test_is_legacy_rrd_looks_at_the_magic():
    data, _ = load_fixture("points")
    assert is_legacy_rrd(data)
    assert not is_legacy_rrd(b"RRPY" + data[4:])


def test_other_writer_version_warns_and_still_reads():
    data, _ = load_fixture("points")
    newer = data[:4] + bytes([0, 9, 1, 0]) + data[8:]
    events, warnings = decoded(newer)
    assert "Rerun 0.9.1" in warnings[0] and "trying anyway" in warnings[0]
    assert log_paths(events) == log_paths(decoded(data)[0])


def test_corrupt_zstd_data_is_a_warning_naming_where():
    data, _ = load_fixture("mixed")
    broken = data[:8] + b"\x00" * 4 + data[12:]  # destroy the zstd frame magic
    events, warnings = decoded(broken)
    assert events == []
    assert len(warnings) == 1 and "compressed stream is damaged at byte 8 of the file" in warnings[0] and "cannot be decoded" in warnings[0]


def test_impossible_record_lengths_skip_that_record_and_keep_the_rest():
    data, _ = load_fixture("points")
    records = records_of(data)
    import zstandard

    whole = decoded(legacy_file(records[:3]))[0]
    raw = b"".join(struct.pack("<Q", len(r)) + r for r in records[:3])
    cut = raw + struct.pack("<Q", 1000) + b"\x81" * 10  # claims 1000 bytes, 10 follow, and the stream ends cleanly
    events, warnings = decoded(LEGACY_MAGIC + b"\x00\x04\x00\x00" + zstandard.ZstdCompressor().compress(cut))
    assert log_paths(events) == log_paths(whole) and len(warnings) == 1 and "cut short" in warnings[0]
    # A length no record can have, between good records: skipped, and the record after it is found.
    huge = records[:2] + [None] + records[2:3]
    raw = b"".join(struct.pack("<Q", 1 << 62) + b"x" * 16 if r is None else struct.pack("<Q", len(r)) + r for r in huge)
    events, warnings = decoded(LEGACY_MAGIC + b"\x00\x04\x00\x00" + zstandard.ZstdCompressor().compress(raw))
    assert log_paths(events) == log_paths(whole)
    assert len(warnings) == 1 and "impossible start or length" in warnings[0] and "skipped 24 bytes" in warnings[0]


def test_corrupt_messagepack_skips_that_record_only():
    data, _ = load_fixture("points")
    records = records_of(data)
    assert records[1][:11] == b"\x81\xa8ArrowMsg\x92"
    events, warnings = decoded(legacy_file([records[0], records[1][:10] + b"\xc1" + records[1][11:]] + records[2:]))
    whole = decoded(legacy_file(records[:1] + records[2:]))[0]
    assert log_paths(events) == log_paths(whole)
    assert len(warnings) == 1 and "skipped record 1" in warnings[0] and "not valid MessagePack" in warnings[0]


def test_random_damage_never_raises_and_is_reported():
    """Flip bytes anywhere in the decompressed records: reading never raises, and the damage is reported."""
    data, _ = load_fixture("mixed")
    records = records_of(data)
    rng = np.random.default_rng(7)
    reported = 0
    for _ in range(60):
        damaged = [bytearray(r) for r in records]
        target = damaged[rng.integers(len(damaged))]
        for pos in rng.integers(0, len(target), size=3):
            target[pos] ^= int(rng.integers(1, 256))
        _, warnings = decoded(legacy_file([bytes(r) for r in damaged]))
        reported += bool(warnings)
    assert reported > 0  # the damage was really seen


def _synthetic_arrow_message(entity_path: str, components: dict[str, pa.Array]) -> bytes:
    """An ArrowMsg record shaped as 0.4.0 writes it (one row: timelines + components struct)."""
    import msgpack

    timelines = pa.array(
        [[{"timeline": "frame", "type": 1, "time": 5}]],
        type=pa.list_(pa.struct([("timeline", pa.utf8()), ("type", pa.uint8()), ("time", pa.int64())])),
    )
    cells = [pa.ListArray.from_arrays(pa.array([0, len(v)], pa.int32()), v) for v in components.values()]
    struct_column = pa.StructArray.from_arrays(cells, names=list(components))
    batch = pa.RecordBatch.from_arrays(
        [timelines, struct_column],
        schema=pa.schema(
            [("timelines", timelines.type), ("components", struct_column.type)],
            metadata={"RERUN:entity_path": entity_path},
        ),
    )
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return msgpack.packb({"ArrowMsg": [{"time_ns": 1, "inc": 2}, sink.getvalue().to_pybytes()]})


def test_unknown_component_is_kept_with_a_warning():
    data, _ = load_fixture("points")
    begin = records_of(data)[0]
    record = _synthetic_arrow_message(
        "things", {"rerun.size3d": pa.array([{"x": 1.0, "y": 2.0, "z": 3.0}]), "rerun.radius": pa.array([0.5], pa.float32())}
    )
    events, warnings = decoded(legacy_file([begin, record]))
    ((_, components),) = batch_rows(events[1][3])
    assert components["rerun.size3d"] == [{"x": 1.0, "y": 2.0, "z": 3.0}]  # passed through unchanged
    assert components["rerun.radius"] == [0.5]
    assert len(warnings) == 1 and "rerun.size3d" in warnings[0]


def test_warnings_become_events_when_no_list_is_given():
    data, _ = load_fixture("points")
    streamed = legacy_file(records_of(data), flush_each=True)
    events = list(read_legacy_rrd(streamed[: len(streamed) // 2]))
    assert events[-1][0] == "warning" and "torn tail" in events[-1][1]
    assert [e for e in events if e[0] == "warning"] == [events[-1]]


def test_import_rerun_does_not_load_the_legacy_decoders():
    code = "import sys, rerun, rerun.legacy; print(sorted({'zstandard', 'msgpack'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_0_5_file_is_refused_with_a_clear_message():
    import msgpack

    data, _ = load_fixture("points")
    begin = records_of(data)[0]
    # 0.5.1 keeps the container but its ArrowMsg is [recording_id, [row_id, time_point, ...]].
    arrow_0_5 = msgpack.packb({"ArrowMsg": [bytes(16), [{"time_ns": 1, "inc": 2}, [], b"..."]]})
    warnings: list[str] = []
    with pytest.raises(WireError, match="written by Rerun 0.5.1.*only the Rerun 0.4 message layout"):
        list(read_legacy_rrd(legacy_file([begin, arrow_0_5], version=b"\x00\x05\x01\x00"), warnings))
    assert "Rerun 0.5.1" in warnings[0]


def test_legacy_events_feed_the_viewer_store():
    """What a user sees in the viewer after opening a 0.4 file: the store answers from the converted rows."""
    store_module = pytest.importorskip("rerun_app.store")
    hub = store_module.StoreHub()
    for name in ("points", "mixed"):
        data, expected = load_fixture(name)
        for event in read_legacy_rrd(data, []):
            hub.add_event(event)

    _, points = load_fixture("points")
    points_store = hub.store(points["recording_id"])
    cloud = [e for e in points["events"] if e["entity_path"] == "world/cloud"]
    seen = points_store.latest_at("world/cloud", ("frame", "sequence"), 2)
    assert seen.num_instances == 20
    np.testing.assert_array_equal(seen.numpy("rerun.point3d"), np.asarray(cloud[2]["components"]["rerun.point3d"], np.float32))
    # The splat colour of that call, applied to every point.
    assert seen.numpy("rerun.colorrgba").tolist() == cloud[2]["components"]["rerun.colorrgba"] * 20

    mixed_store = hub.store(expected["recording_id"])  # mixed was read last
    indexed = 'world/"arm 1"/#3/-2'
    assert mixed_store.latest_at(indexed, ("frame", "sequence"), 6) is None  # logged at frame 7
    before_clear = mixed_store.latest_at("world/robot", ("frame", "sequence"), 6)
    assert before_clear is not None and "rerun.transform" in before_clear
    assert "rerun.transform" in mixed_store.latest_at("world/robot/arm", ("frame", "sequence"), 6)
    after_clear = mixed_store.latest_at("world/robot/arm", ("frame", "sequence"), 7)  # recursive clear at 7
    assert after_clear is None or "rerun.transform" not in after_clear
