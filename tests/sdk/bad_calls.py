"""The bad-call matrix: one bad call per case, with the function it names, the exception strict mode raises and
fragments its message must hold. Shared by ``test_bad_input.py`` (which asserts the policy case by case) and
``bench/hardening_table.py`` (which counts outcomes); run as a script (``python bad_calls.py``) it prints one JSON
line: per mode, how many calls survived, lost data or raised.

By default a bad call must leave a WARN text entry naming it, log nothing else and leave the good calls around it
intact (``default_outcome``); in strict mode it raises (``strict_outcome``).
"""

from __future__ import annotations

import json
import logging
import pathlib
import sys
import tempfile

import numpy as np

import rerun as rr
from rerun import _session
from rerun import components as C

T = "target"

CASES = [
    # entity paths (rerun_v04_api.md §2.3 and §3)
    ("empty path", lambda: rr.log_points("", [[1, 2, 3]]), "log_points", ValueError, ["'entity_path'", "Expected path, found empty string"]),
    ("root path", lambda: rr.log_points("/", [[1, 2, 3]]), "log_points", ValueError, ["'entity_path'", "root"]),
    ("root tensor", lambda: rr.log_tensor("/", np.zeros(3)), "log_tensor", ValueError, ["'entity_path'", "root"]),
    ("root rigid3", lambda: rr.log_rigid3("/", parent_from_child=([0, 0, 0], [0, 0, 0, 1])), "log_rigid3", ValueError, ["root"]),
    ("root unknown transform", lambda: rr.log_unknown_transform("/"), "log_unknown_transform", ValueError, ["root"]),
    ("root pinhole", lambda: rr.log_pinhole("/", child_from_parent=np.eye(3), width=2, height=2), "log_pinhole", ValueError, ["root"]),
    ("root cleared", lambda: rr.log_cleared("/"), "log_cleared", ValueError, ["root"]),
    ("leading slash", lambda: rr.log_points("/foo", [[1, 2, 3]]), "log_points", ValueError, ["'/foo'", "Path had leading slash"]),
    ("double slash", lambda: rr.log_points("foo//bar", [[1, 2, 3]]), "log_points", ValueError, ["Double-slashes"]),
    ("bad sequence", lambda: rr.log_points("foo/#abc", [[1, 2, 3]]), "log_points", ValueError, ['Invalid sequence: "abc"']),
    ("negative sequence", lambda: rr.log_points("foo/#-1", [[1, 2, 3]]), "log_points", ValueError, ['Invalid sequence: "-1"']),
    ("open quote", lambda: rr.log_points('foo/"bar', [[1, 2, 3]]), "log_points", ValueError, ["Missing closing quote"]),
    ("no slash after quote", lambda: rr.log_points('foo/"a"b', [[1, 2, 3]]), "log_points", ValueError, ["Missing slash (/)"]),
    ("bad escape", lambda: rr.log_points('foo/"a\\qb"', [[1, 2, 3]]), "log_points", ValueError, ["Unknown escape sequence"]),
    ("int path", lambda: rr.log_points(3, [[1, 2, 3]]), "log_points", TypeError, ["argument 'entity_path' must be a str", "int 3"]),
    ("None path", lambda: rr.log_points(None, [[1, 2, 3]]), "log_points", TypeError, ["argument 'entity_path'", "None"]),
    ("Path path", lambda: rr.log_points(pathlib.PurePosixPath("a/b"), [[1, 2, 3]]), "log_points", TypeError, ["'entity_path'", "PurePosixPath"]),
    ("bytes path", lambda: rr.log_scalar(b"a", 1.0), "log_scalar", TypeError, ["'entity_path'", "bytes"]),
    # points
    ("points Nx4", lambda: rr.log_points(T, np.zeros((5, 4))), "log_points", ValueError, ["argument 'positions' must be an array of shape (N, 2) or (N, 3), got shape (5, 4)"]),
    ("points 1-D", lambda: rr.log_points(T, [1, 2, 3]), "log_points", ValueError, ["'positions'", "shape (3,)"]),
    ("points 3-D", lambda: rr.log_points(T, np.zeros((2, 2, 3))), "log_points", ValueError, ["'positions'", "shape (2, 2, 3)"]),
    ("points str", lambda: rr.log_points(T, [["a", "b", "c"]]), "log_points", TypeError, ["'positions'", "dtype <U1"]),
    ("points ragged", lambda: rr.log_points(T, [[1, 2, 3], [1, 2]]), "log_points", ValueError, ["'positions'", "ragged"]),
    ("colour count", lambda: rr.log_points(T, np.zeros((5, 3)), colors=np.zeros((4, 3), np.uint8)), "log_points", ValueError, ["argument 'colors' must be 0, 1 or 5 values", "got 4"]),
    ("radii count", lambda: rr.log_points(T, np.zeros((3, 3)), radii=[1, 2]), "log_points", ValueError, ["argument 'radii'", "got 2"]),
    ("labels count", lambda: rr.log_points(T, np.zeros((3, 3)), labels=["a", "b"]), "log_points", ValueError, ["argument 'labels'", "got 2"]),
    ("identifiers count", lambda: rr.log_points(T, np.zeros((3, 3)), identifiers=[1, 2]), "log_points", ValueError, ["argument 'identifiers'", "got 2"]),
    ("colour 2 channels", lambda: rr.log_points(T, np.zeros((3, 3)), colors=[255, 0]), "log_points", ValueError, ["argument 'colors'", "shape (2,)"]),
    ("colour over 255", lambda: rr.log_points(T, np.zeros((1, 3)), colors=[300, -1, 0]), "log_points", ValueError, ["argument 'colors'", "from -1 to 300"]),
    ("negative radius", lambda: rr.log_points(T, np.zeros((1, 3)), radii=-1), "log_points", ValueError, ["argument 'radii'", "-1"]),
    ("class id -1", lambda: rr.log_points(T, np.zeros((1, 3)), class_ids=-1), "log_points", ValueError, ["argument 'class_ids'", "0..65535"]),
    ("class id 70000", lambda: rr.log_points(T, np.zeros((1, 3)), class_ids=[70000]), "log_points", ValueError, ["argument 'class_ids'", "70000"]),
    ("label not str", lambda: rr.log_points(T, np.zeros((2, 3)), labels=[1, 2]), "log_points", TypeError, ["argument 'labels'", "int 1"]),
    ("timeless not bool", lambda: rr.log_points(T, np.zeros((1, 3)), timeless="yes"), "log_points", TypeError, ["argument 'timeless' must be a bool"]),
    ("point size 4", lambda: rr.log_point(T, [1, 2, 3, 4]), "log_point", ValueError, ["argument 'position'", "4 numbers"]),
    ("point two colours", lambda: rr.log_point(T, [1, 2, 3], color=[[1, 2, 3], [4, 5, 6]]), "log_point", ValueError, ["argument 'color'", "single"]),
    # images and tensors
    ("image bool", lambda: rr.log_image(T, np.zeros((4, 4), bool)), "log_image", TypeError, ["argument 'image'", "dtype bool"]),
    ("image complex", lambda: rr.log_image(T, np.zeros((4, 4), complex)), "log_image", TypeError, ["argument 'image'", "complex128"]),
    ("image str", lambda: rr.log_image(T, "picture.png"), "log_image", TypeError, ["argument 'image'", "<U11"]),
    ("image None", lambda: rr.log_image(T, None), "log_image", TypeError, ["argument 'image'", "None"]),
    ("tensor names", lambda: rr.log_tensor(T, np.zeros((2, 3)), names=["a"]), "log_tensor", ValueError, ["argument 'names' must be 2 names", "got 1"]),
    ("tensor object", lambda: rr.log_tensor(T, np.array([object()])), "log_tensor", TypeError, ["argument 'tensor'", "dtype object"]),
    ("depth meter", lambda: rr.log_depth_image(T, np.zeros((4, 4)), meter="mm"), "log_depth_image", TypeError, ["argument 'meter' must be a number", "'mm'"]),
    ("depth meter 0", lambda: rr.log_depth_image(T, np.zeros((4, 4)), meter=0), "log_depth_image", ValueError, ["argument 'meter' must be a positive number"]),
    ("segmentation -1", lambda: rr.log_segmentation_image(T, np.full((4, 4), -1)), "log_segmentation_image", ValueError, ["argument 'image'", "from -1"]),
    ("segmentation 1.7", lambda: rr.log_segmentation_image(T, np.full((4, 4), 1.7)), "log_segmentation_image", ValueError, ["argument 'image'", "non-integer"]),
    ("image file neither", lambda: rr.log_image_file(T), "log_image_file", TypeError, ["'img_bytes'", "neither"]),
    ("image file both", lambda: rr.log_image_file(T, img_bytes=b"x", img_path="x"), "log_image_file", TypeError, ["'img_bytes'", "both"]),
    ("image file missing", lambda: rr.log_image_file(T, img_path="/nonexistent/x.jpg"), "log_image_file", ValueError, ["argument 'img_path'", "/nonexistent/x.jpg"]),
    ("image file garbage", lambda: rr.log_image_file(T, img_bytes=b"garbage"), "log_image_file", ValueError, ["argument 'img_bytes' must be a JPEG, PNG", "b'garbage'"]),
    ("image file bad png", lambda: rr.log_image_file(T, img_bytes=b"\x89PNG\r\n\x1a\n" + b"\0" * 20), "log_image_file", ValueError, ["argument 'img_bytes'", "undecodable"]),
    ("image file not jpeg", lambda: rr.log_image_file(T, img_bytes=b"\x89PNG\r\n\x1a\n", img_format=rr.ImageFormat.JPEG), "log_image_file", ValueError, ["argument 'img_bytes' must be JPEG data"]),
    ("image file format", lambda: rr.log_image_file(T, img_bytes=b"x", img_format="bmpx"), "log_image_file", ValueError, ["argument 'img_format' must be a ImageFormat"]),
    # scalars and text
    ("scalar str", lambda: rr.log_scalar(T, "abc"), "log_scalar", TypeError, ["argument 'scalar' must be a real number", "str 'abc'"]),
    ("scalar list", lambda: rr.log_scalar(T, [1, 2]), "log_scalar", TypeError, ["argument 'scalar'", "list"]),
    ("scalar label", lambda: rr.log_scalar(T, 1.0, label=5), "log_scalar", TypeError, ["argument 'label' must be a str"]),
    ("scalar colour", lambda: rr.log_scalar(T, 1.0, color=[1, 2]), "log_scalar", ValueError, ["argument 'color'", "shape (2,)"]),
    ("scalar radius", lambda: rr.log_scalar(T, 1.0, radius="big"), "log_scalar", TypeError, ["argument 'radius' must be a number"]),
    ("scalar scattered", lambda: rr.log_scalar(T, 1.0, scattered="yes"), "log_scalar", TypeError, ["argument 'scattered' must be a bool"]),
    ("text int", lambda: rr.log_text_entry(T, 5), "log_text_entry", TypeError, ["argument 'text' must be a str", "int 5"]),
    ("text level", lambda: rr.log_text_entry(T, "hi", level=3), "log_text_entry", TypeError, ["argument 'level'"]),
    # rects, lines, arrows, boxes
    ("rect len 3", lambda: rr.log_rect(T, [1, 2, 3]), "log_rect", ValueError, ["argument 'rect' must be 4 numbers", "got 3 numbers"]),
    ("rects Nx3", lambda: rr.log_rects(T, np.zeros((2, 3))), "log_rects", ValueError, ["argument 'rects'", "shape (2, 3)"]),
    ("rect format", lambda: rr.log_rect(T, [1, 2, 3, 4], rect_format="XYZW"), "log_rect", ValueError, ["argument 'rect_format'", "'XYZW'"]),
    ("line strip 1-D", lambda: rr.log_line_strip(T, [1, 2, 3]), "log_line_strip", ValueError, ["argument 'positions'", "shape (3,)"]),
    ("segments odd", lambda: rr.log_line_segments(T, np.zeros((3, 3))), "log_line_segments", ValueError, ["argument 'positions' must be an even number of points", "3 points"]),
    ("stroke width", lambda: rr.log_line_strip(T, np.zeros((2, 3)), stroke_width=-1), "log_line_strip", ValueError, ["argument 'stroke_width'"]),
    ("arrow no vector", lambda: rr.log_arrow(T, [0, 0, 0]), "log_arrow", TypeError, ["argument 'vector'", "None"]),
    ("arrow 2-D", lambda: rr.log_arrow(T, [0, 0], [1, 1]), "log_arrow", ValueError, ["argument 'origin' must be 3 numbers"]),
    ("obb half size", lambda: rr.log_obb(T, [1, 2]), "log_obb", ValueError, ["argument 'half_size' must be 3 numbers"]),
    ("obb rotation", lambda: rr.log_obb(T, [1, 2, 3], rotation_q=[0, 0, 1]), "log_obb", ValueError, ["argument 'rotation_q' must be 4 numbers"]),
    # meshes
    ("mesh positions", lambda: rr.log_mesh(T, np.zeros(4)), "log_mesh", ValueError, ["argument 'positions'", "divisible by 3", "4 numbers"]),
    ("mesh soup", lambda: rr.log_mesh(T, np.zeros(12)), "log_mesh", ValueError, ["argument 'positions'", "4 vertices"]),
    ("mesh indices", lambda: rr.log_mesh(T, np.zeros(9), indices=[0, 1]), "log_mesh", ValueError, ["argument 'indices'", "2 indices"]),
    ("mesh index range", lambda: rr.log_mesh(T, np.zeros(9), indices=[0, 1, 5]), "log_mesh", ValueError, ["argument 'indices'", "index 5", "3 vertices"]),
    ("mesh normals", lambda: rr.log_mesh(T, np.zeros(9), normals=np.zeros(3)), "log_mesh", ValueError, ["argument 'normals'", "3 numbers"]),
    ("mesh albedo", lambda: rr.log_mesh(T, np.zeros(9), albedo_factor=[1, 1]), "log_mesh", ValueError, ["argument 'albedo_factor'"]),
    ("mesh vertex colours", lambda: rr.log_mesh(T, np.zeros(9), vertex_colors=np.zeros((2, 3), np.uint8)), "log_mesh", ValueError, ["argument 'vertex_colors'", "2 colours"]),
    ("meshes lengths", lambda: rr.log_meshes(T, [np.zeros(9)], index_buffers=[None, None]), "log_meshes", ValueError, ["argument 'index_buffers'", "got 2"]),
    ("meshes item", lambda: rr.log_meshes(T, [np.zeros(9), np.zeros(4)]), "log_meshes", ValueError, ["argument 'positions[1]'"]),
    ("mesh file format", lambda: rr.log_mesh_file(T, "STL", b"solid"), "log_mesh_file", ValueError, ["argument 'mesh_format'", "'STL'"]),
    ("mesh file transform", lambda: rr.log_mesh_file(T, rr.MeshFormat.OBJ, b"v 0 0 0", transform=np.eye(4)), "log_mesh_file", ValueError, ["argument 'transform'", "shape (4, 4)"]),
    ("mesh file glb", lambda: rr.log_mesh_file(T, rr.MeshFormat.GLB, b"garbage"), "log_mesh_file", ValueError, ["argument 'mesh_file' must be GLB data"]),
    # transforms
    ("pinhole matrix", lambda: rr.log_pinhole(T, child_from_parent=np.eye(2), width=2, height=2), "log_pinhole", ValueError, ["argument 'child_from_parent'", "shape (2, 2)"]),
    ("pinhole width", lambda: rr.log_pinhole(T, child_from_parent=np.eye(3), width="10", height=2), "log_pinhole", TypeError, ["argument 'width' must be a number", "'10'"]),
    ("rigid neither", lambda: rr.log_rigid3(T), "log_rigid3", TypeError, ["'parent_from_child'", "neither"]),
    ("rigid both", lambda: rr.log_rigid3(T, parent_from_child=([0, 0, 0], [0, 0, 0, 1]), child_from_parent=([0, 0, 0], [0, 0, 0, 1])), "log_rigid3", TypeError, ["both"]),
    ("rigid quaternion", lambda: rr.log_rigid3(T, parent_from_child=([0, 0, 0], [0, 0, 1])), "log_rigid3", ValueError, ["argument 'parent_from_child[1]' must be 4 numbers"]),
    ("view neither", lambda: rr.log_view_coordinates(T), "log_view_coordinates", ValueError, ["'xyz'", "neither"]),
    ("view lowercase", lambda: rr.log_view_coordinates(T, xyz="rdf"), "log_view_coordinates", ValueError, ["argument 'xyz' must be 3 letters from UDRLFB", "'rdf'"]),
    ("view duplicate", lambda: rr.log_view_coordinates(T, xyz="RRF"), "log_view_coordinates", ValueError, ["three different", "X=Right, Y=Right, Z=Forward"]),
    ("view handedness", lambda: rr.log_view_coordinates(T, xyz="RDF", right_handed=False), "log_view_coordinates", ValueError, ["argument 'right_handed'", "right handed"]),
    ("view up", lambda: rr.log_view_coordinates(T, up="up"), "log_view_coordinates", ValueError, ["argument 'up' must be one of +X -X +Y -Y +Z -Z"]),
    # annotation context, extension, cleared
    ("annotation colour", lambda: rr.log_annotation_context(T, [(1, "a", [255, 0])]), "log_annotation_context", ValueError, ["class_descriptions[0].info.color", "shape (2,)"]),
    ("annotation id", lambda: rr.log_annotation_context(T, [rr.AnnotationInfo(-1, "a")]), "log_annotation_context", ValueError, ["class_descriptions[0].info.id", "-1"]),
    ("annotation odd", lambda: rr.log_annotation_context(T, rr.ClassDescription(info=(1, "a"), keypoint_connections=[0, 1, 2])), "log_annotation_context", ValueError, ["keypoint_connections", "3 ids"]),
    ("annotation duplicate", lambda: rr.log_annotation_context(T, [(1, "a"), (1, "b")]), "log_annotation_context", ValueError, ["class id 1 twice"]),
    ("annotation item", lambda: rr.log_annotation_context(T, ["person"]), "log_annotation_context", TypeError, ["class_descriptions[0]", "'person'"]),
    ("extension not dict", lambda: rr.log_extension_components(T, [1, 2]), "log_extension_components", TypeError, ["argument 'ext' must be a dict"]),
    ("extension count", lambda: rr.log_extension_components(T, {"a": [1, 2, 3]}, identifiers=[1, 2]), "log_extension_components", ValueError, ["ext['ext.a']", "got 3"]),
    ("cleared recursive", lambda: rr.log_cleared(T, recursive="yes"), "log_cleared", TypeError, ["argument 'recursive' must be a bool"]),
    # strings that UTF-8 cannot encode (os.fsdecode of a non-UTF-8 file name), caught at the call
    ("surrogate path", lambda: rr.log_points("a/\udcff", [[1, 2, 3]]), "log_points", ValueError, ["'entity_path'", "lone surrogate '\\udcff' at index 2"]),
    ("surrogate text", lambda: rr.log_text_entry(T, "a\udcff"), "log_text_entry", ValueError, ["argument 'text'", "lone surrogate"]),
    ("surrogate level", lambda: rr.log_text_entry(T, "a", level="W\udcff"), "log_text_entry", ValueError, ["argument 'level'", "lone surrogate"]),
    ("surrogate text ext", lambda: rr.log_text_entry(T, "a\udcff", ext={"a": [1]}), "log_text_entry", ValueError, ["argument 'text'", "lone surrogate"]),
    ("surrogate label", lambda: rr.log_points(T, np.zeros((2, 3)), labels=["ok", "b\udcff"]), "log_points", ValueError, ["argument 'labels[1]'", "lone surrogate"]),
    ("surrogate scalar label", lambda: rr.log_scalar(T, 1.0, label="\udcff"), "log_scalar", ValueError, ["argument 'label'", "lone surrogate"]),
    ("surrogate rect label", lambda: rr.log_rect(T, [1, 2, 3, 4], label="\udcff"), "log_rect", ValueError, ["argument 'label'", "lone surrogate"]),
    ("surrogate ext name", lambda: rr.log_extension_components(T, {"a\udcff": [1]}), "log_extension_components", ValueError, ["argument 'ext'", "lone surrogate"]),
    ("surrogate tensor name", lambda: rr.log_tensor(T, np.zeros((2, 2)), names=["a", "\udcff"]), "log_tensor", ValueError, ["argument 'names[1]'", "lone surrogate"]),
    ("surrogate class label", lambda: rr.log_annotation_context(T, [(1, "\udcff")]), "log_annotation_context", ValueError, ["class_descriptions[0].info.label", "lone surrogate"]),
    ("1 MiB path", lambda: rr.log_points("x" * (1 << 20), [[1, 2, 3]]), "log_points", ValueError, ["'entity_path' must be at most 65536 characters", "1048576 characters"]),
    # the setters and session functions follow the same policy (0.4.0 raised from all of these)
    ("sequence str", lambda: rr.set_time_sequence("frame", "abc"), "set_time_sequence", TypeError, ["argument 'sequence'", "'str'"]),
    ("sequence float", lambda: rr.set_time_sequence("frame", 1.5), "set_time_sequence", TypeError, ["argument 'sequence'", "'float'"]),
    ("sequence 2**70", lambda: rr.set_time_sequence("frame", 2**70), "set_time_sequence", OverflowError, ["argument 'sequence'", str(2**70), "64-bit"]),
    ("sequence timeline int", lambda: rr.set_time_sequence(3, 1), "set_time_sequence", TypeError, ["argument 'timeline'", "int"]),
    ("sequence timeline surrogate", lambda: rr.set_time_sequence("f\udcff", 1), "set_time_sequence", ValueError, ["argument 'timeline'", "lone surrogate"]),
    ("seconds nan", lambda: rr.set_time_seconds("t", float("nan")), "set_time_seconds", ValueError, ["argument 'seconds'", "NaN"]),
    ("seconds inf", lambda: rr.set_time_seconds("t", float("inf")), "set_time_seconds", OverflowError, ["argument 'seconds'", "inf"]),
    ("seconds 1e300", lambda: rr.set_time_seconds("t", 1e300), "set_time_seconds", OverflowError, ["argument 'seconds'", "int64"]),
    ("seconds str", lambda: rr.set_time_seconds("t", "1"), "set_time_seconds", TypeError, ["argument 'seconds'", "str"]),
    ("seconds timeline surrogate", lambda: rr.set_time_seconds("\udcff", 1.0), "set_time_seconds", ValueError, ["argument 'timeline'", "lone surrogate"]),
    ("nanos float", lambda: rr.set_time_nanos("t", 1.0), "set_time_nanos", TypeError, ["argument 'nanos'", "'float'"]),
    ("nanos 2**64", lambda: rr.set_time_nanos("t", 2**64), "set_time_nanos", OverflowError, ["argument 'nanos'", str(2**64)]),
    ("init int", lambda: rr.init(5), "init", TypeError, ["argument 'application_id' must be a str", "int 5"]),
    ("init surrogate", lambda: rr.init("app\udcff"), "init", ValueError, ["argument 'application_id'", "lone surrogate"]),
    ("recording id", lambda: rr.set_recording_id("xyz"), "set_recording_id", TypeError, ['expected a UUID, got "xyz"']),
    ("connect address", lambda: rr.connect("not an address"), "connect", ValueError, ["'not an address'"]),
    ("connect int", lambda: rr.connect(5), "connect", TypeError, ["addr", "int"]),
    ("connect transport", lambda: rr.connect("127.0.0.1:9", transport="carrier pigeon"), "connect", ValueError, ["transport", "'carrier pigeon'"]),
    ("spawn port str", lambda: rr.spawn(port="x"), "spawn", ValueError, ["argument 'port' must be an int in 1..65535", "str 'x'"]),
    ("spawn port 0", lambda: rr.spawn(port=0), "spawn", ValueError, ["argument 'port'", "int 0"]),
    ("save int", lambda: rr.save(5), "save", TypeError, ["argument 'path' must be a str or os.PathLike", "int 5"]),
    ("save missing dir", lambda: rr.save("/nonexistent/dir/x.rrd"), "save", OSError, ["/nonexistent/dir/x.rrd", "No such file or directory"]),
]

