"""``rec.table(path).to_pydict()`` / ``.to_pylist()``: the obvious first call works without pandas.

pyarrow turns a ``timestamp[ns]`` value into a Python ``datetime`` only when it is a whole microsecond, or
through pandas. ``Recording.table`` therefore gives time timelines to the microsecond by default (truncated,
the resolution of ``datetime``) and to the nanosecond with ``time_unit="ns"``. Each check runs in a fresh
interpreter where ``import pandas`` fails, so it holds whether or not pandas is installed here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

LEGACY_FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "rrd_v040" / "mixed.rrd"

WITHOUT_PANDAS = """
import sys


class _NoPandas:  # ``import pandas`` raises ModuleNotFoundError, as in a venv without it
    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _NoPandas())
"""


def run_without_pandas(code: str, *args: str) -> dict:
    script = WITHOUT_PANDAS + textwrap.dedent(code)
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def recording_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pydict") / "times.rrd"
    code = f"""
        import rerun as rr
        rr.init("pydict")
        rr.save({str(path)!r})
        for i in range(3):
            rr.set_time_sequence("frame", i)
            rr.set_time_seconds("sim_time", i / 3)            # 333333333.3 ns: not a whole microsecond
            rr.set_time_nanos("sensor", 1_000_000_123 + i)   # sub-microsecond sensor stamps
            rr.log_scalar("plot", float(i))
        rr.log_points("static", [[1, 2, 3]], timeless=True)
    """
    subprocess.run([sys.executable, "-c", textwrap.dedent(code)], check=True, timeout=120)
    return path


def test_pandas_is_really_blocked_in_the_check():
    got = run_without_pandas(
        """
        import json, pyarrow as pa
        try:
            pa.array([1], pa.timestamp("ns")).to_pylist()
        except ValueError as exc:
            print(json.dumps({"raised": "pandas" in str(exc)}))
        else:
            print(json.dumps({"raised": False}))
        """
    )
    assert got == {"raised": True}  # the pyarrow failure the default table() avoids


def test_to_pydict_and_to_pylist_work_without_pandas(recording_path):
    got = run_without_pandas(
        """
        import datetime, json, sys
        import rerun.recording
        rec = rerun.recording.load(sys.argv[1])
        table = rec.table("plot")
        columns = table.to_pydict()
        rows = table.to_pylist()
        static = rec.table("static").to_pylist()
        iso = lambda values: [v.isoformat() if isinstance(v, datetime.datetime) else v for v in values]
        print(json.dumps({
            "names": list(columns),
            "frame": columns["frame"],
            "sim_time": iso(columns["sim_time"]),
            "sensor": iso(columns["sensor"]),
            "log_time_is_datetime": all(isinstance(v, datetime.datetime) for v in columns["log_time"]),
            "scalar": columns["rerun.scalar"],
            "rows": len(rows),
            "first_row_keys": sorted(rows[0]),
            "static": [{k: v for k, v in row.items()} for row in static],
        }))
        """,
        str(recording_path),
    )
    assert got["names"] == ["frame", "log_time", "sensor", "sim_time", "rerun.scalar"]
    assert got["frame"] == [0, 1, 2]
    # i / 3 seconds and 1 s + 123 ns + i, each truncated to the microsecond
    assert got["sim_time"] == ["1970-01-01T00:00:00", "1970-01-01T00:00:00.333333", "1970-01-01T00:00:00.666666"]
    assert got["sensor"] == ["1970-01-01T00:00:01"] * 3
    assert got["log_time_is_datetime"]
    assert got["scalar"] == [[0.0], [1.0], [2.0]]
    assert got["rows"] == 3 and got["first_row_keys"] == sorted(got["names"])
    assert got["static"] == [{"log_time": None, "rerun.point3d": [[1.0, 2.0, 3.0]]}]


def test_time_unit_ns_keeps_every_nanosecond(recording_path):
    got = run_without_pandas(
        """
        import json, sys
        import pyarrow as pa
        import rerun.recording
        table = rerun.recording.load(sys.argv[1]).table("plot", time_unit="ns")
        print(json.dumps({
            "types": [str(table.schema.field(n).type) for n in ("log_time", "sensor", "sim_time")],
            "sensor": table.column("sensor").cast(pa.int64()).to_pylist(),
            "sim_time": table.column("sim_time").cast(pa.int64()).to_pylist(),
        }))
        """,
        str(recording_path),
    )
    assert got["types"] == ["timestamp[ns]"] * 3
    assert got["sensor"] == [1_000_000_123, 1_000_000_124, 1_000_000_125]
    assert got["sim_time"] == [0, round(1e9 / 3), round(2e9 / 3)]


def test_a_0_4_0_recording_converts_too():
    got = run_without_pandas(
        """
        import json, sys
        import rerun.recording
        rec = rerun.recording.load(sys.argv[1])
        print(json.dumps({p: len(rec.table(p).to_pylist()) for p in rec.entity_paths}))
        """,
        str(LEGACY_FIXTURE),
    )
    assert got["plots/sine"] == 6 and len(got) > 10


def test_unknown_time_unit_is_refused():
    import rerun.recording

    with pytest.raises(ValueError, match="time_unit.*'us' or 'ns'.*'ms'"):
        rerun.recording.load(LEGACY_FIXTURE).table("plots/sine", time_unit="ms")
