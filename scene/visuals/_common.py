"""Helpers shared by the lean visuals: reading vispy transform chains as 4x4 matrices."""

from __future__ import annotations

import numpy as np


def transform_matrix(transform) -> np.ndarray:
    """The 4x4 matrix (column vectors) of a vispy transform chain that is projective-linear.

    Maps the homogeneous basis through ``transform.map``; valid for chains of Matrix, ST and
    Null transforms (everything the space views use). ``p_out_h = M @ p_in_h``.
    """
    return np.asarray(transform.map(np.eye(4)), dtype=np.float64).T


def pixels_per_unit(visual_to_framebuffer: np.ndarray) -> float:
    """Framebuffer pixels spanned by one local unit seen face-on at clip w = 1.

    The y row of the matrix, minus its component along the view direction (the w row), gives the
    scale of a length perpendicular to the line of sight; dividing by w in the shader applies
    perspective.
    """
    row_y = visual_to_framebuffer[1, :3]
    row_w = visual_to_framebuffer[3, :3]
    ww = float(row_w @ row_w)
    if ww > 0:
        row_y = row_y - (row_y @ row_w) / ww * row_w
    return float(np.linalg.norm(row_y))


def eye_in_local(visual_to_render: np.ndarray) -> np.ndarray:
    """Homogeneous camera centre in local coordinates (w = 0: a direction, for orthographic views).

    It is the point every clip-space ray comes from: the preimage of (0, 0, -1, 0) for perspective
    (depth -1 at w 0), and the direction toward the viewer for orthographic projections.
    """
    try:
        inverse = np.linalg.inv(visual_to_render)
    except np.linalg.LinAlgError:
        return np.array([0.0, 0.0, 1.0, 0.0])
    eye = inverse @ np.array([0.0, 0.0, -1.0, 0.0])
    if abs(eye[3]) > 1e-12:
        return eye / eye[3]
    length = np.linalg.norm(eye[:3])
    return eye / length if length > 0 else np.array([0.0, 0.0, 1.0, 0.0])


# GLSL snippet: unpack an RGB8 colour stored exactly as the float r + 256 g + 65536 b.
# vispy uploads every attribute as GL_FLOAT, so RGBA8 cannot be fed as normalised bytes; integers
# below 2^24 are exact in float32 and the divisions below are by powers of two, hence exact.
UNPACK_RGB_GLSL = """
vec3 unpack_rgb(float code) {
    float b = floor(code * (1.0 / 65536.0));
    float rest = code - b * 65536.0;
    float g = floor(rest * (1.0 / 256.0));
    float r = rest - g * 256.0;
    return vec3(r, g, b) * (1.0 / 255.0);
}
"""


def pack_rgb(colors: np.ndarray) -> np.ndarray:
    """(N, 4) uint8 RGBA -> (N,) float32 holding r + 256 g + 65536 b exactly."""
    c = colors.astype(np.uint32)
    return (c[:, 0] | (c[:, 1] << 8) | (c[:, 2] << 16)).astype(np.float32)


def color_attributes(program, colors, rgb_buffer, alpha_buffer, rgb_name="a_rgb", alpha_name="a_alpha"):
    """Feed per-instance or shared RGBA8 colours to ``program`` as packed RGB + alpha floats.

    A shared colour (or shared alpha, e.g. all opaque) becomes a constant vertex attribute: no
    buffer at all. Returns the (possibly new) (rgb_buffer, alpha_buffer).
    """
    from vispy import gloo

    colors = np.asarray(colors)
    if colors.ndim == 1:
        program[rgb_name] = float(int(colors[0]) | int(colors[1]) << 8 | int(colors[2]) << 16)
        program[alpha_name] = float(colors[3])
        return rgb_buffer, alpha_buffer
    rgb_buffer = _reuse(rgb_buffer, pack_rgb(colors), gloo)
    program[rgb_name] = rgb_buffer
    alpha = colors[:, 3]
    if alpha.size and (alpha == alpha[0]).all():
        program[alpha_name] = float(alpha[0])
    else:
        alpha_buffer = _reuse(alpha_buffer, alpha.astype(np.float32), gloo)
        program[alpha_name] = alpha_buffer
    return rgb_buffer, alpha_buffer


def _reuse(buffer, data, gloo):
    if buffer is None:
        return gloo.VertexBuffer(data)
    buffer.set_data(data)
    return buffer


def is_opaque(colors) -> bool:
    """True when every colour (one RGBA or an (N, 4) array) has alpha 255: blending can be off."""
    colors = np.asarray(colors)
    alpha = colors[..., 3]
    return bool(alpha.size == 0 or alpha.min() == 255)
