"""Issue 9 items 9 and 10: a failed input makes the CLI exit non-zero naming it; a non-loopback --bind warns."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from net_support import free_port

from rerun_app.cli import non_loopback_warning


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rerun_app", *args], capture_output=True, text=True, timeout=timeout)


def test_screenshot_of_a_missing_file_exits_non_zero_naming_it_and_writes_no_picture(tmp_path):
    missing = tmp_path / "MISSING.rrd"
    out = tmp_path / "out.png"
    result = _run(str(missing), "--screenshot", str(out))
    assert result.returncode == 1, result.stderr[-2000:]
    assert f"rerun: error: cannot read {str(missing)!r}" in result.stderr
    assert not out.exists()


def test_screenshot_of_an_unreadable_file_exits_non_zero_naming_it(tmp_path):
    unreadable = tmp_path / "folder.rrd"  # exists, but reading it fails (a mode-0 file would not stop root)
    unreadable.mkdir()
    out = tmp_path / "out.png"
    result = _run(str(unreadable), "--screenshot", str(out))
    assert result.returncode == 1
    assert f"cannot read {str(unreadable)!r}" in result.stderr and "Is a directory" in result.stderr
    assert not out.exists()


def test_screenshot_of_a_file_that_is_not_a_recording_exits_non_zero(tmp_path):
    bad = tmp_path / "notes.rrd"
    bad.write_text("just some notes")
    out = tmp_path / "out.png"
    result = _run(str(bad), "--screenshot", str(out))
    assert result.returncode == 1
    assert str(bad) in result.stderr and "not a rerun recording" in result.stderr
    assert not out.exists()


def test_screenshot_of_an_unfetchable_url_exits_non_zero_naming_it(tmp_path):
    with socket.socket() as s:  # a port nobody listens on: the fetch is refused
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/missing.rrd"
    out = tmp_path / "out.png"
    result = _run(url, "--screenshot", str(out))
    assert result.returncode == 1
    assert url in result.stderr
    assert not out.exists()


def test_headless_with_a_missing_file_still_serves_then_exits_non_zero(tmp_path):
    missing = tmp_path / "gone.rrd"
    result = _run(str(missing), "--headless", "--port", str(free_port()), "--exit-after-idle", "0.1")
    assert result.returncode == 1
    assert f"cannot read {str(missing)!r}" in result.stderr


@pytest.mark.parametrize("bind", ["0.0.0.0", "::", "192.168.1.7", "example.org"])
def test_a_non_loopback_bind_gets_a_warning(bind):
    warning = non_loopback_warning(bind)
    assert warning is not None and bind in warning and "other hosts" in warning


@pytest.mark.parametrize("bind", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_a_loopback_bind_gets_none(bind):
    assert non_loopback_warning(bind) is None


def test_the_viewer_started_on_all_interfaces_prints_the_warning(viewer_factory):
    started = viewer_factory("--bind", "0.0.0.0", "--exit-after-idle", "0.1")
    started.stop()
    assert "rerun: warning: --bind 0.0.0.0 accepts connections from other hosts" in started.stderr


@pytest.mark.parametrize("text, rate", [("1MB", 10**6), ("512KiB", 512 << 10), ("2 MB/s", 2 * 10**6), ("100000", 100000)])
def test_min_frame_rate_takes_a_size_per_second(text, rate):
    from rerun_app.cli import build_parser

    assert build_parser().parse_args(["--min-frame-rate", text]).min_frame_rate == rate


@pytest.mark.parametrize("text", ["abc", "0", "1MB/h", "5%"])
def test_a_bad_min_frame_rate_is_refused_naming_it(text, capsys):
    from rerun_app.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["--min-frame-rate", text])
    assert f"--min-frame-rate: expected bytes per second like '1MB' or '512KiB', got {text!r}" in capsys.readouterr().err
