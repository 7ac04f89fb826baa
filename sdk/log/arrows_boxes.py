"""``log_arrow`` (a 3D arrow) and ``log_obb`` (an oriented 3D box)."""

from __future__ import annotations

import numpy as np

from rerun import components as C
from rerun._errors import bad_type, bad_value, log_function
from rerun.log import _args

__all__ = ["log_arrow", "log_obb"]


def _one_color(color: object) -> np.ndarray | None:
    rgba = _args.colors("color", color)
    if rgba is not None and len(rgba) != 1:
        raise bad_value("color", "a single RGB or RGBA colour", f"{len(rgba)} colours")
    return rgba


def _add_single_options(inst: _args.Instanced, *, color, label, class_id=None, radius=None) -> None:
    inst.add("color", C.COLOR, _one_color(color), _args.rgba)
    label = _args.single_label("label", label)
    inst.add("label", C.LABEL, None if label is None else [label], _args.utf8)
    class_id = _args.single_id("class_id", class_id)
    inst.add("class_id", C.CLASS_ID, None if class_id is None else np.array([class_id], np.uint16), _args.u16)
    inst.add("radius", C.RADIUS, radius, _args.f32)


@log_function
def log_arrow(
    entity_path: str,
    origin,
    vector=None,
    *,
    color=None,
    label=None,
    width_scale=None,
    ext=None,
    timeless: bool = False,
) -> None:
    """Log one 3D arrow from ``origin`` to ``origin + vector``.

    Parameters
    ----------
    entity_path : str
    origin, vector : 3 numbers each
        Both are required together; with neither, nothing is logged.
    color : one RGB or RGBA colour, optional
    label : str, optional
    width_scale : float, optional
        Arrow width (>= 0), stored as ``rerun.radius = width_scale / 2``.
    ext : dict, optional
    timeless : bool

    Notes
    -----
    ``width_scale=0`` and ``label=""`` are logged; a numpy ``color`` works (0.4.0 failed on both).
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    if origin is None and vector is None:
        return
    if origin is None or vector is None:
        missing = "vector" if vector is None else "origin"
        raise bad_type(missing, "3 numbers (origin and vector are given together)", "None")
    start = _args.float_vector("origin", origin, 3, "3 numbers [x, y, z]")
    direction = _args.float_vector("vector", vector, 3, "3 numbers [x, y, z]")
    inst = _args.Instanced("origin", 1)
    inst.components[C.ARROW3D] = C.arrows(start.reshape(1, 3), direction.reshape(1, 3))
    radius = None
    if width_scale is not None:
        radius = np.array([_args.real_number("width_scale", width_scale, non_negative=True) / 2.0], np.float32)
    _add_single_options(inst, color=color, label=label, radius=radius)
    _args.log_row(path, inst, ext, timeless=timeless)


@log_function
def log_obb(
    entity_path: str,
    half_size,
    position=None,
    rotation_q=None,
    color=None,
    stroke_width=None,
    label=None,
    class_id=None,
    ext=None,
    timeless: bool = False,
) -> None:
    """Log one oriented bounding box (all arguments may be positional, as in 0.4.0).

    Parameters
    ----------
    entity_path : str
    half_size : 3 numbers
        Half extents along x, y, z.
    position : 3 numbers, optional
        Centre of the box.
    rotation_q : 4 numbers, optional
        Rotation quaternion ``[x, y, z, w]`` (stored as given).
    color : one RGB or RGBA colour, optional
    stroke_width : float, optional
        Outline width, stored as ``rerun.radius = stroke_width / 2``.
    label : str, optional
    class_id : int, optional
    ext : dict, optional
    timeless : bool

    Notes
    -----
    ``stroke_width=0``, ``class_id=0`` and ``label=""`` are logged (0.4.0 dropped them).
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    if half_size is None:
        raise bad_type("half_size", "3 numbers [hx, hy, hz]", "None")
    half = _args.float_vector("half_size", half_size, 3, "3 numbers [hx, hy, hz]")
    inst = _args.Instanced("half_size", 1)
    inst.components[C.BOX3D] = C.vec_list(half.reshape(1, 3), 3)
    if position is not None:
        centre = _args.float_vector("position", position, 3, "3 numbers [x, y, z]")
        inst.components[C.VEC3D] = C.vec_list(centre.reshape(1, 3), 3)
    if rotation_q is not None:
        quat = _args.float_vector("rotation_q", rotation_q, 4, "4 numbers [x, y, z, w]")
        inst.components[C.QUATERNION] = C.vec_list(quat.reshape(1, 4), 4)
    radius = None
    if stroke_width is not None:
        radius = np.array([_args.real_number("stroke_width", stroke_width, non_negative=True) / 2.0], np.float32)
    _add_single_options(inst, color=color, label=label, class_id=class_id, radius=radius)
    _args.log_row(path, inst, ext, timeless=timeless)
