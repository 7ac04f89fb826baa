#!/usr/bin/env python3
"""A double helix: two strands of points, rungs between them as line segments, beads sliding along the
rungs, and the whole molecule spinning (``log_rigid3``), all on the ``stable_time`` timeline.

``python examples/dna/main.py`` opens the viewer; ``--save dna.rrd`` records to a file instead.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

import rerun as rr

TURNS = 3.0
HEIGHT = 8.0
RUNG_EVERY = 4  # one rung for every RUNG_EVERY points of a strand


def helix(num_points: int, radius: float, phase: float) -> np.ndarray:
    """``num_points`` points on a helix around the z axis, ``TURNS`` turns over ``HEIGHT``, starting at ``phase``."""
    s = np.linspace(0.0, 1.0, num_points)
    angle = phase + s * TURNS * 2 * np.pi
    return np.stack([radius * np.cos(angle), radius * np.sin(angle), s * HEIGHT], axis=1).astype(np.float32)


def gradient(num_points: int, start: tuple[int, int, int], end: tuple[int, int, int]) -> np.ndarray:
    """``num_points`` RGB colours blended linearly from ``start`` to ``end``."""
    s = np.linspace(0.0, 1.0, num_points)[:, None]
    return np.round((1 - s) * np.array(start) + s * np.array(end)).astype(np.uint8)


def quaternion_about_z(angle: float) -> np.ndarray:
    """The (x, y, z, w) unit quaternion of a rotation by ``angle`` radians about +Z."""
    return np.array([0.0, 0.0, math.sin(angle / 2), math.cos(angle / 2)], dtype=np.float32)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Log an animated DNA-like double helix.")
    parser.add_argument("--points", type=int, default=100, help="points per strand (default 100)")
    parser.add_argument("--radius", type=float, default=2.0, help="helix radius (default 2.0)")
    parser.add_argument("--steps", type=int, default=400, help="animation steps (default 400)")
    parser.add_argument("--fps", type=float, default=30.0, help="steps per second of stable_time (default 30)")
    rr.script_add_args(parser)
    args = parser.parse_args(argv)

    rr.script_setup(args, "dna")
    rr.log_view_coordinates("dna", up="+Z", timeless=True)

    rr.set_time_seconds("stable_time", 0.0)
    left = helix(args.points, args.radius, phase=0.0)
    right = helix(args.points, args.radius, phase=np.pi)
    rr.log_points("dna/structure/left", left, colors=gradient(args.points, (255, 60, 60), (255, 200, 0)), radii=0.08)
    rr.log_points("dna/structure/right", right, colors=gradient(args.points, (40, 120, 255), (0, 220, 160)), radii=0.08)

    # Line segments are given as consecutive (start, end) pairs: interleave the two strands.
    rung_left, rung_right = left[::RUNG_EVERY], right[::RUNG_EVERY]
    rungs = np.empty((2 * len(rung_left), 3), np.float32)
    rungs[0::2], rungs[1::2] = rung_left, rung_right
    rr.log_line_segments("dna/structure/scaffolding", rungs, stroke_width=0.02, color=(128, 128, 128))

    # Each bead oscillates between the two ends of its rung, with its own phase.
    offsets = np.random.default_rng(0).uniform(0.0, 2 * np.pi, len(rung_left)).astype(np.float32)
    bead_colors = gradient(len(rung_left), (255, 255, 255), (120, 120, 255))
    for step in range(args.steps):
        t = step / args.fps
        rr.set_time_seconds("stable_time", t)
        fraction = (0.5 + 0.5 * np.sin(offsets + 2.0 * t))[:, None]
        beads = rung_left + fraction * (rung_right - rung_left)
        rr.log_points("dna/structure/scaffolding/beads", beads, colors=bead_colors, radii=0.06)
        rr.log_rigid3("dna/structure", parent_from_child=([0.0, 0.0, 0.0], quaternion_about_z(0.2 * t)))

    rr.script_teardown(args)


if __name__ == "__main__":
    main()
