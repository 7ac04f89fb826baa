#!/usr/bin/env python3
"""Python's standard ``logging`` forwarded to Rerun: ``rr.LoggingHandler`` turns every log record into a text
entry on an entity named after the logger (``app.camera`` → ``logs/app/camera``), with its level.

The records also go to the terminal (stderr), as with any logging setup. Custom levels keep their name
(here ``TRACE``). ``python examples/text_logging/main.py`` opens the viewer; ``--save logs.rrd`` records to a file.
"""

from __future__ import annotations

import argparse
import logging

import rerun as rr

TRACE = 5


def configure_logging() -> None:
    """Send every record, down to the custom TRACE level, to Rerun and to stderr."""
    logging.addLevelName(TRACE, "TRACE")
    root = logging.getLogger()
    root.setLevel(TRACE)
    root.addHandler(rr.LoggingHandler("logs"))
    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(console)


def simulate_robot(frames: int) -> None:
    """A few subsystems logging at every level while a robot drives along."""
    camera = logging.getLogger("app.camera")
    planner = logging.getLogger("app.planner")
    motors = logging.getLogger("app.motors")
    for frame in range(frames):
        rr.set_time_sequence("frame", frame)
        camera.log(TRACE, "frame %d: exposure %.1f ms", frame, 8.0 + frame % 3)
        camera.debug("frame %d: 312 features tracked", frame)
        planner.info("frame %d: waypoint %d reached", frame, frame // 2)
        if frame % 3 == 2:
            motors.warning("frame %d: left motor at %d °C", frame, 70 + frame)
        if frame % 5 == 4:
            planner.error("frame %d: path blocked, replanning", frame)
    logging.critical("battery empty after %d frames, shutting down", frames)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Forward Python logging records to Rerun.")
    parser.add_argument("--frames", type=int, default=20, help="frames to simulate (default 20)")
    rr.script_add_args(parser)
    args = parser.parse_args(argv)

    rr.script_setup(args, "text_logging")
    configure_logging()
    # Text entries can also be logged directly, with any level string and a colour.
    rr.log_text_entry("logs/direct", "logged with rr.log_text_entry", level=rr.LogLevel.INFO, color=(0, 160, 255))
    simulate_robot(args.frames)
    rr.script_teardown(args)


if __name__ == "__main__":
    main()
