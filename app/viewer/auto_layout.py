"""Automatic grid of space views: every view visible at once, placed by category, path and aspect ratio.

The rule is Rerun 0.4's (``re_viewer/src/ui/auto_layout.rs``, read for its behaviour only):

- views are sorted by (space path, title) for determinism;
- a set of views is split by common path prefix: views under the same top-level path stay together, and views
  of one and the same path each get their own tile, in title order (the original's category grouping is only
  reached for a single group, which the prefix grouping never returns for two or more views; kept for fidelity);
- of the possible split points between groups, the one closest to the middle wins;
- the split is left|right when the area is wider than the group's desired aspect ratio (the mean of the views'
  own ratios: a 2D scene's width/height, 1 for tensors and plots, 2 for text logs, none for 3D and bar charts;
  16:9 when no view has one), else top/bottom; the fraction is the share of views on the first side.

This module is pure (no ImGui): it returns a tree that the window turns into dock-node splits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Union

from rerun_app.views.transforms import path_parts

#: Category order of the original (``ViewCategory``, "ordered by dimensionality").
CATEGORY_ORDER = ("text", "timeseries", "barchart", "spatial", "tensor")
DEFAULT_ASPECT = 16.0 / 9.0


@dataclass(frozen=True)
class ViewInfo:
    """What the layout needs to know about one view.

    Parameters
    ----------
    key : str
        Identifies the view in the result (the window id).
    path : str
        The view's space path (grouping key).
    category : str
        One of :data:`CATEGORY_ORDER`.
    aspect : float or None
        Desired width/height, None when the view is flexible.
    title : str
        Display title (second sort key).
    """

    key: str
    path: str
    category: str
    aspect: float | None = None
    title: str = ""


@dataclass(frozen=True)
class Split:
    """Two sub-layouts side by side (``horizontal``: first left, second right) or stacked (first on top)."""

    horizontal: bool
    fraction: float  # share of the area given to ``first``
    first: "Layout"
    second: "Layout"


Layout = Union[Split, ViewInfo]


def category_of(kind: str) -> str:
    """The original's view category of one of our view kinds (``"3d"``, ``"2d"``, ``"textlog"`` …)."""
    return {"3d": "spatial", "2d": "spatial", "textlog": "text", "timeseries": "timeseries",
            "barchart": "barchart", "tensor": "tensor"}.get(kind, "spatial")


def auto_layout(views: list[ViewInfo], width: float, height: float) -> Layout | None:
    """The layout tree of ``views`` in a ``width`` x ``height`` area (None when there are no views)."""
    if not views:
        return None
    ordered = sorted(views, key=lambda v: (path_parts(v.path), v.title, v.key))
    return _by_path(ordered, width, height)


def rects(layout: Layout | None, x: float, y: float, width: float, height: float) -> dict[str, tuple]:
    """Each view's (x, y, w, h) when ``layout`` fills the given area (for tests and the layout check)."""
    out: dict[str, tuple] = {}
    if layout is None:
        return out
    if isinstance(layout, ViewInfo):
        out[layout.key] = (x, y, width, height)
        return out
    if layout.horizontal:
        w1 = width * layout.fraction
        out.update(rects(layout.first, x, y, w1, height))
        out.update(rects(layout.second, x + w1, y, width - w1, height))
    else:
        h1 = height * layout.fraction
        out.update(rects(layout.first, x, y, width, h1))
        out.update(rects(layout.second, x, y + h1, width, height - h1))
    return out


def _by_category(views: list[ViewInfo], width: float, height: float) -> Layout:
    if len(views) == 1:
        return views[0]
    groups = _group_by_category(views)
    if len(groups) == 1:
        return _by_path(views, width, height)
    return _split_groups(groups, width, height)


def _by_path(views: list[ViewInfo], width: float, height: float) -> Layout:
    if len(views) == 1:
        return views[0]
    groups = _group_by_path_prefix(views)
    if len(groups) == 1:
        return _by_category(views, width, height)
    return _split_groups(groups, width, height)


def _split_groups(groups: list[list[ViewInfo]], width: float, height: float) -> Layout:
    flat = [v for g in groups for v in g]
    n = len(flat)
    best, count = 0, 0
    for group in groups:
        count += len(group)
        if abs(count / n - 0.5) < abs(best / n - 0.5):
            best = count
    return _split_at(flat, best, width, height)


def _split_at(views: list[ViewInfo], index: int, width: float, height: float) -> Split:
    t = index / len(views)
    aspect = desired_aspect(views) or DEFAULT_ASPECT
    if width > aspect * height:
        first = _by_path(views[:index], width * t, height)
        second = _by_path(views[index:], width * (1 - t), height)
        return Split(True, t, first, second)
    first = _by_path(views[:index], width, height * t)
    second = _by_path(views[index:], width, height * (1 - t))
    return Split(False, t, first, second)


def desired_aspect(views: list[ViewInfo]) -> float | None:
    """Mean of the views' finite desired aspect ratios, None when none has one."""
    ratios = [v.aspect for v in views if v.aspect is not None and math.isfinite(v.aspect)]
    return sum(ratios) / len(ratios) if ratios else None


def _group_by_category(views: list[ViewInfo]) -> list[list[ViewInfo]]:
    groups: dict[str, list[ViewInfo]] = {}
    for v in views:
        groups.setdefault(v.category, []).append(v)
    rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    return [groups[c] for c in sorted(groups, key=lambda c: (rank.get(c, len(rank)), c))]


def _group_by_path_prefix(views: list[ViewInfo]) -> list[list[ViewInfo]]:
    """Groups by the first path part where the views differ (a missing part sorts first); one group per view
    when all paths are equal."""
    if len(views) < 2:
        return [list(views)]
    parts = [path_parts(v.path) for v in views]
    depth = 0
    while True:
        groups: dict[tuple, list[ViewInfo]] = {}
        for p, v in zip(parts, views):
            part = (0, "") if depth >= len(p) else (1, p[depth])
            groups.setdefault(part, []).append(v)
        if len(groups) == 1 and (0, "") in groups:
            return [[v] for v in views]
        if len(groups) > 1:
            return [groups[k] for k in sorted(groups)]
        depth += 1
