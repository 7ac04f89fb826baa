"""Helpers for the example smoke tests: run an example script for real, read back what it recorded."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
from rerun.recording import Recording, load
from net_support import free_port  # noqa: F401  (re-exported to the tests here)

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
EXAMPLE_TIMEOUT_S = 120


def example_env() -> dict:
    """The environment examples run in: strict mode (a bad log call fails the run), no display."""
    env = dict(os.environ)
    env["RERUN_STRICT"] = "1"
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.setdefault("RERUN_RING_BYTES", str(4 << 20))  # small rings when an example connects to a viewer
    return env


def run_script(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``examples/<name>/main.py args`` and fail the test (showing stderr) unless it exits 0."""
    command = [sys.executable, str(EXAMPLES / name / "main.py"), *args]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=EXAMPLE_TIMEOUT_S, env=example_env(),
                          cwd=cwd)
    assert proc.returncode == 0, f"{' '.join(command)} exited with {proc.returncode}:\n{proc.stderr[-4000:]}"
    assert "Ignoring rerun log call" not in proc.stderr, proc.stderr[-4000:]
    return proc


def run_example(name: str, tmp_path: Path, *args: str) -> tuple[Recording, subprocess.CompletedProcess]:
    """Run an example with ``--save`` into ``tmp_path`` and load the complete recording it wrote."""
    out = tmp_path / f"{name}.rrd"
    proc = run_script(name, *args, "--save", str(out), cwd=tmp_path)
    recording = load(out)
    assert recording.complete, f"{out} has no GOODBYE: the example did not close its recording"
    assert recording.warnings == []
    return recording, proc


def columns(recording: Recording, entity_path: str) -> dict[str, list]:
    """Every column of ``entity_path`` as a Python list; time timelines as int64 nanoseconds."""
    table = recording.table(entity_path, time_unit="ns")
    out = {}
    for name in table.column_names:
        column = table[name]
        if pa.types.is_timestamp(column.type):
            column = column.cast(pa.int64())
        out[name] = column.to_pylist()
    return out


def tensor_of(cell: dict) -> np.ndarray:
    """A ``rerun.tensor`` value (as a Python dict) decoded into a numpy array of its shape and dtype."""
    return np.frombuffer(cell["data"], dtype=np.dtype(cell["dtype"])).reshape(cell["shape"])




class HeadlessViewer:
    """A real ``python -m rerun_app --headless`` process on a free port that records what it receives."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.save_path = tmp_path / "viewer.rrd"
        read_fd, write_fd = os.pipe()
        command = [sys.executable, "-m", "rerun_app", "--headless", "--port", str(self.port),
                   "--save", str(self.save_path), "--ready-fd", str(write_fd)]
        self.proc = subprocess.Popen(command, pass_fds=(write_fd,), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=example_env())
        os.close(write_fd)
        try:
            readable, _, _ = select.select([read_fd], [], [], 30)
            ready = os.read(read_fd, 16) if readable else b""
        finally:
            os.close(read_fd)
        if b"ready" not in ready:
            self.kill()
            raise RuntimeError(f"the headless viewer did not start: {self.proc.stderr.read()[-2000:]}")

    @property
    def addr(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> Recording:
        """SIGTERM (the viewer completes its --save file) and load what it recorded."""
        self.proc.send_signal(signal.SIGTERM)
        _, stderr = self.proc.communicate(timeout=30)
        assert self.proc.returncode == 0, stderr[-2000:]
        return load(self.save_path)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


def is_timeless(recording: Recording, entity_path: str) -> bool:
    """Whether every row of ``entity_path`` is timeless (null on every timeline, ``log_time`` included)."""
    table = columns(recording, entity_path)
    return all(all(v is None for v in table[name]) for name, _ in recording.timelines(entity_path))
