"""Binding helpers shared by the web viewer's servers: clear port-in-use messages, the public-address warning."""

from __future__ import annotations

import errno
import ipaddress
import logging

log = logging.getLogger("rerun_app.web")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def warn_if_public(host: str, what: str, port: int) -> None:
    """Binding beyond loopback is allowed when asked for, with a warning of what it exposes."""
    if not is_loopback(host):
        log.warning("%s listens on %s:%d: anyone who can reach this address can read the logged data and drive "
                    "the viewer", what, host, port)


def bind_error(exc: OSError, what: str, host: str, port: int, option: str) -> OSError:
    """An OSError whose message names the port, what wanted it, and how to pick another."""
    if exc.errno == errno.EADDRINUSE:
        text = f"{what}: port {port} on {host} is already in use; choose another with {option}"
    else:
        text = f"{what}: cannot listen on {host}:{port}: {exc.strerror or exc}"
    return OSError(exc.errno, text)
