"""``rerun print FILE.rrd`` / ``python -m rerun print``, bad files, and the hand-over to the viewer."""

from __future__ import annotations

import importlib.util
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

BIN = pathlib.Path(sys.executable).parent


def run(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RERUN")}
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> pathlib.Path:
    path = tmp_path_factory.mktemp("cli") / "demo.rrd"
    code = f"""
        import pyarrow as pa
        import rerun as rr
        from rerun import _session
        rr.init("cli_demo")
        rr.save({str(path)!r})
        for i in range(3, 8):
            rr.set_time_sequence("frame", i)
            rr.set_time_seconds("sim", i * 0.5)
            _session.log_scalar_row("plots/a", float(i), "a", None, None, None)
        _session.log("world/points", {{"rerun.radius": pa.array([1.0, 2.0], pa.float32())}}, timeless=True)
        _session.log_clear("world", recursive=True)
        print(rr.get_recording_id())
    """
    result = run([sys.executable, "-c", textwrap.dedent(code)])
    assert result.returncode == 0, result.stderr
    path.with_suffix(".id").write_text(result.stdout.strip())
    return path


def _check_summary(text: str, recording: pathlib.Path) -> None:
    recording_id = recording.with_suffix(".id").read_text()
    lines = text.splitlines()
    assert "application id: cli_demo" in lines
    assert f"recording id: {recording_id}" in lines
    assert "closed cleanly: yes" in lines
    plots = lines.index("plots/a")
    block = "\n".join(lines[plots : plots + 6])
    assert "messages: 5" in block
    assert "components: rerun.scalar, rerun.label" in block
    assert "timeline frame (sequence): 3 .. 7" in block
    assert "timeline sim (time): 1.5 s .. 3.5 s" in block
    points = lines.index("world/points")
    assert lines[points + 1].strip() == "messages: 1 (1 timeless)"
    assert lines[points + 2].strip() == "components: rerun.radius"
    assert "clears: 1" in lines


def test_python_m_rerun_print(recording):
    result = run([sys.executable, "-m", "rerun", "print", str(recording)])
    assert result.returncode == 0, result.stderr
    _check_summary(result.stdout, recording)


def test_rerun_console_script_print(recording):
    script = BIN / "rerun"
    if not script.exists():
        pytest.skip("the rerun console script is not installed in this environment")
    result = run([str(script), "print", str(recording)])
    assert result.returncode == 0, result.stderr
    _check_summary(result.stdout, recording)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"GIF89a" + bytes(20), "not a rerun stream"), (b"RRPY\x09\x00\x00\x00", "newer"), (None, "No such file")],
)
def test_bad_file_is_one_line_and_exit_code_2(tmp_path, content, message):
    path = tmp_path / "bad.rrd"
    if content is not None:
        path.write_bytes(content)
    result = run([sys.executable, "-m", "rerun", "print", str(path)])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr and str(path) in result.stderr


def test_print_needs_exactly_one_file():
    result = run([sys.executable, "-m", "rerun", "print"])
    assert result.returncode == 2 and "exactly one" in result.stderr


def test_other_arguments_go_to_the_viewer():
    result = run([sys.executable, "-m", "rerun", "--help"])
    if importlib.util.find_spec("rerun_app") is None:
        assert result.returncode == 2
        assert "viewer (package rerun_app) is not available" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout.lower()
    assert "print" not in result.stdout.splitlines()[0]  # the viewer's usage, not ours
