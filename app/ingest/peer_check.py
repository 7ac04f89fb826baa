"""Who is on the other end of a connection: the process id of a local peer, checked with the kernel.

A ring handshake names a shared-memory file and a process id; before the viewer maps (and later
removes) that file it must know the file belongs to the process that is really connected. On a Unix
socket the kernel says who the peer is (``SO_PEERCRED``); on loopback TCP the peer's socket inode is
looked up in ``/proc/net/tcp*`` and must be one of the claimed process's open files.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import struct

_UCRED = struct.Struct("3i")  # pid, uid, gid


def is_loopback_peer(conn: socket.socket) -> bool:
    """True for a Unix-socket peer or a TCP peer on a loopback address."""
    if conn.family == socket.AF_UNIX:
        return True
    try:
        host = conn.getpeername()[0]
        address = ipaddress.ip_address(host)
    except (OSError, ValueError):
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def peer_is_process(conn: socket.socket, pid: object) -> bool:
    """Whether the process ``pid`` (an int from the wire) holds the other end of ``conn``."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    if conn.family == socket.AF_UNIX:
        try:
            peer_pid, _uid, _gid = _UCRED.unpack(conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _UCRED.size))
        except OSError:
            return False
        return peer_pid == pid
    if not is_loopback_peer(conn):
        return False
    inode = _peer_socket_inode(conn)
    return inode is not None and _process_holds_socket(pid, inode)


def _hex_endpoint(family: int, address: tuple) -> str:
    """An endpoint as ``/proc/net/tcp*`` writes it: the address in host-order 32-bit words, then the port."""
    packed = socket.inet_pton(family, address[0])
    words = b"".join(packed[i : i + 4][::-1] for i in range(0, len(packed), 4))
    return f"{words.hex().upper()}:{address[1]:04X}"


def _peer_socket_inode(conn: socket.socket) -> int | None:
    """Inode of the peer's socket: the row whose local end is our peer and whose remote end is us."""
    try:
        peer, local = conn.getpeername(), conn.getsockname()
    except OSError:
        return None
    family = conn.family
    wanted_local, wanted_remote = _hex_endpoint(family, peer), _hex_endpoint(family, local)
    table = "/proc/net/tcp6" if family == socket.AF_INET6 else "/proc/net/tcp"
    try:
        with open(table) as fh:
            next(fh, None)
            for line in fh:
                fields = line.split()
                if len(fields) > 9 and fields[1] == wanted_local and fields[2] == wanted_remote:
                    return int(fields[9])
    except (OSError, ValueError):
        return None
    return None


def _process_holds_socket(pid: int, inode: int) -> bool:
    target = f"socket:[{inode}]"
    fd_dir = f"/proc/{pid}/fd"
    try:
        names = os.listdir(fd_dir)
    except OSError:
        return False
    for name in names:
        try:
            if os.readlink(os.path.join(fd_dir, name)) == target:
                return True
        except OSError:
            continue
    return False
