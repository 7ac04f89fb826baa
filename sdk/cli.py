"""The ``rerun`` command: ``rerun print FILE.rrd`` summarises a recording; anything else starts the viewer."""

from __future__ import annotations

import datetime
import sys

_USAGE = "usage: rerun print FILE.rrd   |   rerun [viewer arguments: FILE.rrd, --port N, ...]"

#: Time values at or above this many ns (about 1973) print as UTC dates; smaller ones as seconds.
_EPOCH_LIKE_NS = 100_000_000_000_000_000


def _format_time(value: int, timeline_type: str) -> str:
    if timeline_type == "sequence":
        return str(value)
    if abs(value) >= _EPOCH_LIKE_NS:
        stamp = datetime.datetime.fromtimestamp(value // 1_000_000_000, tz=datetime.timezone.utc)
        return f"{stamp:%Y-%m-%dT%H:%M:%S}.{value % 1_000_000_000:09d}Z"
    return f"{value / 1e9:.9g} s"


def summarize(recording) -> list[str]:
    """Lines describing ``recording``: ids, then per entity its rows, components and timeline ranges."""
    import pyarrow.compute as pc

    from rerun.wire.log_table import LOG_TIME_COLUMN, parse_timeline_column

    lines = [
        f"application id: {recording.application_id}",
        f"recording id: {recording.recording_id}",
        "closed cleanly: " + ("yes" if recording.complete else "no (no GOODBYE: the writer is still running, or died)"),
        f"entities: {len(recording.entity_paths)}",
    ]
    for entity_path in recording.entity_paths:
        batches = recording.batches(entity_path)
        components: dict[str, None] = {}
        ranges: dict[tuple[str, str], list[int]] = {}
        rows = timeless = 0
        for batch in batches:
            rows += batch.num_rows
            log_time = batch.schema.get_field_index(LOG_TIME_COLUMN)
            if log_time >= 0:
                timeless += batch.column(log_time).null_count
            for name, column in zip(batch.schema.names, batch.columns):
                timeline = parse_timeline_column(name)
                if timeline is None:
                    components.setdefault(name)
                    continue
                low, high = pc.min_max(column).values()
                if not low.is_valid:
                    continue
                known = ranges.setdefault(timeline, [low.as_py(), high.as_py()])
                known[0] = min(known[0], low.as_py())
                known[1] = max(known[1], high.as_py())
        lines.append(f"{entity_path}")
        lines.append(f"    messages: {rows}" + (f" ({timeless} timeless)" if timeless else ""))
        lines.append(f"    components: {', '.join(components) or '(none)'}")
        for (name, typ), (low, high) in sorted(ranges.items()):
            lines.append(f"    timeline {name} ({typ}): {_format_time(low, typ)} .. {_format_time(high, typ)}")
    if recording.clears:
        lines.append(f"clears: {len(recording.clears)}")
    for warning in recording.warnings:
        lines.append(f"warning: {warning}")
    return lines


def print_recording(path: str) -> int:
    """Print the summary of ``path``; on an unreadable file print one line to stderr and return 2."""
    from rerun.recording import load
    from rerun.wire import WireError

    try:
        recording = load(path)
        lines = summarize(recording)
    except (OSError, WireError, KeyError, ValueError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        if isinstance(exc, OSError) and exc.strerror:
            message = f"{path}: {exc.strerror}"
        print(f"rerun print: error: {message}", file=sys.stderr)
        return 2
    try:
        print("\n".join(lines))
    except BrokenPipeError:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``rerun`` and ``python -m rerun``.

    ``print FILE`` is handled here; every other command line goes to the viewer (``rerun_app``),
    imported only now so that ``import rerun`` never loads viewer code.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "print":
        if len(args) != 2:
            print(f"rerun print: error: expected exactly one FILE.rrd, got {len(args) - 1} arguments\n{_USAGE}", file=sys.stderr)
            return 2
        return print_recording(args[1])
    import importlib

    try:
        # By name at run time: the SDK must not depend on the viewer package (import-linter contract).
        viewer_main = importlib.import_module("rerun_app.__main__").main
    except ImportError as exc:
        print(
            f"rerun: error: the viewer (package rerun_app) is not available ({exc}); "
            "install rerun-py with its viewer, or use 'rerun print FILE.rrd'",
            file=sys.stderr,
        )
        return 2
    result = viewer_main(args)
    return int(result or 0)
