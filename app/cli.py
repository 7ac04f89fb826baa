"""The viewer's command line: ``python -m rerun_app [FILE.rrd ...] [--port N] [--headless] ...``.

Without ``--headless`` the window (``rerun_app.viewer.run(args, hub, ingest)``) shows the data; it
is imported only then. ``--headless`` ingests with no window and, on exit (SIGINT, SIGTERM, or
``--exit-after-idle`` seconds without data and connections), prints per-source counts and latencies.
"""

from __future__ import annotations

import argparse
import decimal
import faulthandler
import importlib
import json
import logging
import os
import re
import signal
import sys
import threading
import time

DEFAULT_PORT = 9876
DEFAULT_MEMORY_SHARE = 0.75
#: On SIGINT/SIGTERM a headless viewer lets open connections finish for at most this long.
DRAIN_ON_EXIT_S = 3.0
#: A headless viewer still shutting down after this long dumps every thread's stack to stderr (diagnostics).
SHUTDOWN_STACK_DUMP_S = 8.0

_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def total_ram_bytes() -> int:
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def parse_memory_limit(text: str) -> int:
    """Bytes for ``"2GB"``, ``"512MiB"``, ``"75%"`` (of RAM) or a plain number of bytes.

    Raises
    ------
    ValueError
        If ``text`` is none of these (the message quotes it).
    """
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(%|[kmgt]i?b|b)?\s*", text.lower())
    if not match:
        raise ValueError(f"--memory-limit: expected e.g. '2GB', '512MiB' or '75%', got {text!r}")
    value, unit = float(match.group(1)), match.group(2) or ""
    if unit == "%":
        if not 0 < value <= 100:
            raise ValueError(f"--memory-limit: a percentage must be in (0, 100], got {text!r}")
        return int(total_ram_bytes() * value / 100)
    limit = int(value * _UNITS[unit])
    if limit <= 0:
        raise ValueError(f"--memory-limit: must be positive, got {text!r}")
    return limit


