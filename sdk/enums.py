"""Enumerations of the public API: rectangle layouts, mesh file formats, image file formats, log levels.

Each enum also accepts its value as a plain string wherever the API takes it (``rect_format="XYXY"``);
Rerun 0.4.0 failed with ``AttributeError: 'str' object has no attribute 'value'`` there.
"""

from __future__ import annotations

import enum


class RectFormat(enum.Enum):
    """How the four numbers of a rectangle are laid out (the value is the name, as on the 0.4 wire).

    ``XYWH``: x, y of the top-left corner, then width and height. ``YXHW``: the same, y first.
    ``XYXY``: x0, y0, x1, y1 (two opposite corners). ``YXYX``: the same, y first.
    ``XCYCWH``: the centre, then width and height. ``XCYCW2H2``: the centre, then half width and half height.
    """

    XYWH = "XYWH"
    YXHW = "YXHW"
    XYXY = "XYXY"
    YXYX = "YXYX"
    XCYCWH = "XCYCWH"
    XCYCW2H2 = "XCYCW2H2"


class MeshFormat(enum.Enum):
    """The encoding of a mesh file given to ``log_mesh_file``."""

    GLB = "GLB"
    GLTF = "GLTF"
    OBJ = "OBJ"


class ImageFormat(enum.Enum):
    """The encoding of an image file given to ``log_image_file``.

    JPEG is stored encoded (the viewer decodes it); PNG is decoded at log time (0.4.0 rejected PNG).
    """

    JPEG = "jpeg"
    PNG = "png"


class LogLevel:
    """Level strings for ``log_text_entry`` (plain string constants; any other string is accepted too)."""

    CRITICAL = "CRITICAL"
    ERROR = "ERROR"
    WARN = "WARN"
    INFO = "INFO"
    DEBUG = "DEBUG"
    TRACE = "TRACE"


def coerce_enum(enum_type: type[enum.Enum], value: object, argument: str) -> enum.Enum:
    """Return ``value`` as a member of ``enum_type``, accepting a member, its value or its name.

    String matching ignores case. Raises the validation error of :mod:`rerun._errors` otherwise.
    """
    if isinstance(value, enum_type):
        return value
    if isinstance(value, str):
        wanted = value.upper()
        for member in enum_type:
            if member.name == wanted or str(member.value).upper() == wanted:
                return member
    from rerun._errors import bad_value, describe

    names = ", ".join(m.name for m in enum_type)
    raise bad_value(argument, f"a {enum_type.__name__} (one of {names})", describe(value))
