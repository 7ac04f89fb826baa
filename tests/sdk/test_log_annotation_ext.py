"""Annotation contexts, extension components and clears, as logged."""

import numpy as np

import rerun as rr
from rerun import components as C

from _log_roundtrip import recorded


def test_annotation_context_accepts_every_description_form(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_annotation_context(
            "/",
            [
                (1, "person", (255, 0, 0)),
                rr.AnnotationInfo(2, "car", [0.5, 0.5, 0.5]),
                rr.ClassDescription(
                    info=(3, "skeleton"),
                    keypoint_annotations=[(0, "head"), rr.AnnotationInfo(1, "hand", (0, 255, 0))],
                    keypoint_connections=[[0, 1], (1, 0)],
                ),
                rr.ClassDescription(info=rr.AnnotationInfo(4), keypoint_connections=[0, 1, 1, 2]),
            ],
        )
        rr.log_annotation_context("single", (7, "only"))
        rr.log_annotation_context("empty_connections", rr.ClassDescription(info=(0, "bg"), keypoint_connections=[]))
    classes = rec.cells("/", C.ANNOTATION_CONTEXT)[0]
    assert [c["class_id"] for c in classes] == [1, 2, 3, 4]
    assert classes[0]["label"] == "person" and classes[0]["color"] == [255, 0, 0, 255]
    assert classes[1]["color"] == [188, 188, 188, 255]
    assert classes[2]["keypoint_annotations"] == [
        {"id": 0, "label": "head", "color": None},
        {"id": 1, "label": "hand", "color": [0, 255, 0, 255]},
    ]
    assert classes[2]["keypoint_connections"] == [[0, 1], [1, 0]]
    assert classes[3]["keypoint_connections"] == [[0, 1], [1, 2]] and classes[3]["label"] is None
    assert [c["label"] for c in rec.cells("single", C.ANNOTATION_CONTEXT)[0]] == ["only"]
    assert rec.cells("empty_connections", C.ANNOTATION_CONTEXT)[0][0]["keypoint_connections"] == []
    # timeless by default: null on every timeline
    root = rec.table("/")
    assert all(root.column(name).null_count == 1 for name in root.column_names if name != C.ANNOTATION_CONTEXT)


def test_extension_components_prefix_splat_and_identifiers(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_extension_components("ext", {"speed": np.array([1.5, 2.5, 3.5]), "ext.kind": "car", "skip": None}, identifiers=np.array([10, 11, 12]))
        rr.log_points("pts", [[0, 0, 0], [1, 1, 1]], ext={"confidence": [0.9, 0.1], "source": "lidar"})
    table = rec.table("ext")
    assert table.column("ext.speed").to_pylist() == [[1.5, 2.5, 3.5]]
    assert table.column("ext.kind").to_pylist() == [["car"]]
    assert table.column(C.INSTANCE_KEY).to_pylist() == [[10, 11, 12]]
    assert "ext.skip" not in table.column_names
    assert rec.cells("pts", "ext.confidence") == [[0.9, 0.1]]
    assert rec.cells("pts", "ext.source") == [["lidar"]]


def test_extension_type_is_fixed_by_the_first_value(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_extension_components("typed", {"count_first_int": [1, 2]})
        rr.log_extension_components("typed", {"count_first_int": [3.0, 4.0]})
    assert rec.cells("typed", "ext.count_first_int") == [[1, 2], [3, 4]]


def test_cleared_sends_a_clear_at_the_current_time(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_points("world/pts", [[1, 2, 3]])
        rr.log_cleared("world", recursive=True)
        rr.log_cleared("world/pts")
    clears = rec.recording.clears
    assert [(c["entity_path"], c["recursive"]) for c in clears] == [("world", True), ("world/pts", False)]
    assert all(["frame", "sequence", 7] in c["time_point"] for c in clears)
