"""The edge-case matrix of Rerun 0.4.0 recordings (tests/fixtures/rrd_v040/edge_*.rrd, written by rerun-sdk 0.4.0
with make_edges.py) opened the three ways a user opens them: ``rerun.recording.load``, ``rerun print`` and the
viewer's ``--screenshot``. Each runs in a subprocess, so a crash of the process (a segfault in a converter, as
``rr.log_rects(path, [])`` once caused) is a test failure here instead of a dead pytest. The values themselves
are compared with the sidecars in tests/sdk/test_legacy_rrd.py (which reads the same files in-process).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from gl_support import headless_gl_env

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rrd_v040"
EDGE_FILES = sorted(FIXTURES.glob("edge_*.rrd"))
IDS = [path.stem for path in EDGE_FILES]


def expected_of(path: Path) -> dict:
    return json.loads(path.with_suffix(".expected.json").read_text())


def logged_rows(expected: dict) -> dict[str, int]:
    """Rows per entity path the sidecar says were logged."""
    rows: dict[str, int] = {}
    for event in expected["events"]:
        if event["kind"] == "log":
            rows[event["entity_path"]] = rows.get(event["entity_path"], 0) + 1
    return rows


def describe_exit(result: subprocess.CompletedProcess) -> str:
    if result.returncode < 0:
        return f"killed by {signal.Signals(-result.returncode).name}\n{result.stderr[-3000:]}"
    return f"exit status {result.returncode}\n{result.stderr[-3000:]}"


def test_the_matrix_is_there():
    assert len(EDGE_FILES) == 8
    for path in EDGE_FILES:
        assert path.read_bytes()[:4] == b"RRF0"
        assert expected_of(path)["written_by"].startswith("rerun-sdk 0.4.0")


@pytest.mark.parametrize("path", EDGE_FILES, ids=IDS)
def test_recording_load_in_a_subprocess(path):
    code = textwrap.dedent(
        """
        import json, sys
        import rerun.recording
        rec = rerun.recording.load(sys.argv[1])
        print(json.dumps({"warnings": rec.warnings,
                          "rows": {p: rec.table(p).num_rows for p in rec.entity_paths},
                          "clears": [[c["entity_path"], c["recursive"]] for c in rec.clears]}))
        """
    )
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, describe_exit(result)
    got = json.loads(result.stdout)
    expected = expected_of(path)
    assert got["warnings"] == []
    assert got["rows"] == logged_rows(expected)
    assert got["clears"] == [[e["entity_path"], e["recursive"]] for e in expected["events"] if e["kind"] == "clear"]


@pytest.mark.parametrize("path", EDGE_FILES, ids=IDS)
def test_rerun_print_lists_what_was_logged(path):
    result = subprocess.run([sys.executable, "-m", "rerun", "print", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, describe_exit(result)
    expected = expected_of(path)
    lines = result.stdout.splitlines()
    assert f"recording id: {expected['recording_id']}" in lines
    rows = logged_rows(expected)
    assert f"entities: {len(rows)}" in lines
    listed = {line: lines[i + 1].strip() for i, line in enumerate(lines[:-1]) if not line.startswith(" ") and line in rows}
    assert listed == {entity: f"messages: {count}" for entity, count in rows.items()}


@pytest.mark.gl
@pytest.mark.parametrize("path", EDGE_FILES, ids=IDS)
def test_viewer_screenshot_of_every_edge_file(egl_available, path, tmp_path):
    import imageio.v3 as iio

    out = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "-m", "rerun_app", str(path), "--screenshot", str(out), "--size", "640x480"],
        env=headless_gl_env(), capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, describe_exit(result)
    assert "Traceback" not in result.stderr
    image = iio.imread(out)
    assert image.shape == (480, 640, 3)
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 16  # panels and views were drawn, not a blank frame


# --- conversion failures are per-row warnings, never a signal ---------------------------------------------------


def _union_without_buffers(length: int) -> pa.Array:
    """A dense union as arrow2 writes an empty one: no type-id and no offset buffers."""
    child_type = pa.list_(pa.field("item", pa.float32(), nullable=False), 4)
    union_type = pa.dense_union([pa.field("XYWH", child_type), pa.field("XYXY", child_type)])
    children = [pa.array([], type=child_type), pa.array([], type=child_type)]
    return pa.UnionArray.from_buffers(union_type, length, [None, None, None], children=children)


def test_empty_union_without_buffers_converts_to_no_rects():
    # In a subprocess: before the fix this exact array killed the interpreter with SIGSEGV.
    code = textwrap.dedent(
        """
        import sys
        sys.path.insert(0, sys.argv[1])
        from test_legacy_edge_files import _union_without_buffers
        from rerun.legacy.convert import convert_component
        warnings = []
        out = convert_component("rerun.rect2d", _union_without_buffers(0), warnings, set())
        print(len(out), out.type, warnings)
        """
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH")])))
    result = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent)], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, describe_exit(result)
    assert result.stdout.startswith("0 struct<format: string")
    assert result.stdout.rstrip().endswith("[]")


def test_union_missing_its_buffers_is_a_warning_and_the_row_keeps_the_rest():
    from rerun.legacy.convert import convert_component

    warnings: list[str] = []
    converted = convert_component("rerun.rect2d", _union_without_buffers(2), warnings, set(), "record 7 ('boxes')")
    assert converted is None
    assert warnings == [
        "record 7 ('boxes'): component 'rerun.rect2d' (dense_union<XYWH: fixed_size_list<item: float not null>[4]=0,"
        " XYXY: fixed_size_list<item: float not null>[4]=1>) could not be converted (ConversionError: dense union of"
        " 2 instances lacks its type ids): dropped from this row"
    ]


def test_union_offset_beyond_its_variant_is_a_warning():
    from rerun.legacy.convert import MAX_FAILURES_REPORTED, convert_component

    child_type = pa.list_(pa.field("item", pa.float32(), nullable=False), 4)
    union = pa.UnionArray.from_dense(
        pa.array([0, 0], pa.int8()), pa.array([0, 5], pa.int32()), [pa.array([[1, 2, 3, 4]], type=child_type)], ["XYWH"]
    )
    warnings: list[str] = []
    warned: set[str] = set()
    for record in range(MAX_FAILURES_REPORTED + 3):
        assert convert_component("rerun.rect2d", union, warnings, warned, f"record {record}") is None
    assert len(warnings) == MAX_FAILURES_REPORTED  # reported per row up to a cap, then only once more said so
    assert all("union offset beyond the instances of its variant" in w for w in warnings)
    assert warnings[0].startswith("record 0: ")
    assert "further failures of 'rerun.rect2d' are not reported" in warnings[-1]


FUZZ = """
import json, random, struct, sys
import msgpack, zstandard
from rerun.legacy import read_legacy_rrd
from rerun.wire import WireError

