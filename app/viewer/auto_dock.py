"""Turn the automatic grid (:mod:`rerun_app.viewer.auto_layout`) into ImGui dock-node splits, and say what each
view wants for it (category, aspect ratio from its content)."""

from __future__ import annotations

from typing import Callable

from imgui_bundle import imgui
from imgui_bundle.imgui import internal
from rerun import components as C

from rerun_app.viewer.auto_layout import Layout, ViewInfo, auto_layout, category_of
from rerun_app.views.heuristics import SpaceViewSpec

#: Desired aspect (width / height) per view kind when the content does not decide it (the original's choices:
#: tensors and plots square-ish, text logs wide, 3D and bar charts flexible).
KIND_ASPECT = {"tensor": 1.0, "timeseries": 1.0, "textlog": 2.0, "barchart": None, "3d": None}


def view_info(spec: SpaceViewSpec, size_2d: tuple[float, float] | None, title: str | None = None) -> ViewInfo:
    """Layout facts of one view; ``size_2d`` is a 2D view's content (width, height), e.g. its image size;
    ``title`` the one it shows (a root view titled after a top-level path is grouped under that path, where the
    original roots it)."""
    if spec.kind == "2d":
        aspect = size_2d[0] / size_2d[1] if size_2d is not None and size_2d[1] > 0 and size_2d[0] > 0 else None
    else:
        aspect = KIND_ASPECT.get(spec.kind)
    title = spec.title if title is None else title
    path = title if spec.root == "/" and title != spec.title else spec.root
    return ViewInfo(spec.name, path, category_of(spec.kind), aspect, title)


def dock_views(node_id: int, specs: list[SpaceViewSpec], size_2d: Callable[[SpaceViewSpec], tuple | None],
               area: tuple[float, float], title_of: Callable[[SpaceViewSpec], str]) -> dict[str, int]:
    """Split dock node ``node_id`` (``area`` = its width, height) into the automatic grid of ``specs`` and dock
    each view's window into its tile; returns window name → dock node."""
    layout = auto_layout([view_info(s, size_2d(s) if s.kind == "2d" else None, title_of(s)) for s in specs], *area)
    return _dock(node_id, layout) if layout is not None else {}


def _dock(node_id: int, layout: Layout) -> dict[str, int]:
    if isinstance(layout, ViewInfo):
        internal.dock_builder_dock_window(layout.key, node_id)
        return {layout.key: node_id}
    direction = imgui.Dir.left if layout.horizontal else imgui.Dir.up
    split = internal.dock_builder_split_node(node_id, direction, layout.fraction)
    return {**_dock(split.id_at_dir, layout.first), **_dock(split.id_at_opposite_dir, layout.second)}


def content_size_2d(store, spec: SpaceViewSpec, timeline) -> tuple[float, float] | None:
    """(width, height) of a 2D view's pictures: the pinhole resolution at its root, else the largest image under
    it (the original uses the 2D scene's bounding box, which pictures dominate); None when it has neither."""
    from rerun_app.views.tensor_view import classify_tensor
    from rerun_app.views.transforms import path_parts
    from rerun_app.views.values import transform as decode_transform

    def latest(path: str, component: str):
        found = store.latest_at(path, timeline, _END, components=[component])
        return None if found is None or component not in found.components else found.components[component]

    root = path_parts(spec.root)
    width = height = 0.0
    for path in store.entity_paths():
        parts = path_parts(path)
        if parts[: len(root)] != root:
            continue
        comps = store.components(path)
        if path == spec.root and C.TRANSFORM in comps:
            arr = latest(path, C.TRANSFORM)
            t = decode_transform(arr) if arr is not None and len(arr) else None
            if t is not None and t.kind == "pinhole" and t.resolution is not None:
                return t.resolution
        if C.TENSOR not in comps:
            continue
        arr = latest(path, C.TENSOR)
        if arr is None or not len(arr):
            continue
        row = arr[0]
        shape = [int(d) for d in row["shape"].as_py()]
        if classify_tensor(shape, row["dtype"].as_py()) == "image" and len(shape) >= 2:
            height, width = max(height, shape[0]), max(width, shape[1])
    return (width, height) if width and height else None


_END = 2**63 - 1
