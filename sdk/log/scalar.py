"""``log_scalar``: one number per call, for time-series plots (the hottest path of the API)."""

from __future__ import annotations

import numbers

import numpy as np
import pyarrow as pa

from rerun import _session, _switch
from rerun import components as C
from rerun._errors import bad_type, check_utf8, describe, report
from rerun.color import normalize_color_bytes
from rerun.entity_path import validated
from rerun.log import _args

__all__ = ["log_scalar"]

_FUNCTION = "rr.log_scalar"
# Validated, normalised non-root paths; a hit skips the parser (one dict look-up per call).
_known_paths: dict[str, str] = {}


def _scalar_value(scalar: object) -> float | None:
    if scalar is None:
        return None
    if isinstance(scalar, numbers.Real):  # bool, int, float and numpy scalars
        return float(scalar)
    if isinstance(scalar, np.ndarray) and scalar.size == 1 and scalar.dtype.kind in "biuf":
        return float(scalar.reshape(()))
    raise bad_type("scalar", "a real number (or None for a gap)", describe(scalar))


def log_scalar(entity_path: str, scalar, label=None, color=None, radius=None, scattered=None, ext=None) -> None:
    """Log one value of a time series (plotted against the active timeline).

    Parameters
    ----------
    entity_path : str
        The series, e.g. ``"metrics/loss"``; series under one parent share a plot.
    scalar : float, int, bool or None
        The value; ``None`` logs a gap (null), NaN and inf are kept.
    label : str, optional
        Legend label of the series.
    color : one RGB or RGBA colour, optional
    radius : float, optional
        Size of the point (>= 0).
    scattered : bool, optional
        Draw as points (True) or a line (False).
    ext : dict, optional
        Extension components.

    Notes
    -----
    Scalars are always timed (no ``timeless``), as in 0.4.0. Fixes: ``label=""``, ``radius=0`` and
    ``scattered=False`` are logged (0.4.0 dropped falsy values) and a numpy ``color`` works.
    A call costs about a microsecond of validation on top of the session's row append.
    """
    if not _switch.enabled:  # the flag, not is_enabled(): one call less on the hottest path
        return None
    try:
        path = _known_paths.get(entity_path) if type(entity_path) is str else None
        if path is None:
            path = validated(entity_path)
            if len(_known_paths) < 65536:
                _known_paths[entity_path] = path
        if type(scalar) is not float:
            scalar = _scalar_value(scalar)
        if label is not None:
            if type(label) is not str:
                raise bad_type("label", "a str", describe(label))
            check_utf8("label", label)
        if color is not None:
            color = normalize_color_bytes(color, "color")
        if radius is not None and not (type(radius) is float and radius >= 0.0):
            radius = _args.real_number("radius", radius, non_negative=True)
        if scattered is not None and type(scattered) is not bool:
            scattered = _args.flag("scattered", scattered)
        if ext is not None:
            _log_with_extensions(path, scalar, label, color, radius, scattered, ext)
            return None
        _session.log_scalar_row(path, scalar, label, color, radius, scattered)
    except Exception as exc:
        report(_FUNCTION, exc)
    return None


def _log_with_extensions(path, scalar, label, color, radius, scattered, ext) -> None:
    inst = _args.Instanced("scalar", 1)
    inst.components[C.SCALAR] = pa.array([scalar], pa.float64())
    if label is not None:
        inst.components[C.LABEL] = C.strings([label])
    if color is not None:
        inst.components[C.COLOR] = C.colors(np.frombuffer(color, np.uint8).reshape(1, 4))
    if radius is not None:
        inst.components[C.RADIUS] = pa.array([radius], pa.float32())
    if scattered is not None:
        inst.components[C.SCALAR_PLOT_PROPS] = C.scalar_plot_props(scattered)
    _args.log_row(path, inst, ext)
