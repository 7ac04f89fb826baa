"""Issue 9 item 3: every incoming component is checked against its schema at ingest; a mistyped batch is
rejected with one warning per source and component, and the other entities' data is kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from bad_components import bad_type_recording, cells, good_points
from rerun.components import TYPES
from rerun_app.ingest.schema_check import ComponentTypeMismatch, check_components
from rerun.wire.log_table import build_log_batch

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rrd_v040"


def test_a_mistyped_file_keeps_the_good_entity_and_warns_once_per_component(tmp_path):
    path = tmp_path / "bad.rrd"
    bad_type_recording(path, bad_frames=20)
    stats_path = tmp_path / "stats.json"
    result = subprocess.run(
        [sys.executable, "-m", "rerun_app", str(path), "--headless", "--port", "0", "--exit-after-idle", "0.1",
         "--stats-json", str(stats_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    stats = json.loads(stats_path.read_text())
    (recording,) = stats["store"]["recordings"].values()
    assert recording["rows_per_entity"] == {"good/points": 3}  # nothing mistyped reached the store
    (source,) = stats["sources"]
    assert source["errors"] == 40
    warnings = [line for line in result.stderr.splitlines() if "expected list<" in line]
    assert len(warnings) == 2, result.stderr
    assert any("'rerun.point3d' has type list<item: string>" in w for w in warnings)
    assert any("'rerun.transform' has type list<item: string>" in w for w in warnings)


@pytest.mark.parametrize("name", sorted(TYPES))
def test_every_builtin_component_of_the_right_type_passes_and_a_wrong_column_does_not(name):
    right = build_log_batch("e", "r", {}, {name: pa.array([[]], pa.list_(TYPES[name]))})
    check_components(right)
    wrong_values = pa.array([1.5]) if pa.types.is_string(TYPES[name]) else pa.array(["x"])
    wrong = build_log_batch("e", "r", {}, {name: cells(wrong_values)})
    with pytest.raises(ComponentTypeMismatch, match=name):
        check_components(wrong)


def test_a_fixed_size_list_of_the_wrong_width_is_refused():
    points2 = cells(pa.FixedSizeListArray.from_arrays(pa.array([1.0, 2.0], pa.float32()), 2))
    with pytest.raises(ComponentTypeMismatch, match="rerun.point3d"):
        check_components(build_log_batch("e", "r", {}, {"rerun.point3d": points2}))
    check_components(build_log_batch("e", "r", {}, {"rerun.point3d": good_points()}))


def test_extension_components_pass_whatever_their_type():
    check_components(build_log_batch("e", "r", {}, {"ext.note": cells(pa.array(["any"])), "ext.n": cells(pa.array([1]))}))


def test_every_0_4_0_fixture_passes_the_check():
    from rerun.recording import load

    files = sorted(FIXTURES.glob("*.rrd"))
    assert files
    for path in files:
        for event in load(str(path)).events():
            if event[0] == "log":
                check_components(event[3])
