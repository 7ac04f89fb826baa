"""Ready-made data to log in demos (Rerun 0.4.0's ``rerun_demo.data``), and the builders behind it.

================  ==============================================================================
``color_grid``    ``build_color_grid()``: 1000 points on a 10 x 10 x 10 grid over [-10, 10]^3,
                  coloured by position (``positions`` (N, 3) float64, ``colors`` (N, 3) uint8)
``rect_pyramid``  ``build_rect_pyramid()``: 20 rectangles stacked into a pyramid (``rects`` in
                  ``format`` XCYCWH, ``colors`` (N, 3) float from the Turbo colormap)
``color_spiral``  ``build_color_spiral()``: 100 points on a helix along +Z, Turbo-coloured
================  ==============================================================================

Float colours are linear [0, 1] values, as ``rr.log_points(colors=...)`` takes them.
"""

from __future__ import annotations

from collections import namedtuple
from math import tau

import numpy as np

from rerun.log.rects import RectFormat
from rerun_demo.turbo import turbo_colormap_data

__all__ = [
    "ColorGrid", "ColorSpiral", "RectFormat", "RectPyramid", "build_color_grid", "build_color_spiral",
    "build_rect_pyramid", "color_grid", "color_spiral", "rect_pyramid",
]  # fmt: skip

ColorGrid = namedtuple("ColorGrid", ["positions", "colors"])
RectPyramid = namedtuple("RectPyramid", ["rects", "format", "colors"])
ColorSpiral = namedtuple("ColorSpiral", ["positions", "colors"])


def _turbo_samples(count: int) -> np.ndarray:
    """``count`` entries of the Turbo table, evenly spaced from its first to its last (indices truncated)."""
    return turbo_colormap_data[np.linspace(0, len(turbo_colormap_data) - 1, count).astype(int)]


def build_color_grid(x_count=10, y_count=10, z_count=10, twist=0):
    """A cube of ``x_count * y_count * z_count`` points over [-10, 10]^3, coloured by grid position.

    Parameters
    ----------
    x_count, y_count, z_count : int
        Points along each axis (x varies slowest in the output order, z fastest).
    twist : float
        Radians the cube is twisted about +Z from bottom to top: layer ``k`` of the z axis is rotated by
        an angle going linearly from ``-twist/2`` (bottom) to ``+twist/2`` (top).

    Returns
    -------
    ColorGrid
        ``positions`` (N, 3) float64; ``colors`` (N, 3) uint8, each channel going 0 -> 255 along its axis
        (red with x, green with y, blue with z; truncated to integers), following the untwisted grid.
    """
    axes = [np.linspace(-10, 10, count) for count in (x_count, y_count, z_count)]
    x, y, z = np.meshgrid(*axes, indexing="ij")
    layer_angle = np.linspace(-float(twist) / 2, float(twist) / 2, z_count)  # broadcasts over the last (z) axis
    cos_a, sin_a = np.cos(layer_angle), np.sin(layer_angle)
    positions = np.stack([(x * cos_a - y * sin_a).ravel(), (x * sin_a + y * cos_a).ravel(), z.ravel()], axis=1)
    shades = [np.linspace(0, 255, count) for count in (x_count, y_count, z_count)]
    colors = np.stack([c.ravel() for c in np.meshgrid(*shades, indexing="ij")], axis=1).astype(np.uint8)
    return ColorGrid(positions, colors)


def build_rect_pyramid(count=20, width=100, height=100):
    """``count`` rectangles centred on x = 0, stacked bottom (narrow) to top (``width`` wide).

    Parameters
    ----------
    count : int
        Number of rectangles.
    width : float
        Width of the widest rectangle; rectangle ``i`` is ``width * (i + 1) / count`` wide.
    height : float
        Height of the stack: centres go from y = 0 to y = ``height``, each rectangle 0.8 of its share tall.

    Returns
    -------
    RectPyramid
        ``rects`` (count, 4) float64 as (x centre, y centre, width, height), ``format`` RectFormat.XCYCWH,
        ``colors`` (count, 3) float Turbo colours from blue (first) to red (last).
    """
    centres_y = np.linspace(0, height, count)
    widths = np.linspace(float(width) / count, width, count)
    heights = np.full(count, 0.8 * height / count)
    rects = np.stack([np.zeros(count), centres_y, widths, heights], axis=1)
    return RectPyramid(rects, RectFormat.XCYCWH, _turbo_samples(count))


def build_color_spiral(num_points=100, radius=2, angular_step=0.02, angular_offset=0, z_step=0.1):
    """``num_points`` points on a helix around +Z, Turbo-coloured from first to last.

    Parameters
    ----------
    num_points : int
        Number of points.
    radius : float
        Radius of the helix.
    angular_step : float
        Turns per point (0.02: 50 points make a full turn).
    angular_offset : float
        Angle of the first point, in radians (0: on +Y).
    z_step : float
        Rise per point along +Z.

    Returns
    -------
    ColorSpiral
        ``positions`` (num_points, 3) float64 ``(radius sin a, radius cos a, i z_step)`` with
        ``a = i tau angular_step + angular_offset``; ``colors`` (num_points, 3) float.
    """
    index = np.arange(num_points)
    angle = index * tau * angular_step + angular_offset
    positions = np.stack([np.sin(angle) * radius, np.cos(angle) * radius, index * z_step], axis=1)
    return ColorSpiral(positions, _turbo_samples(num_points))


#: The default colour grid (10 x 10 x 10, untwisted).
color_grid = build_color_grid()
#: The default rect pyramid (20 rectangles, 100 x 100).
rect_pyramid = build_rect_pyramid()
#: The default colour spiral (100 points).
color_spiral = build_color_spiral()
