"""Every log_* function takes its arguments exactly as Rerun 0.4.0 does (names, order, keyword-only)."""

import inspect

import pytest

import rerun as rr

# parameter lists of 0.4.0 (rerun_v04_api.md §2.2); "*" marks the start of keyword-only parameters
SIGNATURES_040 = {
    "log_point": "entity_path, position, *, radius, color, label, class_id, keypoint_id, ext, timeless",
    "log_points": "entity_path, positions, *, identifiers, colors, radii, labels, class_ids, keypoint_ids, ext, timeless",
    "log_arrow": "entity_path, origin, vector, *, color, label, width_scale, ext, timeless",
    "log_obb": "entity_path, half_size, position, rotation_q, color, stroke_width, label, class_id, ext, timeless",
    "log_rect": "entity_path, rect, *, rect_format, color, label, class_id, ext, timeless",
    "log_rects": "entity_path, rects, *, rect_format, identifiers, colors, labels, class_ids, ext, timeless",
    "log_line_strip": "entity_path, positions, *, stroke_width, color, ext, timeless",
    "log_line_segments": "entity_path, positions, *, stroke_width, color, ext, timeless",
    "log_scalar": "entity_path, scalar, label, color, radius, scattered, ext",
    "log_text_entry": "entity_path, text, *, level, color, ext, timeless",
    "log_tensor": "entity_path, tensor, *, names, meter, ext, timeless",
    "log_image": "entity_path, image, *, ext, timeless",
    "log_depth_image": "entity_path, image, *, meter, ext, timeless",
    "log_segmentation_image": "entity_path, image, *, ext, timeless",
    "log_image_file": "entity_path, *, img_bytes, img_path, img_format, timeless",
    "log_mesh": "entity_path, positions, *, indices, normals, albedo_factor, vertex_colors, timeless",
    "log_meshes": "entity_path, position_buffers, *, vertex_color_buffers, index_buffers, normal_buffers, albedo_factors, timeless",
    "log_mesh_file": "entity_path, mesh_format, mesh_file, *, transform, timeless",
    "log_pinhole": "entity_path, *, child_from_parent, width, height, timeless",
    "log_rigid3": "entity_path, *, parent_from_child, child_from_parent, xyz, timeless",
    "log_view_coordinates": "entity_path, *, xyz, up, right_handed, timeless",
    "log_unknown_transform": "entity_path, timeless",
    "log_annotation_context": "entity_path, class_descriptions, *, timeless",
    "log_extension_components": "entity_path, ext, *, identifiers, timeless",
    "log_cleared": "entity_path, *, recursive",
}


def describe_parameters(function) -> str:
    parts, keyword_only_started = [], False
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and not keyword_only_started:
            parts.append("*")
            keyword_only_started = True
        parts.append(parameter.name)
    return ", ".join(parts)


@pytest.mark.parametrize("name", sorted(SIGNATURES_040))
def test_signature_matches_040(name):
    assert describe_parameters(getattr(rr, name)) == SIGNATURES_040[name]


def test_defaults_that_matter():
    assert inspect.signature(rr.log_annotation_context).parameters["timeless"].default is True
    assert inspect.signature(rr.log_text_entry).parameters["level"].default == "INFO"
    assert inspect.signature(rr.log_rect).parameters["rect_format"].default is rr.RectFormat.XYWH


def test_every_public_name_is_exported():
    for name in rr.log.__all__:
        assert getattr(rr, name) is getattr(rr.log, name)
