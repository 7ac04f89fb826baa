"""Screen-space boxes behind text labels (Rerun 0.4 draws every label on a dark rounded box).

Each box is anchored at a point in local space and sized in framebuffer pixels: centred on the anchor
horizontally, from ``top_px`` below it down by its height, whatever the camera does.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo

from ._base import LeanVisual
from ._common import transform_matrix

VERTEX_SHADER = """
attribute vec3 a_anchor;
attribute vec2 a_offset;   // framebuffer pixels from the anchor, y down
uniform vec2 u_ndc_per_px; // NDC units per framebuffer pixel (x, y)
void main() {
    vec4 clip = $visual_to_render(vec4(a_anchor, 1.0));
    clip.xy += vec2(a_offset.x, -a_offset.y) * u_ndc_per_px * clip.w;
    gl_Position = clip;
}
"""

FRAGMENT_SHADER = """
uniform vec4 u_color;
void main() {
    gl_FragColor = u_color;
}
"""

_CORNERS = np.array([[-0.5, 0.0], [0.5, 0.0], [0.5, 1.0], [-0.5, 1.0]], np.float32)


class LabelBoxesVisual(LeanVisual):
    """One filled box per anchor: ``sizes_px`` (N, 2) width and height in logical pixels, ``top_px`` below the
    anchor."""

    def __init__(self, color=(0.24, 0.24, 0.24, 0.9)):
        LeanVisual.__init__(self, vcode=VERTEX_SHADER, fcode=FRAGMENT_SHADER)
        self._draw_mode = "triangles"
        # no depth writes: the label's text, drawn next at the same depth, must pass the depth test
        self.set_gl_state("translucent", depth_test=False, depth_mask=False, cull_face=False)
        self.upload_count = 0
        self._n = 0
        self._vbo_anchor = gloo.VertexBuffer(np.zeros((0, 3), np.float32))
        self._vbo_offset = gloo.VertexBuffer(np.zeros((0, 2), np.float32))
        self._bounds = None
        self.shared_program["u_color"] = color
        self.freeze()

    def set_data(self, anchors, sizes_px, top_px: float = 0.0) -> None:
        anchors = np.asarray(anchors, np.float32).reshape(-1, 3)
        sizes = np.asarray(sizes_px, np.float32).reshape(-1, 2)
        n = anchors.shape[0]
        offsets = _CORNERS[None, :, :] * sizes[:, None, :]
        offsets[:, :, 1] += top_px
        self._vbo_anchor.set_data(np.ascontiguousarray(np.repeat(anchors, 4, axis=0)))
        self._vbo_offset.set_data(np.ascontiguousarray(offsets.reshape(-1, 2)))
        self.shared_program["a_anchor"] = self._vbo_anchor
        self.shared_program["a_offset"] = self._vbo_offset
        quads = (np.arange(n, dtype=np.uint32) * 4)[:, None] + np.array([0, 1, 2, 0, 2, 3], np.uint32)
        self._index_buffer = gloo.IndexBuffer(quads.reshape(-1)) if n else None
        self._n = n
        self._bounds = (anchors.min(axis=0), anchors.max(axis=0)) if n else None
        self._uploaded()

    def _prepare_draw(self, view):
        if not self._n:
            return False
        to_fb = transform_matrix(view.get_transform("render", "framebuffer"))
        # render space is NDC here: x_fb = a * x_ndc + b, so one framebuffer pixel is 1 / a NDC units
        scale = float(view.transforms.pixel_scale)  # framebuffer pixels per logical pixel
        view.view_program["u_ndc_per_px"] = (scale / abs(to_fb[0, 0]), scale / abs(to_fb[1, 1]))
        return True
