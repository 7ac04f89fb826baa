"""The Blueprint panel's model: which entities each view shows, and their groups as Rerun 0.4's data blueprint
(a group per path below the view's space path; a lone entity listed in its parent; entities before groups)."""

from __future__ import annotations

from rerun import components as C
from rerun_app.views.blueprint_tree import MAX_ITEMS_OPEN, group_entities, space_path, view_entities
from rerun_app.views.heuristics import SpaceViewSpec

COMPONENTS = {
    "world/points": {C.POINT3D}, "world/camera": {C.TRANSFORM}, "world/camera/image": {C.TENSOR},
    "world/camera/image/box": {C.RECT2D}, "plots/a/x": {C.SCALAR}, "plots/b": {C.SCALAR},
    "logs": {C.TEXT_ENTRY}, "detached": {C.TRANSFORM}, "detached/pts": {C.POINT3D}, "bars": {C.TENSOR},
    "world/hist": {C.TENSOR}, "detached/hist": {C.TENSOR},
}
TRANSFORMS = {"world/camera": "pinhole", "detached": "unknown"}
TENSORS = {"world/camera/image": "image", "bars": "bar", "world/hist": "bar", "detached/hist": "bar"}


def _entities(kind: str, root: str) -> list[str]:
    return view_entities(SpaceViewSpec(kind, root), COMPONENTS, COMPONENTS.__getitem__, TRANSFORMS.get, TENSORS.get)


def _dump(group) -> tuple:
    return group.path, group.entities, [_dump(child) for child in group.children]


def test_each_view_shows_the_entities_of_its_kind_and_space():
    # the 3D view of "/" stops at the disconnected space, and shows the camera's image and its 2D box
    assert _entities("3d", "/") == ["world/camera", "world/camera/image", "world/camera/image/box", "world/points"]
    assert _entities("3d", "detached") == ["detached/pts"]  # its own transform belongs to the parent space
    assert _entities("2d", "world/camera") == ["world/camera/image", "world/camera/image/box"]
    assert _entities("timeseries", "/") == ["plots/a/x", "plots/b"]
    assert _entities("textlog", "/") == ["logs"]
    # a bar chart shows every 1-D tensor of its space (not the image, not a disconnected space's tensors)
    assert _entities("barchart", "/") == ["bars", "world/hist"]
    assert _entities("barchart", "detached") == ["detached/hist"]


def test_groups_follow_the_paths_and_lone_entities_join_their_parent():
    entities = _entities("3d", "/")
    base = space_path(SpaceViewSpec("3d", "/"), entities)
    assert base == "world"  # all below one top-level path: the view's tree starts there (its title)
    assert _dump(group_entities(base, entities)) == (
        "world", ["world/points"],
        [("world/camera", ["world/camera"],
          [("world/camera/image", ["world/camera/image", "world/camera/image/box"], [])])])
    # a path without data of its own ("plots/a") stays a group even with one entity
    entities = _entities("timeseries", "/")
    assert space_path(SpaceViewSpec("timeseries", "/"), entities) == "plots"
    assert _dump(group_entities("plots", entities)) == ("plots", ["plots/b"], [("plots/a", ["plots/a/x"], [])])
    # a view of "/" with entities under several top-level paths starts at "/"
    assert space_path(SpaceViewSpec("timeseries", "/"), ["a/x", "b"]) == "/"
    assert _dump(group_entities("/", ["a/x", "b"])) == ("/", ["b"], [("a", ["a/x"], [])])


def test_big_groups_start_closed():
    many = [f"world/p{i}" for i in range(MAX_ITEMS_OPEN + 1)]
    assert not group_entities("world", many).default_open
    assert group_entities("world", many[:MAX_ITEMS_OPEN]).default_open


def test_a_very_deep_path_does_not_recurse():
    deep = "/".join(f"p{i}" for i in range(3000))
    tree = group_entities("/", [deep, deep + "/leaf"])
    assert tree.all_entities() == [deep, deep + "/leaf"]
