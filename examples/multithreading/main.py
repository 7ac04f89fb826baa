#!/usr/bin/env python3
"""Logging from several threads at once: each thread logs batches of random rectangles to its own entity,
on its own ``frame`` timeline position (time is per thread, like in Rerun 0.4).

``python examples/multithreading/main.py`` opens the viewer; ``--save threads.rrd`` records to a file instead.
"""

from __future__ import annotations

import argparse
import threading

import numpy as np

import rerun as rr

CANVAS = 100.0
COLORS = [(255, 80, 80), (80, 200, 80), (80, 120, 255), (230, 200, 40), (200, 80, 220), (40, 210, 210)]


def rect_logger(entity_path: str, color: tuple[int, int, int], frames: int, rects_per_frame: int, seed: int) -> None:
    """Log ``frames`` batches of random XYWH rectangles inside the canvas to ``entity_path``."""
    rng = np.random.default_rng(seed)
    for frame in range(frames):
        rr.set_time_sequence("frame", frame)  # only this thread's time changes
        xy = rng.uniform(0.0, CANVAS * 0.8, (rects_per_frame, 2))
        wh = rng.uniform(1.0, CANVAS * 0.2, (rects_per_frame, 2))
        rr.log_rects(entity_path, np.hstack([xy, wh]), rect_format=rr.RectFormat.XYWH, colors=color)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Log rectangles from several threads.")
    parser.add_argument("--threads", type=int, default=4, help="number of logging threads (default 4)")
    parser.add_argument("--frames", type=int, default=100, help="frames per thread (default 100)")
    parser.add_argument("--rects", type=int, default=20, help="rectangles per frame (default 20)")
    rr.script_add_args(parser)
    args = parser.parse_args(argv)

    rr.script_setup(args, "multithreading")
    threads = [
        threading.Thread(
            target=rect_logger,
            args=(f"thread/{i}", COLORS[i % len(COLORS)], args.frames, args.rects, i),
            name=f"rect-logger-{i}",
        )
        for i in range(args.threads)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rr.script_teardown(args)


if __name__ == "__main__":
    main()
