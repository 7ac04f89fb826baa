"""What the Blueprint panel shows: each space view with the entities it shows, grouped as Rerun 0.4 groups them.

Which entities a view shows (:func:`view_entities`) follows the view kinds of :mod:`~rerun_app.views.heuristics`:
spatial content of the view's space for 3D and 2D views (a 3D view also shows the images under its cameras, a 2D
view stops at a nested camera or disconnected space), scalars for time series, text entries for the text log, the
1-D tensors of the view's space for bar charts, the
tensor itself for tensor views.

How they are grouped (:func:`group_entities`), as the original's data blueprint:

- a group per entity path below the view's space path (named after its last part), nested as the paths are;
- an entity sits in the group of its own path; one without entities below it is listed directly in its parent's
  group instead (a group of one entity and no subgroups is dissolved), so ``world/camera`` with
  ``world/camera/image`` below it is a group "camera" listing "camera" and "image";
- a group lists its entities first, then its subgroups; the view and each group start open when they hold at most
  :data:`MAX_ITEMS_OPEN` items.

Pure Python (no ImGui): the panel is drawn by :mod:`rerun_app.viewer.blueprint_panel`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from rerun import components as C

from rerun_app.views.heuristics import COMPONENTS_2D, COMPONENTS_3D, SpaceViewSpec
from rerun_app.views.transforms import join_parts, path_parts

#: A view or group with at most this many entities and subgroups starts open (the original's rule).
MAX_ITEMS_OPEN = 3

_SPATIAL_2D = frozenset(COMPONENTS_2D - {C.TENSOR})


@dataclass(eq=False, repr=False)  # nested as deep as the paths: no recursive __eq__ / __repr__
class BlueprintGroup:
    """One group of a view's tree: the entities directly in it and its subgroups, both sorted by path."""

    path: str
    entities: list[str] = field(default_factory=list)
    children: list["BlueprintGroup"] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The last part of the group's path (``"/"`` for the root)."""
        parts = path_parts(self.path)
        return parts[-1] if parts else "/"

    @property
    def default_open(self) -> bool:
        """Whether the group starts expanded (few items)."""
        return len(self.entities) + len(self.children) <= MAX_ITEMS_OPEN

    def all_entities(self) -> list[str]:
        """Every entity in the group and its subgroups (the group's visibility toggle covers them)."""
        found, stack = [], [self]
        while stack:  # iterative: a path can be thousands of parts deep
            group = stack.pop()
            found += group.entities
            stack.extend(reversed(group.children))
        return found


def _below(path: str, root: str) -> bool:
    r = path_parts(root)
    return path_parts(path)[: len(r)] == r


def view_entities(
    spec: SpaceViewSpec,
    entity_paths: Iterable[str],
    components_of: Callable[[str], Iterable[str]],
    transform_kind_of: Callable[[str], str | None],
    tensor_kind_of: Callable[[str], str | None],
) -> list[str]:
    """The entities view ``spec`` shows, sorted.

    Parameters
    ----------
    spec : SpaceViewSpec
    entity_paths : iterable of str
        Every entity of the recording.
    components_of : callable
        Names of the components an entity has.
    transform_kind_of : callable
        ``"rigid3"``, ``"pinhole"``, ``"unknown"`` or None.
    tensor_kind_of : callable
        For an entity with a tensor: ``"image"``, ``"bar"`` or ``"tensor"``.
    """
    paths = sorted(set(entity_paths))
    if spec.kind == "tensor":
        return [p for p in paths if p == spec.root]
    if spec.kind == "barchart":  # every 1-D tensor of the view's space (not of a disconnected space below it)
        nested = [p for p in paths if spec.contains(p) and p != spec.root and transform_kind_of(p) == "unknown"]
        return [p for p in paths if spec.contains(p) and not any(_below(p, n) for n in nested)
                and C.TENSOR in set(components_of(p)) and tensor_kind_of(p) == "bar"]
    if spec.kind in ("timeseries", "textlog"):
        wanted = C.SCALAR if spec.kind == "timeseries" else C.TEXT_ENTRY
        return [p for p in paths if spec.contains(p) and wanted in set(components_of(p))]
    inside = [p for p in paths if spec.contains(p)]
    kinds = {p: transform_kind_of(p) for p in inside}
    # a disconnected space (and, for 2D, a camera) below the view's root is another view's space
    stops = ("unknown",) if spec.kind == "3d" else ("unknown", "pinhole")
    nested = [p for p, kind in kinds.items() if kind in stops and p != spec.root]
    pinholes = [p for p, kind in kinds.items() if kind == "pinhole"]
    shown = []
    for path in inside:
        if any(_below(path, n) for n in nested):
            continue
        comps = set(components_of(path))
        image = C.TENSOR in comps and tensor_kind_of(path) == "image"
        if spec.kind == "3d":
            if path == spec.root and kinds[path] is not None:
                continue  # a disconnected space's own transform places it in its parent space, not in itself
            in_camera = any(_below(path, p) for p in pinholes)
            keep = bool(comps & COMPONENTS_3D) or kinds[path] is not None or \
                (in_camera and (image or bool(comps & _SPATIAL_2D)))
        else:
            keep = image or bool(comps & _SPATIAL_2D)
        if keep:
            shown.append(path)
    return shown


def space_path(spec: SpaceViewSpec, entities: Iterable[str]) -> str:
    """The path the view's tree starts from: its root, or (a view of ``/`` whose entities all lie below one
    top-level path, which the original makes a view of that path, see :meth:`SpaceViewSpec.title_for`) that path."""
    parts = [path_parts(p) for p in entities]
    if spec.root == "/" and parts and all(len(p) >= 2 for p in parts) and len({p[0] for p in parts}) == 1:
        return parts[0][0]
    return spec.root


def group_entities(base_path: str, entities: Iterable[str]) -> BlueprintGroup:
    """The group tree of ``entities`` (all at or below ``base_path``), as described in the module docstring."""
    base = path_parts(base_path)
    root = BlueprintGroup(join_parts(base))
    groups: dict[str, BlueprintGroup] = {root.path: root}
    parent_of: dict[str, str] = {}
    entity_groups: list[str] = []
    for path in sorted(set(entities), key=lambda p: path_parts(p)):
        parts = path_parts(path)
        if parts == base:
            root.entities.append(path)
            continue
        key = join_parts(parts)
        if key not in groups:
            entity_groups.append(key)
            child = key
            groups[child] = BlueprintGroup(child)
            while True:  # link the new group up to an existing one (creating the groups between)
                up = path_parts(child)[:-1]
                parent = join_parts(up) if len(up) > len(base) else root.path
                parent_of[child] = parent
                if parent in groups:
                    groups[parent].children.append(groups[child])
                    break
                groups[parent] = BlueprintGroup(parent, children=[groups[child]])
                child = parent
        groups[key].entities.append(path)
    for key in entity_groups:  # a lone entity is listed in its parent's group, not in a group of its own
        group = groups[key]
        if not group.children and len(group.entities) == 1:
            parent = groups[parent_of[key]]
            parent.children.remove(group)
            parent.entities.append(group.entities[0])
    _sort(root)
    return root


def _sort(root: BlueprintGroup) -> None:
    stack = [root]
    while stack:
        group = stack.pop()
        group.entities.sort(key=path_parts)
        group.children.sort(key=lambda g: path_parts(g.path))
        stack.extend(group.children)
