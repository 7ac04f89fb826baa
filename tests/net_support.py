"""Loopback helpers shared by the tests that start real viewers (import as ``from net_support import ...``)."""

from __future__ import annotations

import random
import socket
import subprocess
import time

import pytest


def _ephemeral_range() -> range:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(x) for x in f.read().split())
        return range(low, high + 1)
    except (OSError, ValueError):
        return range(32768, 61000)


def free_port() -> int:
    """A TCP port nobody listens on right now (never 9876, which a developer's viewer may hold).

    Chosen below the kernel's ephemeral range: a port the kernel hands out with ``bind(0)`` can be taken again as
    the local port of some outgoing connection before the test's server binds it (seen under load).
    """
    ephemeral = _ephemeral_range()
    candidates = [p for p in range(20000, 32768) if p not in ephemeral and p not in (9876, 9877, 9090)]
    rng = random.Random()
    for port in rng.sample(candidates, 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free TCP port found in 20000..32767 after 200 tries")


def wait_listening(port: int, proc, timeout: float = 30) -> None:
    """Wait until something accepts connections on ``port``; fail the test if ``proc`` exits first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"viewer exited early: {proc.stderr.read()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail("viewer never listened")


def stop_processes(*procs, timeout: float = 10.0) -> None:
    """Terminate each process still running (``None`` entries are skipped); kill one that outlives ``timeout``."""
    for proc in procs:
        if proc is None or proc.poll() is not None:
            continue
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
