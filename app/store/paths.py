"""Entity paths as the store keys them, and the entity hierarchy for the entity panel.

The store keys entities by a canonical string: a leading ``/``, parts joined by ``/`` (``"world/points"``,
``"/world/points"`` and ``"world/points/"`` are one entity, ``"/world/points"``; the root is ``"/"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable


def split_entity_path(path: str) -> tuple[str, ...]:
    """The parts of an entity path (``"/a/b"`` → ``("a", "b")``; the root → ``()``).

    Raises
    ------
    TypeError
        If ``path`` is not a str.
    """
    if not isinstance(path, str):
        raise TypeError(f"entity_path: expected a str, got {type(path).__name__} ({path!r})")
    return tuple(part for part in path.split("/") if part)


def canonical_entity_path(path: str) -> str:
    """The store's key for ``path`` (leading ``/``, no empty parts)."""
    return "/" + "/".join(split_entity_path(path))


def ancestors(path: str) -> list[str]:
    """Canonical paths of the proper ancestors of canonical ``path``, root first (``"/"`` included)."""
    parts = split_entity_path(path)
    return ["/" + "/".join(parts[:i]) for i in range(len(parts))]


def is_descendant_or_self(path: str, ancestor: str) -> bool:
    """Whether canonical ``path`` is ``ancestor`` or lies below it."""
    if ancestor == "/" or path == ancestor:
        return True
    return path.startswith(ancestor + "/")


@dataclass
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
        Child nodes by name, in name order.
    """

    path: str
    name: str
    has_data: bool = False
    children: dict[str, "EntityNode"] = field(default_factory=dict)

    def walk(self) -> Iterable["EntityNode"]:
        """This node and all its descendants, depth first, children in name order."""
        yield self
        for child in self.children.values():
            yield from child.walk()

    def find(self, path: str) -> "EntityNode | None":
        """The node at ``path`` below (or at) this node, or None."""
        node = self
        for part in split_entity_path(path)[len(split_entity_path(self.path)) :]:
            node = node.children.get(part)
            if node is None:
                return None
        return node


def build_entity_tree(paths: Iterable[str]) -> EntityNode:
    """Nested :class:`EntityNode` hierarchy (root ``"/"``) of the given canonical paths."""
    root = EntityNode(path="/", name="")
    for path in sorted(paths):
        node = root
        parts = split_entity_path(path)
        for i, part in enumerate(parts):
            child = node.children.get(part)
            if child is None:
                child = EntityNode(path="/" + "/".join(parts[: i + 1]), name=part)
                node.children[part] = child
            node = child
        node.has_data = True
    _sort_children(root)
    return root


def _sort_children(node: EntityNode) -> None:
    node.children = dict(sorted(node.children.items()))
    for child in node.children.values():
        _sort_children(child)
