"""Viewer sinks across ``fork()`` and interpreter exit.

Every open :class:`~rerun.transport.viewer_sink.ViewerSink` is tracked here. The session calls
:func:`reopen_in_forked_child` from its own after-fork hook (so the order is explicit: the session
resets itself first), and registers its active-sink getter with :func:`register_session` for the
exit hook, which closes every other open viewer sink (the session's exit hook flushes and closes its own).
"""

from __future__ import annotations

import atexit
import weakref
from typing import Callable

_open_sinks: "weakref.WeakSet" = weakref.WeakSet()
_session_sink: Callable[[], object] | None = None


def register_session(get_sink: Callable[[], object]) -> None:
    """The session's active-sink getter; the exit hook leaves that sink to the session."""
    global _session_sink
    _session_sink = get_sink


def track(sink) -> None:
    """``sink`` is open: reopen it in forked children, close it at exit. It must have ``reopen_after_fork()``
    and ``close()``."""
    _open_sinks.add(sink)


def forget(sink) -> None:
    """``sink`` closed."""
    _open_sinks.discard(sink)


def reopen_in_forked_child(inherited):
    """In a forked child: give every open viewer sink its own connection (dropping the parent's copies).

    Returns ``inherited`` (the parent's active sink) when it is one of them, for the child to stream on:
    a viewer takes many producers. Anything else (a file: two writers would interleave frames) gives None.
    """
    for sink in list(_open_sinks):
        sink.reopen_after_fork()
    return inherited if inherited in _open_sinks else None


def _close_all_at_exit() -> None:
    active = _session_sink() if _session_sink is not None else None
    for sink in list(_open_sinks):
        if sink is active:
            continue
        try:
            sink.close()
        except Exception:  # noqa: BLE001 - interpreter exit: never raise
            pass


# Registered when the session imports this module, before the session's own exit hook: atexit runs the
# session's (flush and close the active sink) first, then this one.
atexit.register(_close_all_at_exit)
