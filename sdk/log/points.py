"""``log_point`` and ``log_points``: 2D or 3D points with colours, radii, labels, class and keypoint ids."""

from __future__ import annotations

import numpy as np

from rerun import components as C
from rerun._errors import bad_value, log_function
from rerun.log import _args

__all__ = ["log_point", "log_points"]


@log_function
def log_point(
    entity_path: str,
    position=None,
    *,
    radius=None,
    color=None,
    label=None,
    class_id=None,
    keypoint_id=None,
    ext=None,
    timeless: bool = False,
) -> None:
    """Log one 2D or 3D point.

    Parameters
    ----------
    entity_path : str
        Where to log it, e.g. ``"world/target"``.
    position : array-like of 2 or 3 numbers, optional
        ``[x, y]`` (a 2D point) or ``[x, y, z]`` (3D); any shape with 2 or 3 elements (``[[1, 2, 3]]``).
    radius : float, optional
        Radius of the point (>= 0).
    color : RGB or RGBA colour, optional
        uint8 sRGB 0-255, or floats in linear 0-1 (a numpy array works).
    label : str, optional
    class_id : int, optional
        Class id in 0..65535 (looks up colour and label in the annotation context).
    keypoint_id : int, optional
        Keypoint id in 0..65535 within the class (class 0 if ``class_id`` is not given).
    ext : dict, optional
        Extension components, ``{"name": value}`` logged as ``ext.name``.
    timeless : bool
        Log without a time point (visible at every time).

    Notes
    -----
    Fixes against Rerun 0.4.0: ``class_id=0``, ``radius=0`` and ``label=""`` are logged (0.4.0 dropped
    falsy values), ``keypoint_id`` is logged (0.4.0 never sent it) and a numpy ``color`` works.
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    inst = _args.Instanced("position", None)
    if position is not None:
        array = _args.numeric_array("position", position, "2 or 3 numbers ([x, y] or [x, y, z])")
        if array.size not in (2, 3):
            raise bad_value("position", "2 or 3 numbers ([x, y] or [x, y, z])", f"{array.size} numbers (shape {array.shape})")
        point = np.ascontiguousarray(array, dtype=np.float32).reshape(1, array.size)
        inst.count = 1
        inst.components[C.POINT2D if array.size == 2 else C.POINT3D] = C.fixed_size_list(point)
    if radius is not None:
        _args.real_number("radius", radius, non_negative=True)
    _args.single_label("label", label)
    _args.single_id("class_id", class_id)
    _args.single_id("keypoint_id", keypoint_id)
    _args.add_standard(
        inst,
        colors_value=color,
        colors_argument="color",
        radii_value=radius,
        radii_argument="radius",
        labels_value=label,
        labels_argument="label",
        class_ids_value=class_id,
        class_ids_argument="class_id",
        keypoint_ids_value=keypoint_id,
        keypoint_ids_argument="keypoint_id",
    )
    if color is not None and len(_args.colors("color", color)) != 1:
        raise bad_value("color", "a single RGB or RGBA colour", f"shape {np.shape(color)}")
    _args.log_row(path, inst, ext, timeless=timeless, skip_empty=True)


@log_function
def log_points(
    entity_path: str,
    positions=None,
    *,
    identifiers=None,
    colors=None,
    radii=None,
    labels=None,
    class_ids=None,
    keypoint_ids=None,
    ext=None,
    timeless: bool = False,
) -> None:
    """Log a 2D or 3D point cloud.

    Parameters
    ----------
    entity_path : str
        Where to log it, e.g. ``"world/points"``.
    positions : array-like of shape (N, 2) or (N, 3), optional
        float32 C-contiguous input is logged without a copy; other numeric input is converted.
    identifiers : sequence of N ints, optional
        Stable instance keys (``rerun.instance_key``), for selection across frames.
    colors : colour or (N, 3) / (N, 4) colours, optional
        uint8 sRGB, or floats in linear 0-1. One colour applies to every point.
    radii, labels, class_ids, keypoint_ids : scalar or sequence of N, optional
        One value applies to every point; a bare string is one label.
    ext : dict, optional
        Extension components (each value: 1 for all points, or N).
    timeless : bool
        Log without a time point.

    Notes
    -----
    Every optional array must hold 1 or N values: anything else is a validation error (0.4.0
    panicked in Rust). Points all at the origin are logged (0.4.0 dropped positions whose
    ``positions.any()`` was false). ``keypoint_ids`` without ``class_ids`` use class 0.
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    inst = _args.Instanced("positions", None)
    if positions is not None:
        array = _args.numeric_array("positions", positions, "an array of shape (N, 2) or (N, 3)")
        if not (array.ndim == 1 and array.size == 0):  # [] means "no positions", as in 0.4.0
            points = _args.float_rows("positions", array, (2, 3))
            inst.count = len(points)
            inst.components[C.POINT2D if points.shape[1] == 2 else C.POINT3D] = C.fixed_size_list(points)
    _args.add_standard(
        inst,
        colors_value=colors,
        radii_value=radii,
        labels_value=labels,
        class_ids_value=class_ids,
        keypoint_ids_value=keypoint_ids,
        identifiers_value=identifiers,
    )
    _args.log_row(path, inst, ext, timeless=timeless, skip_empty=True)
