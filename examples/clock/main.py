#!/usr/bin/env python3
"""An analog clock: the three hands are arrows (``log_arrow``), their tips points, the dial an oriented box
(``log_obb``), animated over the ``sim_time`` timeline starting at 00:00:00.

``python examples/clock/main.py`` opens the viewer; ``--save clock.rrd`` records to a file instead.
"""

from __future__ import annotations

import argparse

import numpy as np

import rerun as rr

DIAL_RADIUS = 20.0
# name → (seconds for one full turn, length as a fraction of the dial radius, width, colour)
HANDS = {
    "seconds": (60.0, 0.9, 0.3, (255, 80, 80)),
    "minutes": (3600.0, 0.7, 0.6, (80, 200, 80)),
    "hours": (43200.0, 0.45, 1.0, (80, 120, 255)),
}


def hand_vector(seconds_since_midnight: float, period: float, length: float) -> np.ndarray:
    """The hand as a vector from the dial centre: clockwise from 12 o'clock (+Y), in the XY plane."""
    angle = 2 * np.pi * (seconds_since_midnight % period) / period
    return np.array([length * np.sin(angle), length * np.cos(angle), 0.0], dtype=np.float32)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Log an animated analog clock.")
    parser.add_argument("--steps", type=int, default=600, help="number of ticks to log (default 600)")
    parser.add_argument("--step-seconds", type=float, default=7.0, help="simulated seconds per tick (default 7)")
    rr.script_add_args(parser)
    args = parser.parse_args(argv)

    rr.script_setup(args, "clock")
    rr.log_view_coordinates("world", up="+Z", timeless=True)
    rr.log_obb(
        "world/frame",
        half_size=[DIAL_RADIUS, DIAL_RADIUS, 1.0],
        position=[0.0, 0.0, 0.0],
        rotation_q=[0.0, 0.0, 0.0, 1.0],
        color=(200, 200, 200),
        stroke_width=0.2,
        timeless=True,
    )

    origin = np.zeros(3, np.float32)
    for step in range(args.steps):
        t = step * args.step_seconds
        rr.set_time_seconds("sim_time", t)
        for name, (period, length, width, color) in HANDS.items():
            vector = hand_vector(t, period, length * DIAL_RADIUS)
            rr.log_arrow(f"world/{name}_hand", origin, vector, color=color, width_scale=width)
            rr.log_point(f"world/{name}_pt", vector, color=color, radius=width)

    rr.script_teardown(args)


if __name__ == "__main__":
    main()