#: Public functions without a bad-call case, and why none applies.
NO_BAD_CALL = {
    "disconnect": "no arguments",
    "get_recording_id": "no arguments",
    "get_sink_stats": "no arguments",
    "is_enabled": "no arguments",
    "rerun_shutdown": "no arguments",
    "strict_mode": "no arguments",
    "unregister_shutdown": "no arguments",
    "set_enabled": "any value is taken as its truth value, as in 0.4.0",
    "set_strict_mode": "any value is taken as its truth value, as in 0.4.0",
    "serve": "warns whatever its argument (no web viewer); tested in test_serve",
    "script_add_args": "takes the program's argparse parser; its arguments are checked by argparse",
    "script_setup": "passes the application id to init (covered) and the parsed options to save/connect/spawn (covered)",
    "script_teardown": "only reads the parsed options",
    "log_path": "deprecated alias of log_line_strip (covered; it reports as rr.log_line_strip)",
}


def good_call():
    rr.log_points(T, [[1, 2, 3]])


def default_outcome(call, function: str, workdir: pathlib.Path) -> str:
    """``call()`` between two good calls in default mode, recorded to a file and read back: "raised" if it raised
    (a user's program would have stopped), "lost data" if a good call's row or the warning entry naming
    ``function`` is missing or anything else was logged, else "survived"."""
    from _log_roundtrip import recorded

    try:
        with recorded(workdir) as rec:
            good_call()
            call()
            good_call()
    except Exception:  # noqa: BLE001 - what the call raised is the outcome counted
        return "raised"
    kept = rec.cells(T, C.POINT3D) == [[[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]]]
    warned = [cell for cell in rec.cells("rerun", C.TEXT_ENTRY) if cell and cell[0]["body"].startswith(f"rr.{function}: ")]
    only = set(rec.recording.entity_paths) == {T, "rerun"}
    return "survived" if kept and len(warned) == 1 and only else "lost data"


def strict_outcome(call, error: type) -> str:
    """``call()`` in strict mode: "raised" (the documented exception type), "raised other", or "no raise"."""
    _session.set_strict_mode(True)
    try:
        call()
    except error:
        return "raised"
    except Exception:  # noqa: BLE001 - counted
        return "raised other"
    finally:
        _session.set_strict_mode(False)
    return "no raise"


def run_matrix() -> dict:
    """Every case in both modes; per mode the count of each outcome."""
    quiet = logging.getLogger("rerun")
    quiet.propagate = False  # the warnings are counted from the recording, not printed
    totals: dict = {"cases": len(CASES), "default": {}, "strict": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for index, (_name, call, function, error, _fragments) in enumerate(CASES):
            workdir = pathlib.Path(tmp) / str(index)
            workdir.mkdir()
            outcome = default_outcome(call, function, workdir)
            totals["default"][outcome] = totals["default"].get(outcome, 0) + 1
            outcome = strict_outcome(call, error)
            totals["strict"][outcome] = totals["strict"].get(outcome, 0) + 1
            rr.set_enabled(True)
    return totals


if __name__ == "__main__":
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    print(json.dumps(run_matrix()))