def _memory_limit_arg(text: str) -> int:
    try:
        return parse_memory_limit(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--memory-limit: ")) from None


def _rate_arg(text: str) -> int:
    """``--min-frame-rate``: bytes per second, written like a size (``1MB``, ``512KiB``, ``100000``)."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([kmgt]i?b|b)?(/s)?\s*", text.lower())
    rate = int(float(match.group(1)) * _UNITS[match.group(2) or ""]) if match else 0
    if rate <= 0:
        raise argparse.ArgumentTypeError(f"expected bytes per second like '1MB' or '512KiB', got {text!r}")
    return rate


def _positive_int_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def _positive_float_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _size_arg(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)x(\d+)", text)
    if not match or int(match.group(1)) <= 0 or int(match.group(2)) <= 0:
        raise argparse.ArgumentTypeError(f"--size: expected WIDTHxHEIGHT like 1280x720, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def _time_arg(text: str) -> int | decimal.Decimal:
    """``--time``: an integer stays an exact int (sequence numbers, whole seconds); a decimal like ``1.25`` (seconds
    on a time timeline) is kept as an exact :class:`decimal.Decimal`, so no nanosecond is lost to float rounding."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = decimal.Decimal(text.strip())
    except decimal.InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise argparse.ArgumentTypeError(
            f"--time: expected a sequence number (e.g. 42) or seconds on a time timeline (e.g. 1.25), got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rerun",
        description="The rerun viewer: listens for logging processes and opens .rrd files.",
    )
    parser.add_argument("files", nargs="*", metavar="FILE_OR_URL",
                        help=".rrd files to open (ours or Rerun 0.4.0's), http(s):// URLs of .rrd files, or the ws:// "
                             "URL of a serving logger (rr.serve)")
    parser.add_argument("--version", action="version", version=f"rerun {_version()}")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"TCP port to listen on (default {DEFAULT_PORT})")
    parser.add_argument("--bind", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 or :: for all)")
    parser.add_argument(
        "--max-connections", type=_positive_int_arg, default=None, metavar="N",
        help="serve at most N connections at once; more are turned away (default 64)",
    )
    parser.add_argument(
        "--idle-timeout", type=_positive_float_arg, default=None, metavar="SECONDS",
        help="close a connection that has not sent a complete frame within SECONDS (default 30)",
    )
    parser.add_argument(
        "--min-frame-rate", type=_rate_arg, default=None, metavar="RATE",
        help="abandon a frame that arrives slower than RATE bytes/s while other frames wait for its share of "
             "the memory limit (default 1MiB; lower it for slow links)",
    )
    parser.add_argument(
        "--token", default=os.environ.get("RERUN_TOKEN") or None, metavar="SECRET",
        help="serve only loggers whose RERUN_TOKEN is SECRET (default: $RERUN_TOKEN; for --bind beyond loopback)",
    )
    parser.add_argument("--save", metavar="OUT.rrd", help="also record everything received into this file")
    parser.add_argument(
        "--memory-limit",
        type=_memory_limit_arg,
        default=None,
        metavar="SIZE",
        help="drop the oldest data beyond this much (e.g. 2GB, 75%%; default 75%% of RAM)",
    )
    parser.add_argument("--headless", action="store_true", help="no window: ingest, then print per-source counts on exit")
    parser.add_argument(
        "--exit-after-idle",
        type=float,
        default=None,
        metavar="SECONDS",
        help="(headless) exit once no logger is connected and nothing arrived for SECONDS",
    )
    parser.add_argument(
        "--ingest-only", action="store_true", help="(headless) decode and count but store nothing (transport benchmarks)"
    )
    parser.add_argument("--stats-json", metavar="PATH", help="(headless) write the per-source counters as JSON on exit")
    parser.add_argument("--screenshot", metavar="OUT.png", help="render the files headless (EGL) into a PNG and exit")
    parser.add_argument("--timeline", help="timeline of the --screenshot time cursor")
    parser.add_argument("--time", type=_time_arg, metavar="T",
                        help="time (on --timeline) of the --screenshot: a sequence number, or seconds on a time timeline")
    parser.add_argument("--size", type=_size_arg, default=None, metavar="WxH",
                        help="window size (default 1600x1000), or screenshot / web viewer size (default 1280x720)")
    parser.add_argument("--ready-fd", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("-v", "--verbose", action="store_true", help="log every ingest event")
    from rerun_app.web import add_arguments as add_web_arguments

    add_web_arguments(parser)
    return parser


def receive_budget_for(memory_limit: int) -> int:
    """Bytes that frames being received may take together: what the process has left under the limit.

    Also caps the free buffers the transport keeps for reuse, which count against the same limit.
    """
    from rerun.transport.buffers import default_pool
    from rerun_app.store.budget import process_rss_bytes

    default_pool.max_free_bytes = min(default_pool.max_free_bytes, memory_limit // 16)
    return max(memory_limit - process_rss_bytes(), 1 << 20) * 9 // 10


def non_loopback_warning(bind: str, token: bool = False) -> str | None:
    """What to tell the user when ``--bind`` reaches beyond this host (None for a loopback address)."""
    import ipaddress

    try:
        loopback = ipaddress.ip_address(bind.strip("[]")).is_loopback
    except ValueError:  # a host name: loopback only if it is "localhost"
        loopback = bind.lower() == "localhost"
    if loopback:
        return None
    if token:
        return (
            f"--bind {bind} accepts connections from other hosts; only loggers with the --token are served, "
            "but the traffic (token included) is not encrypted: use a trusted network"
        )
    return (
        f"--bind {bind} accepts connections from other hosts: anyone who can reach this port can send data "
        "(and fill the memory limit). Bind 127.0.0.1, or require a shared token with --token SECRET "
        "(loggers set RERUN_TOKEN=SECRET)"
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rerun-py")
    except PackageNotFoundError:
        return "unknown"


def _signal_ready(fd: int | None) -> None:
    """Tell ``rr.spawn`` we are listening (it waits on this pipe instead of sleeping)."""
    if fd is None:
        return
    try:
        os.write(fd, b"ready\n")
        os.close(fd)
    except OSError:
        pass


def _window_unavailable_reason(args) -> str | None:
    """Why a window cannot be opened here, or None if it can."""
    try:
        importlib.import_module("rerun_app.viewer")  # loads glfw, vispy and imgui: fails here if one is missing
    except ImportError as exc:
        return f"the windowed viewer could not be loaded ({exc})"
    if args.screenshot is None and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "there is no display (DISPLAY / WAYLAND_DISPLAY are unset)"
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the viewer; returns the process exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(name)s: %(message)s")
    from rerun_app.web.sources import RemoteSources

    try:
        remote = RemoteSources.from_args(args)  # downloads http(s) files now; args.files keeps the local paths
    except OSError as exc:
        print(f"rerun: error: {exc}", file=sys.stderr)
        return 1
    if not args.headless and not args.web_viewer:
        reason = _window_unavailable_reason(args)
        if reason is not None:
            print(
                f"rerun: cannot open a window: {reason}.\n"
                "Instead: run headless (python -m rerun_app --headless), render a screenshot "
                "(rerun FILE.rrd --screenshot out.png), or log to a file with rr.save('out.rrd').",
                file=sys.stderr,
            )
            return 2
    from rerun.transport.ring import sweep_stale_rings
    from rerun_app.ingest import Ingest, make_target
    from rerun_app.ingest.file_loader import UNREADABLE
    from rerun_app.ingest.limits import DEFAULT_HALF_OPEN_TIMEOUT_S, DEFAULT_MAX_CONNECTIONS, DEFAULT_MIN_FRAME_RATE, ConnectionLimits

    sweep_stale_rings()
    memory_limit = args.memory_limit if args.memory_limit is not None else int(total_ram_bytes() * DEFAULT_MEMORY_SHARE)
    if args.ingest_only and args.headless:
        from rerun_app.ingest import DiscardTarget

        hub, target = None, DiscardTarget()
    else:
        try:
            hub, target = make_target(memory_limit)
        except ValueError as exc:
            print(f"rerun: error: {exc}", file=sys.stderr)
            return 2
    receive_budget = receive_budget_for(memory_limit)
    try:
        ingest = Ingest(target, save_path=args.save, max_frame_bytes=min(receive_budget, 4 << 30), receive_budget_bytes=receive_budget)
    except OSError as exc:
        print(f"rerun: error: {exc}", file=sys.stderr)
        return 1
    if args.screenshot is None:
        warning = non_loopback_warning(args.bind, args.token is not None)
        if warning:
            print(f"rerun: warning: {warning}", file=sys.stderr)
        limits = ConnectionLimits(
            max_connections=args.max_connections or DEFAULT_MAX_CONNECTIONS,
            half_open_timeout_s=args.idle_timeout or DEFAULT_HALF_OPEN_TIMEOUT_S,
            min_frame_rate=args.min_frame_rate or DEFAULT_MIN_FRAME_RATE,
            receive_budget_bytes=receive_budget,
            token=args.token,
        )
        try:
            ingest.listen(args.bind, args.port, limits)
        except OSError as exc:
            if not args.files and not remote.streams:
                print(f"rerun: error: {exc.strerror or exc}", file=sys.stderr)
                ingest.close()
                return 1
            print(f"rerun: warning: {exc.strerror or exc}; showing the files only", file=sys.stderr)
    remote.start(ingest)
    if args.web_viewer and not args.headless and args.screenshot is None:
        threading.Thread(target=lambda: [ingest.load_file(p) for p in args.files], name="rerun-load-files", daemon=True).start()
        from rerun_app.web import run_web_viewer

        try:
            return run_web_viewer(args, hub, ingest, lambda: _signal_ready(args.ready_fd))
        finally:
            ingest.close()
            remote.close()
    stop = _stop_on_signals() if args.headless else None
    _signal_ready(args.ready_fd)
    if args.screenshot is not None:
        remote.wait_for_backlogs()
        if remote.failures():  # a picture of a stream that never came is no answer
            for failure in remote.failures():
                print(f"rerun: error: cannot read the log stream {failure}", file=sys.stderr)
            ingest.close()
            return 1
    if args.headless or args.screenshot is not None:
        loaded = [ingest.load_file(path) for path in args.files]
        unreadable = [source for source in loaded if source.end_reason == UNREADABLE]
        if args.screenshot is not None:  # a picture of data that never came is no answer
            unreadable = [source for source in loaded if source.end_reason is not None and source.log_rows == 0]
        for source in unreadable:
            print(f"rerun: error: {source.last_error}", file=sys.stderr)
        if unreadable and args.screenshot is not None:
            ingest.close()
            return 1
        exit_code = 1 if unreadable else 0
    else:
        exit_code = 0
        threading.Thread(target=lambda: [ingest.load_file(p) for p in args.files], name="rerun-load-files", daemon=True).start()
    try:
        if args.headless:
            _run_headless(args, ingest, stop)
            return exit_code
        from rerun_app.viewer import run

        return int(run(args, hub, ingest) or 0)
    finally:
        ingest.close()
        remote.close()
        if args.headless:
            _report(args, ingest)


def _stop_on_signals() -> threading.Event:
    """An event set by SIGINT / SIGTERM. Installed before the viewer says it is ready: a signal sent
    right after that must stop it cleanly (report written), not kill it by default."""
    stop = threading.Event()

    def on_signal(signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return stop


def _run_headless(args, ingest, stop: threading.Event) -> None:
    while not stop.wait(0.05):
        if args.exit_after_idle is None or not ingest.sources():
            continue  # idle exit only after something was ingested
        if ingest.open_sources() == 0 and ingest.idle_seconds() >= args.exit_after_idle:
            return
    # Asked to stop: take no new connections, let loggers that already left finish draining (bounded).
    # Shutdown is bounded everywhere; should it ever hang, every thread's stack goes to stderr to say where.
    faulthandler.dump_traceback_later(SHUTDOWN_STACK_DUMP_S)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if ingest.server is not None:
        ingest.server.stop_accepting()
        deadline = time.monotonic() + DRAIN_ON_EXIT_S
        while ingest.open_sources() and time.monotonic() < deadline:
            time.sleep(0.02)


def _report(args, ingest) -> None:
    stats = ingest.stats()
    lines = ["rerun headless: per-source counts"]
    lines += ["  " + s.summary_line() for s in ingest.sources()]
    if ingest.refused_connections:
        lines.append(f"  {ingest.refused_connections} connections refused or closed before their first frame (last: {ingest.last_refusal})")
    print("\n".join(lines), flush=True)
    if args.stats_json:
        with open(args.stats_json, "w") as fh:
            json.dump(stats, fh, indent=1, default=str)
