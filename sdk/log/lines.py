"""``log_line_strip``, ``log_line_segments`` and the deprecated ``log_path``."""

from __future__ import annotations

import warnings

import numpy as np

from rerun import components as C
from rerun._errors import bad_value, log_function
from rerun.log import _args

__all__ = ["log_line_strip", "log_line_segments", "log_path"]


def _points(argument: str, positions: object) -> np.ndarray:
    array = _args.numeric_array(argument, positions, "an array of shape (N, 2) or (N, 3)")
    if array.ndim == 1 and array.size == 0:
        return np.zeros((0, 3), np.float32)
    return _args.float_rows(argument, array, (2, 3))


def _stroke_radius(stroke_width: object) -> np.ndarray | None:
    if stroke_width is None:
        return None
    width = _args.real_number("stroke_width", stroke_width, non_negative=True)
    return np.array([width / 2.0], dtype=np.float32)


def _single_color(color: object) -> np.ndarray | None:
    rgba = _args.colors("color", color)
    if rgba is not None and len(rgba) != 1:
        raise bad_value("color", "a single RGB or RGBA colour", f"{len(rgba)} colours")
    return rgba


@log_function
def log_line_strip(entity_path: str, positions, *, stroke_width=None, color=None, ext=None, timeless: bool = False) -> None:
    """Log one line strip (a polyline through every position, in order).

    Parameters
    ----------
    entity_path : str
    positions : array-like of shape (N, 2) or (N, 3)
        2D or 3D points; (0, 3) logs an empty strip.
    stroke_width : float, optional
        Line width (>= 0); stored as ``rerun.radius = stroke_width / 2``.
    color : one RGB or RGBA colour, optional
    ext : dict, optional
    timeless : bool

    Notes
    -----
    ``stroke_width=0`` is logged (0.4.0 dropped it); a numpy ``color`` works.
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    points = _points("positions", positions)
    strip = C.line_strips_from_offsets(points, np.array([0, len(points)]))
    inst = _args.Instanced("positions", 1)
    inst.components[C.LINESTRIP2D if points.shape[1] == 2 else C.LINESTRIP3D] = strip
    inst.add("stroke_width", C.RADIUS, _stroke_radius(stroke_width), _args.f32)
    inst.add("color", C.COLOR, _single_color(color), _args.rgba)
    _args.log_row(path, inst, ext, timeless=timeless)


@log_function
def log_line_segments(entity_path: str, positions, *, stroke_width=None, color=None, ext=None, timeless: bool = False) -> None:
    """Log independent line segments: points 0-1, 2-3, 4-5, ...

    Parameters
    ----------
    entity_path : str
    positions : array-like of shape (2K, 2) or (2K, 3)
        An even number of points; K segments are logged (as K two-point strips).
    stroke_width : float, optional
        Stored as ``rerun.radius = stroke_width / 2`` (one value for all segments).
    color : one RGB or RGBA colour, optional
        One colour for all segments.
    ext : dict, optional
    timeless : bool

    Notes
    -----
    An odd number of points is a validation error (0.4.0 silently dropped the last point).
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    points = _points("positions", positions)
    if len(points) % 2:
        raise bad_value("positions", "an even number of points (pairs of segment ends)", f"{len(points)} points")
    segments = len(points) // 2
    strips = C.line_strips_from_offsets(points, np.arange(0, 2 * segments + 1, 2))
    inst = _args.Instanced("positions", segments)
    inst.components[C.LINESTRIP2D if points.shape[1] == 2 else C.LINESTRIP3D] = strips
    inst.add("stroke_width", C.RADIUS, _stroke_radius(stroke_width), _args.f32)
    inst.add("color", C.COLOR, _single_color(color), _args.rgba)
    _args.log_row(path, inst, ext, timeless=timeless)


def log_path(entity_path: str, positions, *, stroke_width=None, color=None, ext=None, timeless: bool = False) -> None:
    """Deprecated alias of :func:`log_line_strip` (emits a ``DeprecationWarning``)."""
    warnings.warn("log_path is deprecated, use log_line_strip", DeprecationWarning, stacklevel=2)
    log_line_strip(entity_path, positions, stroke_width=stroke_width, color=color, ext=ext, timeless=timeless)
