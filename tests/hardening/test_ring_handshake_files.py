"""Issue 9 item 5: a ring handshake never removes a /dev/shm file that is not a live ring of the connected peer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from rerun.transport.handshake import PROTOCOL_VERSION, encode_handshake, read_handshake
from rerun.transport.ring import HEADER_BYTES, NAME_PREFIX, RingWriter

SHM = "/dev/shm"

RING_OWNER = """
import sys
from rerun.transport.ring import RingWriter
ring = RingWriter(1 << 20)
print(ring.name, ring.capacity, flush=True)
sys.stdin.readline()
ring.close()
"""


def _handshake(port: int, pid: int, name: str, capacity: int) -> dict:
    hello = {"protocol": PROTOCOL_VERSION, "pid": pid, "ring": {"name": name, "capacity": capacity}}
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(encode_handshake(hello))
        return read_handshake(sock)


@pytest.fixture
def other_process_ring():
    """A live ring made by another process (which keeps it until told to go)."""
    proc = subprocess.Popen([sys.executable, "-c", RING_OWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    name, capacity = proc.stdout.readline().split()
    try:
        yield proc.pid, name, int(capacity)
    finally:
        proc.stdin.write("\n")
        proc.stdin.close()
        proc.wait(timeout=30)


def test_a_file_of_the_wrong_size_named_in_a_handshake_stays(viewer, tmp_path):
    name = f"{NAME_PREFIX}{os.getpid()}-0123456789ab"
    path = os.path.join(SHM, name)
    with open(path, "wb") as fh:
        fh.write(b"x" * 90)
    try:
        reply = _handshake(viewer.port, os.getpid(), name, 1 << 20)
        assert reply["ok"] and not reply["ring"]
        assert "holds 90 bytes" in reply["ring_error"]
        assert os.path.exists(path) and os.path.getsize(path) == 90
        assert viewer.alive()
    finally:
        os.unlink(path)


def test_a_file_with_a_ring_size_but_no_ring_header_stays(viewer):
    name = f"{NAME_PREFIX}{os.getpid()}-ba9876543210"
    path = os.path.join(SHM, name)
    with open(path, "wb") as fh:
        fh.truncate(HEADER_BYTES + (1 << 20))
    try:
        reply = _handshake(viewer.port, os.getpid(), name, 1 << 20)
        assert not reply["ring"] and "bad header" in reply["ring_error"]
        assert os.path.exists(path)
    finally:
        os.unlink(path)


def test_another_live_producers_ring_cannot_be_claimed_by_a_peer(viewer, other_process_ring):
    owner_pid, name, capacity = other_process_ring
    path = os.path.join(SHM, name)
    # Claiming to be the owner: the kernel says this connection is not held by that process.
    reply = _handshake(viewer.port, owner_pid, name, capacity)
    assert not reply["ring"] and f"not process {owner_pid}" in reply["ring_error"]
    assert os.path.exists(path)
    # Claiming to be itself: the ring's name carries another process id.
    reply = _handshake(viewer.port, os.getpid(), name, capacity)
    assert not reply["ring"] and "not named after the connected process" in reply["ring_error"]
    assert os.path.exists(path)


def test_the_owner_itself_still_gets_its_ring_over_tcp_and_the_name_goes(viewer):
    ring = RingWriter(1 << 20)
    try:
        reply = _handshake(viewer.port, os.getpid(), ring.name, ring.capacity)
        assert reply["ok"] and reply["ring"], reply
        assert not os.path.exists(ring.path)  # validated, mapped, then unlinked by the viewer
    finally:
        ring.close()


def test_a_peer_lying_about_its_pid_over_the_unix_socket_gets_no_ring(viewer, other_process_ring):
    from rerun.transport.handshake import unix_socket_name

    owner_pid, name, capacity = other_process_ring
    hello = {"protocol": PROTOCOL_VERSION, "pid": owner_pid, "ring": {"name": name, "capacity": capacity}}
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(30)
        sock.connect("\0" + unix_socket_name(viewer.port))
        sock.sendall(encode_handshake(hello))
        reply = read_handshake(sock)
    assert not reply["ring"] and f"not process {owner_pid}" in reply["ring_error"]
    assert os.path.exists(os.path.join(SHM, name))
