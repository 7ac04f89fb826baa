#!/usr/bin/env python3
"""Logging from several processes into one recording.

The parent and its children (started with ``fork`` and with ``spawn``) each call ``rr.init`` with the same
application id. Every process of one program gets the same recording id automatically (it is derived from
the ``multiprocessing`` authkey the children inherit), so a viewer shows all their data as one recording.

Each process needs its own sink: with a viewer (default, or ``--connect``) every child connects to it; with
``--save out.rrd`` each child writes a file next to it (``out-child_fork.rrd``, ...). Open them together,
``python -m rerun_app out.rrd out-child_*.rrd``, to see one recording.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import threading
from pathlib import Path
from typing import Optional, Tuple

import rerun as rr

APPLICATION_ID = "multiprocessing"
TITLES = ["main_task", "child_fork", "child_spawn"]
COLORS = [(255, 255, 255), (255, 80, 80), (80, 160, 255)]
Sink = Optional[Tuple[str, Optional[str]]]  # ("save", path), ("connect", addr) or None: see open_sink


def child_save_path(parent_path: str, title: str) -> str:
    """``out.rrd`` → ``out-<title>.rrd`` in the same folder."""
    path = Path(parent_path)
    return str(path.with_name(f"{path.stem}-{title}{path.suffix or '.rrd'}"))


def open_sink(sink: Sink) -> None:
    """Start streaming this process's calls: ``("save", path)``, ``("connect", addr)``, or nothing (None)."""
    if sink is None:
        return
    kind, target = sink
    if kind == "save":
        rr.save(target)
    else:
        rr.connect(target)


def log_task(title: str) -> None:
    """What every process logs: who it is, then its own rectangle."""
    rr.log_text_entry(
        "log",
        f"Logging from pid={os.getpid()}, thread={threading.get_ident()} "
        f"using the rerun recording id {rr.get_recording_id()}",
    )
    index = TITLES.index(title)
    rr.log_rect(title, [10 + 40 * index, 20, 30, 40], label=title, color=COLORS[index])


def child_main(title: str, sink: Sink) -> None:
    """A child process: join the recording, log, close the sink."""
    rr.init(APPLICATION_ID)  # same application id; the recording id is already shared
    open_sink(sink)
    log_task(title)
    # Children started with fork leave through os._exit, which skips exit hooks: close the sink ourselves.
    rr.disconnect()


def child_sink(args: argparse.Namespace, title: str) -> Sink:
    """Where the child ``title`` sends its data, following the parent's flags."""
    if args.save:
        return ("save", child_save_path(args.save, title))
    if args.connect:
        return ("connect", args.addr)
    if not args.headless:
        return ("connect", None)  # the viewer that script_setup spawned, on the default port
    return None  # --headless: nowhere


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Log from several processes into one recording.")
    parser.add_argument("--start-methods", default="fork,spawn",
                        help="comma-separated multiprocessing start methods of the children (default fork,spawn)")
    rr.script_add_args(parser)
    args = parser.parse_args(argv)

    methods = [m.strip() for m in args.start_methods.split(",") if m.strip()]
    unknown = [m for m in methods if m not in ("fork", "spawn")]
    if unknown:
        parser.error(f"--start-methods: expected fork and/or spawn, got {', '.join(unknown)}")

    rr.script_setup(args, APPLICATION_ID)
    log_task("main_task")
    for method in methods:
        title = f"child_{method}"
        process = multiprocessing.get_context(method).Process(target=child_main, args=(title, child_sink(args, title)))
        process.start()
        process.join()
    rr.script_teardown(args)


if __name__ == "__main__":
    main()
