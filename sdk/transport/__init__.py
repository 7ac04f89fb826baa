"""Streaming to a viewer: ``rr.connect`` (TCP, or the shared-memory ring on this host) and ``rr.spawn``.

``rr.connect(addr)`` makes a :class:`~rerun.transport.viewer_sink.ViewerSink` the session's sink; a
same-host address negotiates a shared-memory ring, a remote one stays on TCP. ``rr.spawn()``
starts ``python -m rerun_app`` (or reuses a viewer already listening on the port), waits for its
readiness signal and connects. ``rr.get_sink_stats()`` reports what was sent and dropped.
"""

from __future__ import annotations

import logging

from rerun.transport.address import DEFAULT_PORT, Address, parse_address

__all__ = ["connect", "spawn", "serve", "get_sink_stats", "parse_address", "Address"]


def connect(addr: str | None = None, *, transport: str | None = None) -> None:
    """Stream everything logged (the backlog first) to a viewer at ``addr``.

    Returns at once: connecting happens in the background, and log calls never wait on the viewer
    (data waits in a bounded buffer, oldest dropped first, see ``rr.get_sink_stats()``).

    Parameters
    ----------
    addr : str, optional
        ``"host:port"``, ``"localhost"``, ``"[::1]:9876"``; default ``"127.0.0.1:9876"``.
    transport : {"auto", "ring", "tcp"}, optional
        ``"auto"`` (default; env ``RERUN_TRANSPORT``): shared-memory ring when the viewer is on this
        host, TCP otherwise.

    Raises
    ------
    ValueError
        In strict mode only, if ``addr`` is not a valid address (the message quotes it); by default
        a warning says so and the call is dropped (logged data stays buffered in memory).
    """
    from rerun import _errors, _session
    from rerun.transport.viewer_sink import ViewerSink

    try:
        address = parse_address(addr)
    except (TypeError, ValueError) as exc:
        _errors.report("rr.connect", _errors.as_argument_error(exc))
        return
    if not _session.is_enabled():
        print("Rerun is disabled - connect() call ignored")
        return
    try:
        sink = ViewerSink(address, transport=transport, recording_id=_session.recording_id())
    except ValueError as exc:  # an unknown transport (argument or RERUN_TRANSPORT)
        _errors.report("rr.connect", _errors.as_argument_error(exc))
        return
    _session.set_sink(sink)


def spawn(port: int = DEFAULT_PORT, connect: bool = True) -> bool:
    """Start a viewer process (``python -m rerun_app``) and stream to it through shared memory.

    Returns once the viewer listens (a readiness handshake, within 5 s). A viewer already listening
    on ``port`` is reused. Env ``RERUN_VIEWER_ARGS`` adds viewer arguments (e.g. ``--headless``).

    If the viewer cannot start (no display, not ready within 5 s, ``port`` held by another program), a
    warning says why and what to do instead, and the program goes on: everything logged stays buffered
    in memory for a later ``rr.save()`` or ``rr.connect()``. Strict mode raises instead.

    Returns
    -------
    bool
        True when a viewer is running (started or reused), False when none could be started.

    Raises
    ------
    RuntimeError
        In strict mode only, when no viewer could be started (``port`` taken by another program included).
    ValueError
        In strict mode only, if ``port`` is not an int in 1..65535 (by default: a warning, and False).
    """
    from rerun import _errors, _session
    from rerun.transport.spawn import probe_viewer, start_viewer

    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        _errors.report("rr.spawn", _errors.bad_value("port", "an int in 1..65535", _errors.describe(port)))
        return False
    if not _session.is_enabled():
        print("Rerun is disabled - spawn() call ignored")
        return False
    address = Address("127.0.0.1", port)
    try:
        if not probe_viewer(address):
            start_viewer(port)
    except RuntimeError as exc:  # a start failure's own message is already on the viewer's stderr
        if _session.strict_mode():
            raise
        logging.getLogger("rerun").warning("rr.spawn: %s Logged data stays buffered in memory meanwhile.", exc)
        return False
    if connect:
        globals()["connect"](str(address))
    return True


def serve(open_browser: bool = True) -> bool:
    """Serve a web viewer: not part of this implementation yet.

    Logs a warning naming the alternatives (``rr.spawn()``, ``rr.connect()``, ``rr.save()``) and returns False;
    everything logged keeps being buffered in memory, so a later ``rr.save()`` or ``rr.connect()`` still gets it.
    In strict mode it raises instead.

    Raises
    ------
    NotImplementedError
        In strict mode only.
    """
    from rerun import _session

    message = "rr.serve (the web viewer) is not available in this version; use rr.spawn(), rr.connect() or rr.save()"
    if _session.strict_mode():
        raise NotImplementedError(message)
    logging.getLogger("rerun").warning(message)
    return False


def get_sink_stats() -> dict:
    """Counters of the active sink: ``sent_messages``, ``sent_bytes``, ``dropped_messages``,
    ``dropped_bytes`` (plus, when streaming to a viewer, ``transport``, ``connected``, ``queued_bytes``)."""
    from rerun import _session

    return _session.get_sink().stats()
