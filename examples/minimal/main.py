#!/usr/bin/env python3
"""The smallest useful example: a cube-shaped grid of points, each coloured by its position.

``python examples/minimal/main.py`` opens the viewer; ``--save grid.rrd`` records to a file instead.
"""

from __future__ import annotations

import argparse

import numpy as np

import rerun as rr


def color_grid(size: int, extent: float = 5.0) -> tuple[np.ndarray, np.ndarray]:
    """``size**3`` points on a regular grid spanning ``[-extent, extent]`` on each axis, and their colours.

    The colour of a point is its position mapped linearly to 0-255 on each channel (x → red, y → green,
    z → blue), so the grid's corners are black and white.
    """
    axis = np.linspace(-extent, extent, size, dtype=np.float32)
    x, y, z = np.meshgrid(axis, axis, axis, indexing="ij")
    positions = np.stack([x.ravel(), y.ravel(), z.ravel()], axis=1)
    colors = np.round((positions + extent) / (2 * extent) * 255).astype(np.uint8)
    return positions, colors


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Log a coloured grid of points.")
    parser.add_argument("--size", type=int, default=10, help="points along each axis (default 10)")
    rr.script_add_args(parser)
    args = parser.parse_args(argv)

    rr.script_setup(args, "minimal")
    positions, colors = color_grid(args.size)
    rr.log_points("my_points", positions, colors=colors, radii=0.5)
    rr.script_teardown(args)


if __name__ == "__main__":
    main()
