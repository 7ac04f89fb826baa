"""Starting a viewer process and waiting for its readiness signal (a pipe, never a sleep)."""

from __future__ import annotations

import logging
import os
import select
import shlex
import socket
import subprocess
import sys
import tempfile
import time

from rerun.transport.address import Address
from rerun.transport.handshake import PROTOCOL_VERSION, encode_handshake, read_handshake
from rerun.wire.frames import WireError

READY_TIMEOUT_S = 5.0
READY_LINE = b"ready"

#: Viewers started by this process (kept referenced so Popen never warns about them at exit).
spawned: list[subprocess.Popen] = []
#: Where each spawned viewer writes its own messages (stdout and stderr), by process id.
viewer_logs: dict[int, str] = {}
#: How much of a viewer's log a start failure repeats.
LOG_TAIL_CHARS = 2000


class ViewerNotReady(RuntimeError):
    """The spawned viewer exited or did not signal readiness in time."""


def probe_viewer(address: Address, timeout: float = 1.0) -> bool:
    """Whether a rerun viewer answers at ``address``.

    Returns False when nothing listens there.

    Raises
    ------
    RuntimeError
        If something listens but is not a rerun viewer (the port is taken by another program).
    """
    try:
        sock = socket.create_connection((address.host, address.port), timeout=timeout)
    except OSError:
        return False
    try:
        sock.settimeout(timeout)
        sock.sendall(encode_handshake({"protocol": PROTOCOL_VERSION, "probe": True, "pid": os.getpid()}))
        reply = read_handshake(sock)
    except (OSError, WireError, ConnectionError) as exc:
        raise RuntimeError(
            f"port {address.port} on {address.host} is taken by a program that is not a rerun viewer "
            f"({type(exc).__name__}: {exc}); pass another port: rr.spawn(port=...)"
        ) from None
    finally:
        sock.close()
    return bool(reply.get("ok"))


def viewer_command(port: int, ready_fd: int, extra_args: list[str] | None = None) -> list[str]:
    """The command line of a spawned viewer.

    Env ``RERUN_VIEWER_ARGS`` adds arguments (e.g. ``--headless --save out.rrd``); they come first,
    so the port ``spawn`` connects to always wins over a ``--port`` in them.
    """
    cmd = [sys.executable, "-m", "rerun_app", *shlex.split(os.environ.get("RERUN_VIEWER_ARGS", ""))]
    cmd += list(extra_args or [])
    cmd += ["--port", str(port), "--ready-fd", str(ready_fd)]
    return cmd


def _log_tail(path: str) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(max(os.path.getsize(path) - LOG_TAIL_CHARS, 0))
            return f.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


def start_viewer(port: int, extra_args: list[str] | None = None, timeout: float = READY_TIMEOUT_S) -> subprocess.Popen:
    """Start ``python -m rerun_app`` in its own process session and wait until it listens.

    The viewer holds none of this program's stdio: its stdout and stderr go to a log file
    (``viewer_logs[proc.pid]``, named in a debug message), so a program whose output is piped sees
    EOF when it exits even while the viewer runs on. A start failure repeats the log's end.

    Raises
    ------
    ViewerNotReady
        If the viewer exits first (the message quotes its log) or is not ready within ``timeout``.
    """
    fd, log_path = tempfile.mkstemp(prefix=f"rerun-viewer-{port}-", suffix=".log")
    read_fd, write_fd = os.pipe()
    try:
        proc = subprocess.Popen(
            viewer_command(port, write_fd, extra_args),
            pass_fds=(write_fd,),
            stdin=subprocess.DEVNULL,
            stdout=fd,
            stderr=fd,
            start_new_session=True,
        )
    except BaseException:
        os.close(read_fd)
        os.close(write_fd)
        raise
    finally:
        os.close(fd)
    os.close(write_fd)
    spawned.append(proc)
    viewer_logs[proc.pid] = log_path
    logging.getLogger("rerun").debug("rr.spawn: viewer (pid %d) writes its messages to %s", proc.pid, log_path)
    try:
        deadline = time.monotonic() + timeout
        received = b""
        while READY_LINE not in received:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                proc.kill()
                proc.wait()
                raise ViewerNotReady(f"the viewer did not become ready within {timeout:.0f} s (port {port}); "
                                     f"its log {log_path}:\n{_log_tail(log_path)}")
            readable, _, _ = select.select([read_fd], [], [], remaining)
            if readable:
                part = os.read(read_fd, 64)
                if not part:  # the viewer closed the pipe: it exited (or failed) before listening
                    code = proc.wait(timeout=2)
                    raise ViewerNotReady(
                        f"the viewer exited with code {code} before it was ready; its log {log_path} says:\n"
                        f"{_log_tail(log_path)}\n"
                        "Without a display, run it headless (python -m rerun_app --headless), take a "
                        "screenshot (rerun FILE.rrd --screenshot out.png), or log to a file with rr.save()."
                    )
                received += part
    finally:
        os.close(read_fd)
    return proc
