"""Code written against rerun-sdk 0.4.0 imports from its modules, not only from ``rerun``.

tests/fixtures/rerun_v040_api/names.json lists the 39 modules of the 0.4.0 ``rerun`` package and their public
names (written by make_names.py with the reference SDK). Every one must import and resolve in ours, the
re-exports must be the very objects ``rerun`` exposes (no second implementation), and the helpers that only
exist at those paths (colour conversion, the component array classes) must give 0.4.0's results.
"""

from __future__ import annotations

import importlib
import json
import logging
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from _log_roundtrip import recorded

import rerun as rr

NAMES = json.loads((Path(__file__).resolve().parent.parent / "fixtures" / "rerun_v040_api" / "names.json").read_text())
MODULES = NAMES["modules"]


def test_the_listing_is_the_whole_0_4_0_package():
    assert NAMES["written_by"].startswith("rerun-sdk 0.4.0")
    assert len(MODULES) == 39
    assert {"rerun.color_conversion", "rerun.log.camera", "rerun.log.file", "rerun.components.point"} <= set(MODULES)


@pytest.mark.parametrize("module_name", sorted(MODULES))
def test_every_0_4_0_module_path_and_name_resolves(module_name):
    module = importlib.import_module(module_name)
    missing = [name for name in MODULES[module_name] if not hasattr(module, name)]
    assert missing == [], f"{module_name} lacks {missing}"


@pytest.mark.parametrize("module_name", sorted(m for m in MODULES if m.startswith("rerun.log.")))
def test_log_modules_re_export_the_functions_rerun_exposes(module_name):
    module = importlib.import_module(module_name)
    for name in MODULES[module_name]:
        if hasattr(rr, name):
            assert getattr(module, name) is getattr(rr, name), f"{module_name}.{name} is a second object"


