"""The rows of the time panel's "Streams" tree, as Rerun 0.4 lays them out along the timeline.

- one row per entity-tree node with data on the current timeline (or timeless data) in its subtree, children
  sorted by name; a node with children is labelled ``name/``;
- a row is expandable: open, it lists its children and then its own components (short names, ``point3d``);
- the top-level nodes with children start open, everything else closed;
- a closed row shows the event ticks of its whole subtree, a component row those of its component; an open
  row shows none (its children do).

Pure Python (no ImGui): the panel draws the rows (:mod:`rerun_app.viewer.streams_panel`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class StreamRow:
    """One row: an entity (``component`` None) or one component of it."""

    path: str
    component: str | None
    label: str
    depth: int
    expandable: bool
    open: bool

    @property
    def key(self) -> str:
        """Unique id of the row (its open state and ImGui id)."""
        return self.path if self.component is None else f"{self.path}:{self.component}"

    @property
    def shows_ticks(self) -> bool:
        """Closed entity rows and component rows show their event ticks."""
        return self.component is not None or not self.open


def short_component_name(name: str) -> str:
    """``rerun.point3d`` → ``point3d`` (the original's short names)."""
    return name.split(".", 1)[1] if name.startswith("rerun.") else name


def default_open(depth: int, has_children: bool) -> bool:
    """The original's rule: top-level nodes with children start open."""
    return depth == 0 and has_children


def stream_rows(tree, is_open: Callable[[str, bool], bool], has_data: Callable[[str], bool],
                components_of: Callable[[str], list[str]]) -> list[StreamRow]:
    """The rows to draw, top to bottom.

    Parameters
    ----------
    tree : EntityNode
        The store's entity tree (root ``/``: ``children`` by name, ``path``).
    is_open : callable
        ``is_open(path, default)``: whether the user has the entity's row open (``default`` if never toggled).
    has_data : callable
        Whether an entity's subtree has data on the current timeline or timeless data (rows without are left out).
    components_of : callable
        Component names logged on an entity (sorted).
    """
    rows: list[StreamRow] = []
    stack: list = [(child, 0) for child in reversed(_sorted_children(tree))]
    while stack:  # iterative: a path can be thousands of parts deep
        item = stack.pop()
        if isinstance(item, StreamRow):
            rows.append(item)
            continue
        node, depth = item
        path = node.path.strip("/") or "/"
        if not has_data(path):
            continue
        children = _sorted_children(node)
        components = components_of(path)
        opened = is_open(path, default_open(depth, bool(children)))
        label = f"{node.name}/" if children else node.name
        rows.append(StreamRow(path, None, label, depth, bool(children or components), opened))
        if opened:
            later = [(child, depth + 1) for child in children]
            later += [StreamRow(path, name, short_component_name(name), depth + 1, False, False)
                      for name in components]
            stack.extend(reversed(later))
    return rows


def _sorted_children(node) -> list:
    return [node.children[name] for name in sorted(node.children)]


def paths_with_data(store, key) -> set[str]:
    """Entities of ``store`` with data on timeline ``key`` or only timeless data (the original leaves out the
    others), and every ancestor of one: one pass over the entities (a subtree query per node would be quadratic)."""
    timelines = store.timelines()
    # An entity with data only on other timelines is left out.
    return _with_ancestors(
        path for path in store.entity_paths()
        if store.times_with_data(key, path).size or not any(store.times_with_data(tl, path).size for tl in timelines)
    )


def timeless_paths(store) -> set[str]:
    """Entities of ``store`` whose data is timeless only (on no timeline), and every ancestor of one: their rows get
    the original's timeless mark at the left of the time axis."""
    timelines = store.timelines()
    return _with_ancestors(
        path for path in store.entity_paths() if not any(store.times_with_data(tl, path).size for tl in timelines)
    )


def _with_ancestors(paths) -> set[str]:
    """``paths`` and every ancestor of each (``a/b/c`` adds ``a/b`` and ``a``), each ancestor chain walked once."""
    found: set[str] = set()
    for path in paths:
        parts = path.split("/")
        for depth in range(len(parts), 0, -1):
            ancestor = "/".join(parts[:depth])
            if ancestor in found:
                break
            found.add(ancestor)
    return found
