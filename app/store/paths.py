"""Entity paths as the store keys them, and the entity hierarchy for the entity panel.

The store keys entities by the canonical display form of :mod:`rerun.entity_path` (``"world/points"``,
``"cams/#3"``, the root ``"/"``), so queries use the same strings users log with. Lookups also accept a
leading ``/`` and a trailing ``/``. A path from the wire that breaks the grammar is not rejected (the
viewer shows what it gets): it is split on ``/`` as plain names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from rerun import entity_path as _ep

ROOT = "/"
_CACHE_LIMIT = 1 << 16
_canonical_cache: dict[str, tuple[str, tuple[str, ...]]] = {}


def _canonical_and_parts(path: str) -> tuple[str, tuple[str, ...]]:
    cached = _canonical_cache.get(path)
    if cached is not None:
        return cached
    if not isinstance(path, str):
        raise TypeError(f"entity_path: expected a str such as 'world/points', got {type(path).__name__} ({path!r})")
    text = path
    if len(text) > 1 and text.startswith("/"):
        text = text[1:]
    try:
        parts = tuple(part.display() for part in _ep.parse(text))
    except ValueError:
        parts = tuple(part for part in path.split("/") if part)
    result = ("/".join(parts) if parts else ROOT, parts)
    if len(_canonical_cache) < _CACHE_LIMIT:
        _canonical_cache[path] = result
    return result


def canonical_entity_path(path: str) -> str:
    """The store's key for ``path`` (``"/world/points/"`` → ``"world/points"``; the root is ``"/"``).

    Raises
    ------
    TypeError
        If ``path`` is not a str.
    """
    return _canonical_and_parts(path)[0]


def entity_path_parts(path: str) -> tuple[str, ...]:
    """Display text of each part of ``path`` (``()`` for the root)."""
    return _canonical_and_parts(path)[1]


def _join(parts: tuple[str, ...]) -> str:
    return "/".join(parts) if parts else ROOT


def ancestors(path: str) -> list[str]:
    """Canonical paths of the proper ancestors of ``path``, root first (the root has none)."""
    parts = entity_path_parts(path)
    return [_join(parts[:i]) for i in range(len(parts))]


def is_descendant_or_self(path: str, ancestor: str) -> bool:
    """Whether ``path`` is ``ancestor`` or lies below it."""
    parts, above = entity_path_parts(path), entity_path_parts(ancestor)
    return parts[: len(above)] == above


@dataclass(eq=False)  # identity equality: comparing two trees field by field would recurse their whole depth
class EntityNode:
    """One node of the entity hierarchy.

    Attributes
    ----------
    path : str
        Canonical path of this node (``"/"`` for the root).
    name : str
        Last path part (``""`` for the root).
    has_data : bool
        Whether data was logged to exactly this path (intermediate nodes may have none).
    children : dict of str to EntityNode
        Child nodes by part name, in name order.
    """

    path: str
    name: str
    has_data: bool = False
    children: dict[str, "EntityNode"] = field(default_factory=dict)

    def __repr__(self) -> str:  # not the dataclass one, which recurses into every descendant
        return f"EntityNode({self.path!r}, has_data={self.has_data}, children={len(self.children)})"

    def walk(self) -> Iterable["EntityNode"]:
        """This node and all its descendants, depth first, children in name order.

        With an explicit stack: paths come from the wire, and a path 2000 parts deep must not
        exhaust the interpreter's recursion limit.
        """
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children.values()))

    def find(self, path: str) -> "EntityNode | None":
        """The node at ``path`` (searched from this node downwards), or None."""
        node = self
        for part in entity_path_parts(path)[len(entity_path_parts(self.path)) :]:
            node = node.children.get(part)
            if node is None:
                return None
        return node


def build_entity_tree(paths: Iterable[str]) -> EntityNode:
    """Nested :class:`EntityNode` hierarchy (root ``"/"``) of the given canonical paths."""
    root = EntityNode(path=ROOT, name="")
    for path in paths:
        node = root
        parts = entity_path_parts(path)
        for i, part in enumerate(parts):
            child = node.children.get(part)
            if child is None:
                child = EntityNode(path=_join(parts[: i + 1]), name=part)
                node.children[part] = child
            node = child
        node.has_data = True
    _sort_children(root)
    return root


def _sort_children(root: EntityNode) -> None:
    stack = [root]  # no recursion: the depth of the tree is the wire's choice
    while stack:
        node = stack.pop()
        node.children = dict(sorted(node.children.items()))
        stack.extend(node.children.values())
