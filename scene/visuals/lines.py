"""Plain GL line segments with per-vertex packed RGBA8 colour and one width in pixels."""

from __future__ import annotations

import numpy as np
from vispy import gloo

from ._base import LeanVisual
from ._common import UNPACK_RGB_GLSL, is_opaque, color_attributes

VERTEX_SHADER = UNPACK_RGB_GLSL + """
attribute vec3 a_position;
attribute float a_rgb;
attribute float a_alpha;
varying vec4 v_color;

void main() {
    v_color = vec4(unpack_rgb(a_rgb), a_alpha * (1.0 / 255.0));
    gl_Position = $visual_to_render(vec4(a_position, 1.0));
}
"""

FRAGMENT_SHADER = """
varying vec4 v_color;
void main() {
    gl_FragColor = v_color;
}
"""


class LinesVisual(LeanVisual):
    """Independent segments (GL_LINES); segments with a non-finite end are dropped on upload."""

    def __init__(self, segments=None, colors=(200, 200, 200, 255), width_px=1.0):
        LeanVisual.__init__(self, vcode=VERTEX_SHADER, fcode=FRAGMENT_SHADER)
        self._draw_mode = "lines"
        self.set_gl_state("translucent", depth_test=True, cull_face=False, line_width=1.0)
        self.upload_count = 0
        self._n = 0
        self._vbo_position = gloo.VertexBuffer(np.zeros((0, 3), np.float32))
        self._vbo_rgb = None
        self._vbo_alpha = None
        self._bounds = None
        self.freeze()
        if segments is not None:
            self.set_data(segments, colors, width_px)

    def set_data(self, segments, colors=(200, 200, 200, 255), width_px=1.0):
        """Upload segments.

        Parameters
        ----------
        segments : (K, 2, 3) float32
        colors : (4,) uint8 for all, or (K, 4) uint8 one per segment
        width_px : float
            Line width in framebuffer pixels (GL lines: one width per visual).
        """
        segments = np.asarray(segments, dtype=np.float32).reshape(-1, 2, 3)
        keep = np.isfinite(segments).all(axis=(1, 2))
        colors = np.asarray(colors)
        if not keep.all():
            segments = segments[keep]
            if colors.ndim == 2:
                colors = colors[keep]
        vertices = np.ascontiguousarray(segments.reshape(-1, 3))
        if colors.ndim == 2:
            colors = np.repeat(colors, 2, axis=0)
        self._n = vertices.shape[0]
        self._vbo_position.set_data(vertices)
        program = self.shared_program
        program["a_position"] = self._vbo_position
        self._vbo_rgb, self._vbo_alpha = color_attributes(program, colors, self._vbo_rgb, self._vbo_alpha)
        self.update_gl_state(line_width=max(float(width_px), 1.0))
        self._bounds = (vertices.min(axis=0), vertices.max(axis=0)) if self._n else None
        self.update_gl_state(blend=not is_opaque(colors))  # opaque data skips blending per fragment
        self._uploaded()

    def _prepare_draw(self, view):
        return self._n > 0
