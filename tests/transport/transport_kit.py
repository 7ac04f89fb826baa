"""Helpers for transport tests: free ports, a real headless viewer process, and a /dev/shm leak check.

Imported by name (`from transport_kit import ...`): test modules must not import `conftest`, a name every
test directory shares. The fixtures defined here are registered through this directory's conftest.py.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from net_support import free_port  # noqa: F401  (re-exported to the tests here)

HERE = Path(__file__).resolve().parent

SHM = Path("/dev/shm")




def ring_files() -> set[str]:
    return {p.name for p in SHM.glob("rerun-ring-*")}


class HeadlessViewer:
    """``python -m rerun_app --headless`` on a free port, with ``--save`` and ``--stats-json``."""

    def __init__(self, tmp_path: Path, *extra: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.save_path = tmp_path / f"viewer-{self.port}.rrd"
        self.stats_path = tmp_path / f"viewer-{self.port}.json"
        read_fd, write_fd = os.pipe()
        cmd = [
            sys.executable, "-m", "rerun_app", "--headless", "--port", str(self.port),
            "--save", str(self.save_path), "--stats-json", str(self.stats_path), "--ready-fd", str(write_fd), *extra,
        ]
        self.proc = subprocess.Popen(cmd, pass_fds=(write_fd,), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        os.close(write_fd)
        try:
            readable, _, _ = select.select([read_fd], [], [], 60)  # generous: imports are slow on a loaded machine
            ready = os.read(read_fd, 16) if readable else b""
        finally:
            os.close(read_fd)
        if b"ready" not in ready:
            self.proc.kill()
            out, err = self.proc.communicate()
            raise RuntimeError(f"headless viewer did not start: {err[-2000:]}")
        self.stdout = ""
        self.stderr = ""

    @property
    def addr(self) -> str:
        return f"127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 15) -> dict:
        """SIGTERM, wait, and return the stats JSON it wrote on exit."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.stdout, self.stderr = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.stdout, self.stderr = self.proc.communicate()
            # The viewer dumps every thread's stack to stderr when its shutdown hangs: show where.
            pytest.fail(f"headless viewer did not exit within {timeout} s of SIGTERM; its stderr:\n{self.stderr[-6000:]}")
        return json.loads(self.stats_path.read_text())

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


@pytest.fixture
def viewer(tmp_path):
    """A started headless viewer; killed after the test whatever happens."""
    started = HeadlessViewer(tmp_path)
    try:
        yield started
    finally:
        started.kill()


@pytest.fixture
def viewer_factory(tmp_path):
    started: list[HeadlessViewer] = []

    def make(*extra: str, port: int | None = None) -> HeadlessViewer:
        v = HeadlessViewer(tmp_path, *extra, port=port)
        started.append(v)
        return v

    try:
        yield make
    finally:
        for v in started:
            v.kill()


def run_logger(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run tests/transport/logger_proc.py with ``args``; returns the completed process."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, str(HERE / "logger_proc.py"), *args], capture_output=True, text=True, timeout=timeout, env=full_env)


def start_logger(*args: str, env: dict | None = None) -> subprocess.Popen:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.Popen([sys.executable, str(HERE / "logger_proc.py"), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env)


@pytest.fixture(autouse=True)
def small_rings(monkeypatch):
    """Small rings keep these many-process tests light (and exercise wrap-around and chunking);
    the default (256 MiB) is what bench/transport.py measures. Scoped to this directory's tests."""
    if "RERUN_RING_BYTES" not in os.environ:
        monkeypatch.setenv("RERUN_RING_BYTES", str(4 << 20))


@pytest.fixture(autouse=True)
def no_leaked_rings():
    """Every test must leave /dev/shm as it found it (rings are unlinked once both sides mapped them)."""
    before = ring_files()
    yield
    deadline = time.monotonic() + 30  # returns as soon as they are gone; a loaded machine unmaps them late
    while time.monotonic() < deadline:
        leaked = ring_files() - before
        if not leaked:
            return
        time.sleep(0.05)
    pytest.fail(f"shared-memory rings left in /dev/shm: {sorted(leaked)}")
