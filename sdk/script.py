"""Command-line helpers for example scripts: ``script_add_args``, ``script_setup``, ``script_teardown``."""

from __future__ import annotations

import argparse
import threading


def script_add_args(parser: argparse.ArgumentParser) -> None:
    """Add the standard flags: ``--headless``, ``--connect``, ``--serve``, ``--addr``, ``--save``."""
    parser.add_argument("--headless", action="store_true", help="Don't show GUI")
    parser.add_argument("--connect", dest="connect", action="store_true", help="Connect to an external viewer")
    parser.add_argument("--serve", dest="serve", action="store_true", help="Serve a web viewer (WARNING: experimental feature)")
    parser.add_argument("--addr", type=str, default=None, help="Connect to this ip:port")
    parser.add_argument("--save", type=str, default=None, help="Save data to a .rrd file at this path")


def script_setup(args: argparse.Namespace, application_id: str) -> None:
    """``init(application_id)`` then pick the sink from the flags; the first match wins.

    ``--serve`` → ``serve()``; else ``--connect`` → ``connect(--addr)``; else ``--save`` → ``save(path)``;
    else unless ``--headless`` → ``spawn()``. Strict mode stays off unless ``RERUN_STRICT=1`` (0.4.0
    asked for strict here but it had no effect; turning it on would change what its scripts do).
    """
    import rerun as rr

    rr.init(application_id=application_id, default_enabled=True, strict=False)
    if getattr(args, "serve", False):
        args.serve = rr.serve()  # False when the server could not start: teardown must not block then
    elif getattr(args, "connect", False):
        rr.connect(args.addr)
    elif getattr(args, "save", None) is not None:
        rr.save(args.save)
    elif not getattr(args, "headless", False):
        rr.spawn()


def script_teardown(args: argparse.Namespace) -> None:
    """With ``--serve``, block until Ctrl-C so the web viewer stays up; otherwise return at once."""
    if getattr(args, "serve", False):
        print("Sleeping while serving the web viewer. Abort with Ctrl-C")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
