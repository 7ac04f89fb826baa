"""Which space views to create for a recording, chosen from the data as Rerun 0.4 does.

- Every *space root* with 3D content gets a 3D view. Roots are ``/`` and each entity carrying an unknown transform
  (``log_unknown_transform`` disconnects a subtree).
- Every pinhole entity gets a 2D view of its image space (the camera's picture with its 2D overlays).
- Scalars get one time-series view, text entries one text-log view, the 1-D tensors of each space root one bar
  chart (all of them overlaid, as the original's ``/ (Bar Chart)``), other non-image tensors a tensor (slice)
  view each.
- 2D content outside any pinhole and not under a 3D root (e.g. ``log_image("image", …)`` alone) gets a 2D view at
  its top-level path; if the root has no 3D content at all the 2D view is rooted at ``/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from rerun import components as C

from rerun_app.views.transforms import join_parts, path_parts

COMPONENTS_3D = frozenset(
    {C.POINT3D, C.BOX3D, C.ARROW3D, C.LINESTRIP3D, C.MESH3D, C.VEC3D}
)
COMPONENTS_2D = frozenset({C.POINT2D, C.RECT2D, C.LINESTRIP2D, C.TENSOR})
#: Category names the original puts after "/" in the title of a view rooted at "/".
_CATEGORY_NAMES = {"3d": "Spatial", "2d": "Spatial", "timeseries": "Time Series", "textlog": "Text",
                   "barchart": "Bar Chart", "tensor": "Tensor"}


@dataclass(frozen=True)
class SpaceViewSpec:
    """One automatically created view: ``kind`` is ``"3d"`` or ``"2d"``; ``root`` the space path it shows."""

    kind: str
    root: str

    @property
    def title(self) -> str:
        """What the view's tab shows, as in Rerun 0.4: the last part of the space path (``"world/camera"`` →
        ``"camera"``), or ``"/ (Category)"`` for a view of the root."""
        parts = path_parts(self.root)
        return parts[-1] if parts else f"/ ({_CATEGORY_NAMES.get(self.kind, self.kind)})"

    def title_for(self, shown_paths: Iterable[str]) -> str:
        """The title Rerun 0.4 would give this view, judged by the entities it shows: a view of ``/`` whose
        entities all lie below one top-level path (none directly under the root) is the original's view of that
        path, so it is titled after it (``world``); otherwise :attr:`title`."""
        parts = [path_parts(p) for p in shown_paths]
        if self.root == "/" and parts and all(len(p) >= 2 for p in parts) and len({p[0] for p in parts}) == 1:
            return parts[0][0]
        return self.title

    @property
    def window_id(self) -> str:
        """The ImGui id part of the window name (``###kind:root``): the window stays the same whatever its title."""
        return f"###{self.kind}:{self.root}"

    @property
    def name(self) -> str:
        """ImGui window name: the title, then a unique id (``###kind:root``) that does not change with it."""
        return f"{self.title}{self.window_id}"

    @property
    def spatial(self) -> bool:
        """True for 3D and 2D views (vispy scenes); the others are ImGui/ImPlot widgets."""
        return self.kind in ("3d", "2d", "tensor")

    def contains(self, entity_path: str) -> bool:
        """True when ``entity_path`` is at or below this view's root."""
        root = path_parts(self.root)
        return path_parts(entity_path)[: len(root)] == root


def _under(path: str, root: str) -> bool:
    r = path_parts(root)
    return path_parts(path)[: len(r)] == r


def choose_space_views(
    entity_paths: Iterable[str],
    components_of: Callable[[str], set[str]],
    transform_kind_of: Callable[[str], str | None],
    tensor_kind: Callable[[str], str | None] | None = None,
) -> list[SpaceViewSpec]:
    """Pick the views for the given entities.

    Parameters
    ----------
    entity_paths : iterable of str
        Every entity with data.
    components_of : callable
        Component names an entity has (at any time).
    transform_kind_of : callable
        ``"rigid3"`` / ``"pinhole"`` / ``"unknown"`` or None for each path.
    tensor_kind : callable, optional
        For a tensor entity: ``"image"``, ``"bar"`` (1-D: a bar chart) or ``"tensor"`` (N-d: a slice view);
        default: every tensor is an image.
    """
    paths = sorted(set(entity_paths), key=lambda p: (len(path_parts(p)), p))

    def kind_of_tensor(path: str) -> str | None:
        if C.TENSOR not in components_of(path):
            return None
        return "image" if tensor_kind is None else tensor_kind(path)

    roots = ["/"] + [p for p in paths if transform_kind_of(p) == "unknown"]
    pinholes = [p for p in paths if transform_kind_of(p) == "pinhole"]

    def space_root(path: str) -> str:
        best = "/"
        for r in roots:
            if _under(path, r) and len(path_parts(r)) > len(path_parts(best)):
                best = r
        return best

    def under_pinhole(path: str) -> bool:
        return any(_under(path, p) for p in pinholes)

    has_3d: dict[str, bool] = {r: False for r in roots}
    loose_2d: list[str] = []
    for path in paths:
        comps = components_of(path)
        kind = transform_kind_of(path)
        if comps & COMPONENTS_3D or kind in ("rigid3", "pinhole"):
            has_3d[space_root(path)] = True
        elif comps & COMPONENTS_2D and not under_pinhole(path) and kind_of_tensor(path) in (None, "image"):
            loose_2d.append(path)

    views = [SpaceViewSpec("3d", r) for r in roots if has_3d[r]]
    if any(C.SCALAR in components_of(p) for p in paths):
        views.append(SpaceViewSpec("timeseries", "/"))
    if any(C.TEXT_ENTRY in components_of(p) for p in paths):
        views.append(SpaceViewSpec("textlog", "/"))
    views += [SpaceViewSpec("2d", p) for p in pinholes]
    bar_roots = {space_root(p) for p in paths if kind_of_tensor(p) == "bar"}
    views += [SpaceViewSpec("barchart", r) for r in roots if r in bar_roots]
    views += [SpaceViewSpec("tensor", p) for p in paths if kind_of_tensor(p) == "tensor"]
    seen_2d: set[str] = set()
    for path in loose_2d:
        root = space_root(path)
        if not has_3d[root]:
            view_root = root
        else:
            rel = path_parts(path)[len(path_parts(root)) :]
            view_root = join_parts(path_parts(root) + rel[:1])
        if view_root not in seen_2d:
            seen_2d.add(view_root)
            views.append(SpaceViewSpec("2d", view_root))
    return views
