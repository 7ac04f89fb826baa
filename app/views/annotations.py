"""Annotation contexts: class id → label / colour, keypoint id → label / colour, skeleton connections.

An entity uses the annotation context logged on itself or its nearest ancestor (Rerun 0.4). Ids without a
description get a stable default colour, so segmentation images and class-coloured points are always readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from rerun_app.views.values import struct_rows


def default_color(class_id: int, transparent_zero: bool = True) -> tuple[int, int, int, int]:
    """A stable, well-spread colour for an id without a colour of its own.

    Class 0 is transparent black only where Rerun 0.4 leaves it so (``transparent_zero``: an undescribed class 0
    in a segmentation image); a described class 0 (``AnnotationInfo(label="Person")``) gets a colour like any id.
    """
    if class_id == 0 and transparent_zero:
        return (0, 0, 0, 0)
    golden = 0.618033988749895
    h = (class_id * golden) % 1.0
    s, v = 0.75, 0.95
    i = int(h * 6)
    f = h * 6 - i
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i % 6]
    return (int(r * 255), int(g * 255), int(b * 255), 255)


@dataclass
class ClassInfo:
    """One class of an annotation context."""

    label: str | None = None
    color: tuple[int, int, int, int] | None = None
    keypoints: dict[int, tuple[str | None, tuple[int, int, int, int] | None]] = field(default_factory=dict)
    connections: list[tuple[int, int]] = field(default_factory=list)


class AnnotationContext:
    """Lookup tables built from one ``rerun.annotation_context`` component (one instance per class)."""

    def __init__(self, classes: dict[int, ClassInfo] | None = None) -> None:
        self.classes = classes or {}

    @classmethod
    def from_arrow(cls, arr: pa.Array) -> "AnnotationContext":
        """Parse the interface-B struct layout; the first description of a class id wins (as in 0.4)."""
        classes: dict[int, ClassInfo] = {}
        for row in struct_rows(arr):
            if row is None or row.get("class_id") is None:
                continue
            cid = int(row["class_id"])
            if cid in classes:
                continue
            color = row.get("color")
            info = ClassInfo(label=row.get("label"), color=tuple(color) if color else None)
            for kp in row.get("keypoint_annotations") or []:
                kc = kp.get("color")
                info.keypoints[int(kp["id"])] = (kp.get("label"), tuple(kc) if kc else None)
            info.connections = [(int(a), int(b)) for a, b in (row.get("keypoint_connections") or [])]
            classes[cid] = info
        return cls(classes)

    def class_color(self, class_id: int, transparent_zero: bool = False) -> tuple[int, int, int, int]:
        """Colour of a class: its description's, else the default colour for the id.

        A described class always has a visible colour (class 0 included: skeletons and keypoints of
        ``AnnotationInfo(label="Person")`` are drawn); ``transparent_zero`` keeps an *undescribed* class 0
        transparent (segmentation images, as in Rerun 0.4).
        """
        info = self.classes.get(int(class_id))
        if info is not None:
            return info.color if info.color else default_color(int(class_id), transparent_zero=False)
        return default_color(int(class_id), transparent_zero=transparent_zero)

    def class_label(self, class_id: int) -> str | None:
        """Label of a class, or None."""
        info = self.classes.get(int(class_id))
        return info.label if info else None

    def _keypoint(self, class_id: int, keypoint_id: int):
        info = self.classes.get(int(class_id))
        return None if info is None else info.keypoints.get(int(keypoint_id))

    def colors_for(self, class_ids: np.ndarray, keypoint_ids: np.ndarray | None = None) -> np.ndarray:
        """(N, 4) uint8 colours, as Rerun 0.4 resolves them: a described keypoint's colour, else its class's
        colour, else (keypoint described without colours) the default colour of the keypoint id; otherwise the
        class colour."""
        class_ids = np.asarray(class_ids, dtype=np.int64)
        out = np.empty((class_ids.size, 4), dtype=np.uint8)
        for cid in np.unique(class_ids):
            out[class_ids == cid] = self.class_color(int(cid))
        if keypoint_ids is not None:
            keypoint_ids = np.asarray(keypoint_ids, dtype=np.int64)
            for i, (cid, kid) in enumerate(zip(class_ids, keypoint_ids)):
                keypoint = self._keypoint(cid, kid)
                if keypoint is None:
                    continue
                info = self.classes[int(cid)]
                out[i] = keypoint[1] or info.color or default_color(int(kid), transparent_zero=False)
        return out

    def labels_for(self, class_ids: np.ndarray, keypoint_ids: np.ndarray | None = None) -> list[str | None]:
        """Label per instance: a described keypoint's label (``"head"``), else its class's label (``"Person"``)."""
        out = []
        for i, cid in enumerate(np.asarray(class_ids, dtype=np.int64)):
            keypoint = None if keypoint_ids is None or i >= len(keypoint_ids) else self._keypoint(cid, keypoint_ids[i])
            label = keypoint[0] if keypoint is not None else None
            out.append(label if label else self.class_label(int(cid)))
        return out

    def lookup_table(self, max_id: int) -> np.ndarray:
        """(max_id + 1, 4) uint8 table class id → colour, for segmentation images (undescribed 0 transparent)."""
        table = np.empty((max_id + 1, 4), dtype=np.uint8)
        for cid in range(max_id + 1):
            table[cid] = self.class_color(cid, transparent_zero=True)
        return table
