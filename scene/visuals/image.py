"""An RGBA8 image on a quad given by four local-space corners (TL, TR, BR, BL)."""

from __future__ import annotations

import numpy as np
from vispy import gloo

from ._base import LeanVisual

VERTEX_SHADER = """
attribute vec3 a_position;
attribute vec2 a_texcoord;
varying vec2 v_texcoord;

void main() {
    v_texcoord = a_texcoord;
    gl_Position = $visual_to_render(vec4(a_position, 1.0));
}
"""

FRAGMENT_SHADER = """
uniform sampler2D u_texture;
uniform float u_opacity;
varying vec2 v_texcoord;

void main() {
    vec4 color = texture2D(u_texture, v_texcoord);
    color.a *= u_opacity;
    gl_FragColor = color;
}
"""

# Texture row 0 (the image's top row) is at t = 0, so the top corners get t = 0.
_TEXCOORDS = np.array([[0, 0], [1, 0], [1, 1], [0, 0], [1, 1], [0, 1]], dtype=np.float32)
_CORNER_ORDER = [0, 1, 2, 0, 2, 3]


class ImageVisual(LeanVisual):
    """A texture on two triangles. Re-uploads only the texture or only the corners that changed."""

    def __init__(self, rgba=None, corners=None, interpolation="nearest", opacity=1.0):
        LeanVisual.__init__(self, vcode=VERTEX_SHADER, fcode=FRAGMENT_SHADER)
        self._draw_mode = "triangles"
        self.set_gl_state("translucent", depth_test=True, cull_face=False)
        self.upload_count = 0
        self._texture = None
        self._shape = None
        self._vbo_position = gloo.VertexBuffer(np.zeros((6, 3), np.float32))
        self.shared_program["a_texcoord"] = gloo.VertexBuffer(_TEXCOORDS)
        self._bounds = None
        self._opacity = 1.0
        self.freeze()
        if rgba is not None:
            self.set_data(rgba, corners, interpolation, opacity)

    def set_data(self, rgba, corners, interpolation="nearest", opacity=1.0):
        """Upload an (H, W, 4) uint8 image and its (4, 3) corners TL, TR, BR, BL."""
        rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
        if self._texture is None or self._shape != rgba.shape or self._texture.interpolation != interpolation:
            self._texture = gloo.Texture2D(rgba, interpolation=interpolation, wrapping="clamp_to_edge", format="rgba")
            self._shape = rgba.shape
        else:
            self._texture.set_data(rgba)
        corners = np.asarray(corners, dtype=np.float32).reshape(4, 3)
        self._vbo_position.set_data(np.ascontiguousarray(corners[_CORNER_ORDER]))
        program = self.shared_program
        program["u_texture"] = self._texture
        program["a_position"] = self._vbo_position
        self._opacity = float(opacity)
        self._bounds = (corners.min(axis=0), corners.max(axis=0))
        self._uploaded()

    def set_opacity(self, opacity: float) -> None:
        """Change the opacity (0-1) without uploading the picture again."""
        self._opacity = float(opacity)
        self.update()

    def _prepare_draw(self, view):
        if self._texture is None:
            return False
        view.view_program["u_opacity"] = self._opacity
        return True
