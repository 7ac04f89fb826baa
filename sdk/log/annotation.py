"""Annotation contexts: class ids -> label, colour and keypoint skeleton, for points and segmentation images."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Iterable, Sequence, Tuple, Union

import numpy as np

from rerun import _session
from rerun import components as C
from rerun._errors import bad_type, bad_value, describe, log_function
from rerun.color import normalize_colors
from rerun.log import _args

__all__ = [
    "AnnotationInfo",
    "ClassDescription",
    "log_annotation_context",
    "AnnotationInfoLike",
    "ClassDescriptionLike",
]


@dataclass
class AnnotationInfo:
    """A label and a colour for one class id or keypoint id.

    Parameters
    ----------
    id : int
        Class or keypoint id, 0..65535.
    label : str, optional
    color : RGB or RGBA colour, optional
        uint8 sRGB, or floats in linear 0-1.
    """

    id: int = 0
    label: str | None = None
    color: Any = None


AnnotationInfoLike = Union[Tuple[int, str], Tuple[int, str, Any], AnnotationInfo]


@dataclass
class ClassDescription:
    """Everything known about one class: its info, its keypoints and how they connect.

    Parameters
    ----------
    info : AnnotationInfo or tuple, optional
        The class's id, label and colour (``(id, label)`` or ``(id, label, color)`` works too).
    keypoint_annotations : iterable of AnnotationInfo or tuples, optional
        Label and colour per keypoint id.
    keypoint_connections : iterable, optional
        Pairs of keypoint ids to join with a line: ``[(0, 1), (1, 2)]``, ``[[0, 1], [1, 2]]`` or a
        flat ``[0, 1, 1, 2]`` (an even count).
    """

    info: Any = None
    keypoint_annotations: Any = None
    keypoint_connections: Any = None


ClassDescriptionLike = Union[AnnotationInfoLike, ClassDescription]


def _is_info_tuple(value: object) -> bool:
    return isinstance(value, (tuple, list)) and 2 <= len(value) <= 3 and isinstance(value[0], numbers.Integral) and not isinstance(value[0], bool)


def _info_fields(argument: str, value: object) -> dict:
    if value is None:
        value = AnnotationInfo()
    elif _is_info_tuple(value):
        value = AnnotationInfo(*value)
    if not isinstance(value, AnnotationInfo):
        raise bad_type(argument, "an AnnotationInfo or an (id, label[, color]) tuple", describe(value))
    class_id = _args.single_id(f"{argument}.id", value.id)
    label = _args.single_label(f"{argument}.label", value.label)
    color = None
    if value.color is not None:
        rgba = normalize_colors(value.color, f"{argument}.color")
        if len(rgba) != 1:
            raise bad_value(f"{argument}.color", "one RGB or RGBA colour", f"{len(rgba)} colours")
        color = rgba[0].tolist()
    return {"id": class_id, "label": label, "color": color}


def _connections(argument: str, value: object) -> list[list[int]]:
    if value is None:
        return []
    items = list(value.tolist() if isinstance(value, np.ndarray) else value)
    if all(isinstance(x, (tuple, list, np.ndarray)) for x in items):
        pairs = [list(x) for x in items]
    elif all(isinstance(x, numbers.Integral) for x in items):
        if len(items) % 2:
            raise bad_value(argument, "an even number of keypoint ids (pairs)", f"{len(items)} ids")
        pairs = [items[i : i + 2] for i in range(0, len(items), 2)]
    else:
        raise bad_type(argument, "pairs of keypoint ids, or a flat list of ids", describe(value))
    for pair in pairs:
        if len(pair) != 2:
            raise bad_value(argument, "pairs of keypoint ids", f"an entry of {len(pair)} ids")
        for keypoint in pair:
            _args.single_id(argument, keypoint)
    return [[int(a), int(b)] for a, b in pairs]


def _class_fields(index: int, value: object) -> dict:
    argument = f"class_descriptions[{index}]"
    if isinstance(value, (AnnotationInfo, tuple, list)) and not isinstance(value, ClassDescription):
        value = ClassDescription(info=value)
    if not isinstance(value, ClassDescription):
        raise bad_type(argument, "a ClassDescription, an AnnotationInfo or an (id, label[, color]) tuple", describe(value))
    info = _info_fields(f"{argument}.info", value.info)
    keypoints = []
    if value.keypoint_annotations is not None:
        if not isinstance(value.keypoint_annotations, Iterable):
            raise bad_type(f"{argument}.keypoint_annotations", "an iterable of AnnotationInfo", describe(value.keypoint_annotations))
        keypoints = [
            _info_fields(f"{argument}.keypoint_annotations[{k}]", item) for k, item in enumerate(value.keypoint_annotations)
        ]
    return {
        "class_id": info["id"],
        "label": info["label"],
        "color": info["color"],
        "keypoint_annotations": keypoints,
        "keypoint_connections": _connections(f"{argument}.keypoint_connections", value.keypoint_connections),
    }


@log_function
def log_annotation_context(
    entity_path: str,
    class_descriptions: ClassDescriptionLike | Sequence[ClassDescriptionLike],
    *,
    timeless: bool = True,
) -> None:
    """Log the labels, colours and keypoint skeletons of class ids, for this entity and its children.

    Parameters
    ----------
    entity_path : str
        The root ``"/"`` is allowed (applies everywhere).
    class_descriptions : ClassDescription, AnnotationInfo, (id, label[, color]) tuple, or a sequence of these
    timeless : bool
        True by default: the context applies at every time.

    Notes
    -----
    Fixes against 0.4.0: a single bare ``(id, label)`` tuple works, a list of lists works as
    keypoint connections, an empty connection list works, a bad colour is a validation error (0.4.0
    panicked), and an odd flat connection list or a duplicate class id is an error (0.4.0 silently
    dropped the last id / kept the first class).
    """
    path = _args.entity_path(entity_path, allow_root=True)
    timeless = _args.flag("timeless", timeless)
    if isinstance(class_descriptions, (ClassDescription, AnnotationInfo)) or _is_info_tuple(class_descriptions):
        items = [class_descriptions]
    elif isinstance(class_descriptions, Iterable) and not isinstance(class_descriptions, (str, bytes)):
        items = list(class_descriptions)
    else:
        raise bad_type("class_descriptions", "a ClassDescription, AnnotationInfo or tuple, or a sequence of them", describe(class_descriptions))
    classes = [_class_fields(i, item) for i, item in enumerate(items)]
    seen: set[int] = set()
    for entry in classes:
        if entry["class_id"] in seen:
            raise bad_value("class_descriptions", "distinct class ids", f"class id {entry['class_id']} twice")
        seen.add(entry["class_id"])
    _session.log(path, {C.ANNOTATION_CONTEXT: C.annotation_context(classes)}, timeless=timeless)