def test_importing_the_0_4_0_paths_keeps_rerun_light():
    import subprocess
    import sys

    code = (
        "import sys, rerun.log.file, rerun.log.camera, rerun.components.tensor, rerun.color_conversion;"
        "print(sorted({'vispy', 'numba', 'glfw', 'imgui_bundle', 'rerun_app'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- rerun.color_conversion --------------------------------------------------------------------------------


def srgb_byte(linear: float) -> int:
    """The sRGB curve 0.4.0 documents, for one value."""
    c = min(max(linear, 0.0), 1.0)
    return round(c * 3294.6) if c <= 0.0031308 else round(269.025 * c ** (1 / 2.4) - 14.025)


def test_linear_to_gamma_u8_value_follows_the_srgb_curve_and_clips():
    from rerun.color_conversion import linear_to_gamma_u8_value

    values = np.array([-0.1, 0.0, 0.003, 0.0031308, 0.2, 0.5, 0.9, 1.0, 1.001])
    got = linear_to_gamma_u8_value(values)
    assert got.dtype == np.uint8
    assert got.tolist() == [srgb_byte(v) for v in values]
    assert got[[0, 2, 5, 7, 8]].tolist() == [0, 10, 188, 255, 255]


def test_linear_to_gamma_u8_pixel_encodes_colour_but_not_alpha():
    from rerun.color_conversion import linear_to_gamma_u8_pixel

    rgb = np.array([[0.003, 0.003, 0.003], [0.5, 0.25, 1.0]])
    assert linear_to_gamma_u8_pixel(rgb).tolist() == [[srgb_byte(v) for v in row] for row in rgb]
    rgba = np.array([[0.003, 0.003, 0.003, 0.003], [0.5, 0.5, 0.5, 0.5]])
    assert linear_to_gamma_u8_pixel(rgba).tolist() == [[10, 10, 10, 1], [188, 188, 188, 128]]
    with pytest.raises(ValueError, match="3 or 4 channels"):
        linear_to_gamma_u8_pixel(np.zeros((2, 2)))


def test_u8_array_to_rgba_packs_rrggbbaa():
    from rerun.color_conversion import u8_array_to_rgba

    packed = u8_array_to_rgba(np.array([[0x12, 0x34, 0x56, 0x78], [1, 2, 3, 4]], np.uint8))
    assert packed.dtype == np.uint32 and packed.tolist() == [0x12345678, 0x01020304]
    assert u8_array_to_rgba(np.array([[0xAA, 0xBB, 0xCC]], np.uint8)).tolist() == [0xAABBCCFF]


def test_float_colours_of_log_calls_use_the_same_encoding(tmp_path):
    from rerun.color_conversion import linear_to_gamma_u8_pixel

    colours = np.array([[0.1, 0.5, 0.9, 0.25], [1.0, 0.0, 0.002, 1.0]])
    with recorded(tmp_path) as rec:
        rr.log_points("p", np.zeros((2, 3)) + 1, colors=colours)
    assert rec.cells("p", "rerun.colorrgba") == [linear_to_gamma_u8_pixel(colours).tolist()]


# --- rerun.components.<module>: 0.4.0's array constructors build the arrays our log calls log ------------------


def test_component_constructors_build_what_log_functions_log(tmp_path):
    from rerun.components.annotation import ClassIdArray, KeypointIdArray
    from rerun.components.color import ColorRGBAArray
    from rerun.components.instance import InstanceArray
    from rerun.components.label import LabelArray
    from rerun.components.point import Point3DArray
    from rerun.components.radius import RadiusArray

    positions = np.array([[1, 2, 3], [4, 5, 6]], np.float32)
    colors = np.array([[1, 2, 3, 4], [5, 6, 7, 8]], np.uint8)
    with recorded(tmp_path) as rec:
        rr.log_points("p", positions, identifiers=[5, 9], colors=colors, radii=[0.5, 1.5], labels=["a", "b"],
                      class_ids=[3, 4], keypoint_ids=[1, 2])
    built = {
        "rerun.point3d": Point3DArray.from_numpy(positions),
        "rerun.instance_key": InstanceArray.from_numpy(np.array([5, 9])),
        "rerun.colorrgba": ColorRGBAArray.from_numpy(colors),
        "rerun.radius": RadiusArray.from_numpy(np.array([0.5, 1.5])),
        "rerun.label": LabelArray.new(["a", "b"]),
        "rerun.class_id": ClassIdArray.from_numpy(np.array([3, 4])),
        "rerun.keypoint_id": KeypointIdArray.from_numpy(np.array([1, 2])),
    }
    table = rec.table("p")
    for name, array in built.items():
        assert pa.list_(array.type) == table.schema.field(name).type, name
        assert table.column(name)[0].values.equals(array), name
    assert InstanceArray.splat().to_pylist() == [2**64 - 1]


def test_shape_component_constructors(tmp_path):
    from rerun.components.arrow import Arrow3DArray
    from rerun.components.box import Box3DArray
    from rerun.components.linestrip import LineStrip2DArray, LineStrip3DArray
    from rerun.components.quaternion import QuaternionArray
    from rerun.components.rect2d import Rect2DArray, RectFormat
    from rerun.components.text_entry import TextEntryArray
    from rerun.components.vec import Vec2DArray, Vec3DArray

    with recorded(tmp_path) as rec:
        rr.log_rects("r", [[1, 2, 3, 4]], rect_format=rr.RectFormat.XCYCWH)
        rr.log_arrow("a", [0, 0, 0], [1, 2, 3])
        rr.log_obb("b", [1, 2, 3], [4, 5, 6], [0, 0, 0, 1])
        rr.log_line_strip("l2", [[0, 0], [1, 1]])
        rr.log_line_segments("l3", [[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3]])
        rr.log_text_entry("t", "hello", level="WARN")
    cell = lambda path, name: rec.table(path).column(name)[0].values  # noqa: E731
    assert cell("r", "rerun.rect2d").equals(Rect2DArray.from_numpy_and_format(np.array([[1, 2, 3, 4]]), RectFormat.XCYCWH))
    assert cell("a", "rerun.arrow3d").equals(Arrow3DArray.from_numpy(np.zeros((1, 3)), np.array([[1, 2, 3]])))
    assert cell("b", "rerun.box3d").equals(Box3DArray.from_numpy(np.array([[1, 2, 3]])))
    assert cell("b", "rerun.vec3d").equals(Vec3DArray.from_numpy(np.array([[4, 5, 6]])))
    assert cell("b", "rerun.quaternion").equals(QuaternionArray.from_numpy(np.array([[0, 0, 0, 1]])))
    assert cell("l2", "rerun.linestrip2d").equals(LineStrip2DArray.from_numpy_arrays([np.array([[0, 0], [1, 1]])]))
    segments = np.arange(12).reshape(4, 3) // 3
    assert cell("l3", "rerun.linestrip3d").equals(LineStrip3DArray.from_numpy_arrays([segments[:2], segments[2:]]))
    assert cell("t", "rerun.text_entry").equals(TextEntryArray.from_bodies_and_levels([("hello", "WARN")]))
    assert Vec2DArray.from_numpy(np.array([[1, 2]])).to_pylist() == [[1.0, 2.0]]


def test_scalar_and_tensor_constructors(tmp_path):
    from rerun.components.scalar import ScalarArray, ScalarPlotPropsArray
    from rerun.components.tensor import TensorArray

    image = np.arange(12, dtype=np.uint16).reshape(3, 4)
    with recorded(tmp_path) as rec:
        rr.log_scalar("s", 2.5, scattered=True)
        rr.log_tensor("x", image, names=["h", "w"], meter=2.0)
    assert rec.table("s").column("rerun.scalar")[0].values.equals(ScalarArray.from_numpy(np.array([2.5])))
    assert rec.table("s").column("rerun.scalar_plot_props")[0].values.equals(ScalarPlotPropsArray.from_props([{"scattered": True}]))
    logged = rec.table("x").column("rerun.tensor")[0].values.to_pylist()[0]
    built = TensorArray.from_numpy(image, names=["h", "w"], meter=2.0).to_pylist()[0]
    for field in ("shape", "names", "dtype", "meaning", "meter", "data"):
        assert built[field] == logged[field], field


def test_component_helpers_of_the_package():
    from rerun.components import ComponentTypeFactory, build_dense_union
    from rerun.components.label import LabelArray

    union_type = pa.dense_union([pa.field("a", pa.int32()), pa.field("b", pa.utf8())])
    union = build_dense_union(union_type, "b", pa.array(["x", "y"]))
    assert union.type == union_type and union.to_pylist() == ["x", "y"]
    with pytest.raises(ValueError, match="one of"):
        build_dense_union(union_type, "c", pa.array(["x"]))
    label_type = ComponentTypeFactory("LabelType", LabelArray, pa.field("rerun.label", pa.utf8()))()
    assert isinstance(label_type, pa.ExtensionType)
    assert label_type.extension_name == "rerun.label" and label_type.storage_type == pa.utf8()


# --- rerun.log.error_utils / log_decorator / text_internal -------------------------------------------------------


def test_send_warning_warns_or_raises_in_strict_mode(tmp_path, caplog):
    from rerun.log.error_utils import _send_warning

    with recorded(tmp_path) as rec, caplog.at_level(logging.WARNING):
        _send_warning("careful", 0)
    assert "careful" in caplog.text
    assert rec.cells("rerun", "rerun.text_entry") == [[{"body": "careful", "level": "WARN"}]]
    rr.set_strict_mode(True)
    try:
        with pytest.raises(TypeError, match="careful"):
            _send_warning("careful", 0)
    finally:
        rr.set_strict_mode(False)


def test_log_text_entry_internal_and_the_decorator(tmp_path):
    from rerun.log.log_decorator import LogLevel, log_decorator, log_text_entry_internal

    @log_decorator
    def log_twice(path: str) -> None:
        log_text_entry_internal(path, "one", level=LogLevel.DEBUG, color=[1, 2, 3])
        log_text_entry_internal(path, "two")

    with recorded(tmp_path) as rec:
        log_twice("own")
    assert rec.cells("own", "rerun.text_entry") == [[{"body": "one", "level": "DEBUG"}], [{"body": "two", "level": "INFO"}]]
    assert rec.cells("own", "rerun.colorrgba") == [[[1, 2, 3, 255]], None]


def test_add_extension_components_splits_splats_as_0_4_0():
    from rerun.log.extension_components import _add_extension_components

    instanced: dict = {}
    splats: dict = {}
    _add_extension_components(instanced, splats, {"many": [1, 2], "one": 3.5, "skip": None}, None)
    assert sorted(instanced) == ["ext.many"] and sorted(splats) == ["ext.one"]
    instanced, splats = {}, {}
    _add_extension_components(instanced, splats, {"one": 3.5}, np.array([7], np.uint64))
    assert sorted(instanced) == ["ext.one"] and splats == {}  # one identifier: an instance, not a splat


def test_mesh_and_image_format_enums_at_log_file():
    from rerun.log.file import ImageFormat, MeshFormat, log_image_file, log_mesh_file

    assert {m.name for m in MeshFormat} >= {"GLB", "OBJ"}
    assert {m.name for m in ImageFormat} >= {"JPEG"}
    assert log_image_file is rr.log_image_file and log_mesh_file is rr.log_mesh_file
