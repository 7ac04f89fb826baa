"""The web viewer (``rerun --web-viewer``, ``rr.serve``) and remote sources (``ws://`` streams, ``http(s)`` files).

The same viewer as the window renders headless (EGL) on one GL thread (:mod:`.renderer`); JPEG frames go to a
small page over a WebSocket and the page sends input back (:mod:`.http_server`, :mod:`.frame_stream`,
:mod:`.input_events`, :mod:`.remote_input`, page files in ``static/``). The ingested log stream can be re-served
over WebSocket (:mod:`.log_stream`) and read by another viewer (:mod:`.ws_source`).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import webbrowser

from rerun_app.web.http_server import DEFAULT_WEB_PORT
from rerun_app.web.log_stream import DEFAULT_WS_PORT

log = logging.getLogger(__name__)

__all__ = ["add_arguments", "run_web_viewer", "DEFAULT_WEB_PORT", "DEFAULT_WS_PORT"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The web viewer's command-line options."""
    parser.add_argument("--web-viewer", action="store_true",
                        help="show the viewer in a web browser (served on --web-viewer-port) instead of a window")
    parser.add_argument("--web-viewer-port", type=int, default=DEFAULT_WEB_PORT, metavar="PORT",
                        help=f"HTTP port of the web viewer (default {DEFAULT_WEB_PORT})")
    parser.add_argument("--ws-server-port", type=int, default=None, metavar="PORT",
                        help=f"also re-serve the ingested log stream over WebSocket on PORT (rr.serve uses {DEFAULT_WS_PORT})")
    parser.add_argument("--open-browser", action="store_true", help="(--web-viewer) open the page in a browser")
    parser.add_argument("--exit-on-stdin-eof", action="store_true", help=argparse.SUPPRESS)


def start_log_stream(args, ingest):
    """Start the ``--ws-server-port`` server and tap ingest into it (None when not asked for).

    Raises
    ------
    OSError
        When the port cannot be bound (the message names it).
    """
    if args.ws_server_port is None:
        return None
    from rerun_app.web.log_stream import LogStreamServer

    server = LogStreamServer(args.bind, args.ws_server_port)
    server.start()
    ingest.dispatcher.frame_taps.append(server.tap)
    print(f"rerun: log stream served at ws://{_display_host(args.bind)}:{server.port}", file=sys.stderr, flush=True)
    return server


def _display_host(bind: str) -> str:
    return "127.0.0.1" if bind in ("0.0.0.0", "::", "") else bind


def run_web_viewer(args, hub, ingest, signal_ready) -> int:
    """Serve the viewer to browsers until SIGINT/SIGTERM (or stdin closes with ``--exit-on-stdin-eof``).

    ``signal_ready()`` is called once the page can be loaded. Returns the process exit code.
    """
    from rerun_app.web.http_server import WebServer
    from rerun_app.web.renderer import WebRenderer

    import faulthandler

    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 PID`: every thread's stack on stderr (diagnostics)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    renderer = WebRenderer(hub, ingest, size=tuple(args.size) if args.size else (1280, 720))
    server = WebServer(renderer.frames, renderer.submit, bind=args.bind, port=args.web_viewer_port)
    try:
        stream = start_log_stream(args, ingest)
        server.start()
    except OSError as exc:
        print(f"rerun: error: {exc}", file=sys.stderr)
        return 1
    url = server.url
    if stream is not None:
        url += f"?url=ws://{_display_host(args.bind)}:{stream.port}"
    if not args.exit_on_stdin_eof:  # rr.serve prints the URL itself
        print(f"Web server is running - view it at {url}", flush=True)
    signal_ready()
    if args.exit_on_stdin_eof:
        threading.Thread(target=_wait_for_eof, args=(stop,), name="rerun-parent-watch", daemon=True).start()
    try:
        renderer.start()
    except RuntimeError as exc:
        print(f"rerun: error: {exc}", file=sys.stderr)
        server.close()
        return 1
    if args.open_browser:
        _open_browser(server.url)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.close()
        renderer.stop()
        if stream is not None:
            stream.close()
    return 0


def _wait_for_eof(stop: threading.Event) -> None:
    """The serving logger holds our stdin: when it disconnects or exits, the pipe closes and we stop."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except (OSError, ValueError):
        pass
    stop.set()


def _open_browser(url: str) -> None:
    try:
        opened = webbrowser.open(url)
    except webbrowser.Error:
        opened = False
    if not opened:
        print(f"rerun: no web browser found; open {url} yourself", file=sys.stderr)
