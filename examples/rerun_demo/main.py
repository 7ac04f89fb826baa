#!/usr/bin/env python3
"""The demo of ``python -m rerun_demo --cube`` (Rerun 0.4): a cube of coloured points that twists back and
forth about its vertical axis over the ``step`` timeline.

``python examples/rerun_demo/main.py --cube`` opens the viewer; add ``--save cube.rrd`` to record to a file.
"""

from __future__ import annotations

import argparse

import numpy as np

import rerun as rr


def twisted_cube(size: int, twist: float) -> tuple[np.ndarray, np.ndarray]:
    """``size**3`` points in [-1, 1]³ and their colours, each horizontal layer rotated about +Z.

    The rotation grows linearly with height, from ``-twist/2`` at the bottom to ``+twist/2`` at the top
    (radians). Colours follow the untwisted position (x → red, y → green, z → blue), so they twist along.
    """
    axis = np.linspace(-1.0, 1.0, size)
    x, y, z = (v.ravel() for v in np.meshgrid(axis, axis, axis, indexing="ij"))
    angle = twist * z / 2
    c, s = np.cos(angle), np.sin(angle)
    positions = np.stack([c * x - s * y, s * x + c * y, z], axis=1).astype(np.float32)
    colors = np.round(np.stack([x, y, z], axis=1) * 127.5 + 127.5).astype(np.uint8)
    return positions, colors


def run_cube(steps: int, size: int) -> None:
    """Log ``steps`` frames of the cube, the twist following one period of a sine (±π/4 at most)."""
    twists = (np.pi / 4) * np.sin(np.linspace(0.0, 2 * np.pi, steps))
    for step, twist in enumerate(twists):
        rr.set_time_sequence("step", step)
        positions, colors = twisted_cube(size, twist)
        rr.log_points("cube", positions, colors=colors, radii=0.03)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Rerun demo data.")
    parser.add_argument("--cube", action="store_true", help="log the twisting cube of points")
    parser.add_argument("--steps", type=int, default=100, help="animation steps (default 100)")
    parser.add_argument("--size", type=int, default=10, help="points along each edge of the cube (default 10)")
    rr.script_add_args(parser)
    args = parser.parse_args(argv)
    if not args.cube:
        parser.error("choose a demo: --cube")

    rr.script_setup(args, "cube")
    run_cube(args.steps, args.size)
    rr.script_teardown(args)


if __name__ == "__main__":
    main()
