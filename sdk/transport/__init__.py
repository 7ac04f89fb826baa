"""Streaming to a viewer: ``rr.connect`` (TCP, or the shared-memory ring on this host) and ``rr.spawn``.

``rr.connect(addr)`` makes a :class:`~rerun.transport.viewer_sink.ViewerSink` the session's sink; a
same-host address negotiates a shared-memory ring, a remote one stays on TCP. ``rr.spawn()``
starts ``python -m rerun_app`` (or reuses a viewer already listening on the port), waits for its
readiness signal and connects. ``rr.get_sink_stats()`` reports what was sent and dropped.

Map: ``viewer_sink`` (the sink: bounded queue, writer thread, drop-oldest) over ``connection`` (socket choice,
handshake, wake-ups), ``ring`` / ``segments`` / ``segment_spares`` (shared memory), ``buffers``; ``process_hooks``
(open sinks across fork and exit); ``address``, ``handshake``, ``spawn``, ``serve``.
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


def serve(open_browser: bool = True, *, web_port: int = 9090, ws_port: int = 9877, bind: str = "127.0.0.1") -> bool:
    """Serve a web viewer over HTTP and the log stream over WebSocket; returns once both listen.

    Everything logged, before and after this call, is shown in a browser page at ``http://127.0.0.1:9090``
    (the URL is printed) and can be pulled by another viewer with ``rerun ws://127.0.0.1:9877``. The page is
    the viewer itself, rendered by a separate process (headless, no GPU needed) and streamed to the browser;
    several tabs may watch. The server ends with ``rr.disconnect()`` or when this program exits.

    Parameters
    ----------
    open_browser : bool
        Open the page in the default browser (when there is one).
    web_port, ws_port : int
        HTTP port of the page and WebSocket port of the log stream.
    bind : str
        Address to listen on; anything but loopback is reachable by others (a warning says so).

    Returns
    -------
    bool
        True when serving; False (with a warning naming why, e.g. a port in use) when the server could not start:
        everything logged then stays buffered in memory for a later ``rr.save()`` or ``rr.connect()``.

    Raises
    ------
    ValueError
        For an invalid port.
    RuntimeError
        In strict mode only, when the server could not start.
    """
    from rerun import _session
    from rerun.transport.serve import ServeError, check_port, serve_sink

    check_port("web_port", web_port)
    check_port("ws_port", ws_port)
    if not _session.is_enabled():
        print("Rerun is disabled - serve() call ignored")
        return False
    try:
        sink = serve_sink(web_port, ws_port, bind, open_browser, _session.recording_id())
    except ServeError as exc:
        if _session.strict_mode():
            raise
        logging.getLogger("rerun").warning("rr.serve: %s. Logged data stays buffered in memory meanwhile.", exc)
        return False
    _session.set_sink(sink)
    print(f"Web server is running - view it at {sink.url}", flush=True)
    return True


def get_sink_stats() -> dict:
    """Counters of the active sink: ``sent_messages``, ``sent_bytes``, ``dropped_messages``,
    ``dropped_bytes`` (plus, when streaming to a viewer, ``transport``, ``connected``, ``queued_bytes``)."""
    from rerun import _session

    return _session.get_sink().stats()