rng = random.Random(int(sys.argv[1]))
outcomes = {"read": 0, "skipped_record": 0, "wire_error": 0}
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    raw = zstandard.ZstdDecompressor().decompressobj().decompress(data[8:])
    records, pos = [], 0
    while pos < len(raw):
        (length,) = struct.unpack_from("<Q", raw, pos)
        records.append(raw[pos + 8 : pos + 8 + length])
        pos += 8 + length
    arrow = [i for i, r in enumerate(records) if r[:12].find(b"ArrowMsg") >= 0]
    for _ in range(12):
        damaged = list(records)
        index = rng.choice(arrow)
        message = msgpack.unpackb(damaged[index])
        payload = bytearray(message["ArrowMsg"][1])
        for _ in range(rng.randint(1, 4)):  # inside the Arrow IPC bytes: buffers, offsets, type ids
            payload[rng.randrange(len(payload))] = rng.randrange(256)
        message["ArrowMsg"][1] = bytes(payload)
        damaged[index] = msgpack.packb(message)
        stream = b"".join(struct.pack("<Q", len(r)) + r for r in damaged)
        warnings = []
        try:
            list(read_legacy_rrd(data[:8] + zstandard.ZstdCompressor().compress(stream), warnings))
            outcomes["skipped_record" if any("skipped record" in w for w in warnings) else "read"] += 1
        except WireError:
            outcomes["wire_error"] += 1
print(json.dumps(outcomes))
"""


def test_damaged_arrow_payloads_of_edge_files_never_crash_the_reader():
    """Bytes flipped inside the Arrow data of each edge file: the file reads (a component that no longer
    converts is dropped with a warning, or the damaged record is skipped with one); never a signal or another
    exception, and damage never makes the reader refuse a 0.4.0 file (no WireError)."""
    result = subprocess.run(
        [sys.executable, "-c", FUZZ, "11", *map(str, EDGE_FILES)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, describe_exit(result)
    outcomes = json.loads(result.stdout)
    assert sum(outcomes.values()) == 12 * len(EDGE_FILES)
    assert outcomes["wire_error"] == 0
    assert outcomes["skipped_record"] > 0 and outcomes["read"] > 0  # the damage was seen, and some records still converted
