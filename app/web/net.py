"""Helpers shared by the web viewer's servers: serving from a thread, clear port-in-use messages, the public-address
warning."""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import threading
from typing import Awaitable, Callable

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


def start_server_thread(name: str, serve: Callable[[asyncio.AbstractEventLoop, threading.Event], Awaitable[None]],
                        what: str, host: str, port: int, option: str) -> threading.Thread:
    """Run ``serve(loop, started)`` on a new event loop in a daemon thread; return once it set ``started``.

    Raises
    ------
    OSError
        When ``serve`` failed to bind (the message names ``what``, the port and ``option``, how to pick another).
    """
    started = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(serve(loop, started))
        except BaseException as exc:  # noqa: BLE001 (reported to the starting thread)
            failure.append(exc)
            started.set()
        finally:
            loop.close()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    started.wait()
    if failure:
        exc = failure[0]
        if isinstance(exc, OSError):
            raise bind_error(exc, what, host, port, option) from None
        raise exc
    return thread
