"""Screen-space boxes behind text labels (Rerun 0.4 draws every label on a dark box with rounded corners).

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
attribute vec2 a_offset;   // logical pixels from the anchor, y down
attribute vec2 a_centre;   // logical pixels from the anchor to the box's centre
attribute vec2 a_half;     // half the box's size, logical pixels
uniform vec4 u_fb_from_ndc; // framebuffer px = (x: [0] * ndc + [1], y: [2] * ndc + [3])
uniform vec2 u_px_scale;     // framebuffer pixels per logical pixel, signed: y's sign turns "down" into framebuffer y
varying vec2 v_from_centre;
varying vec2 v_half;
void main() {
    vec4 clip = $visual_to_render(vec4(a_anchor, 1.0));
    vec2 ndc = clip.xy / clip.w;
    // on whole framebuffer pixels (as the original's UI draws its rects): crisp edges and corners
    vec2 fb = floor(vec2(u_fb_from_ndc.x * ndc.x + u_fb_from_ndc.y, u_fb_from_ndc.z * ndc.y + u_fb_from_ndc.w));
    fb += floor(a_offset * u_px_scale + 0.5);
    ndc = vec2((fb.x - u_fb_from_ndc.y) / u_fb_from_ndc.x, (fb.y - u_fb_from_ndc.w) / u_fb_from_ndc.z);
    gl_Position = vec4(ndc * clip.w, clip.z, clip.w);
    v_from_centre = a_offset - a_centre;
    v_half = a_half;
}
"""

FRAGMENT_SHADER = """
uniform vec4 u_color;
uniform float u_rounding;  // corner radius, logical pixels
varying vec2 v_from_centre;
varying vec2 v_half;
void main() {
    // outside the rounded rectangle: the distance past the corner circles' centres exceeds the rounding
    vec2 past = max(abs(v_from_centre) - (v_half - vec2(u_rounding)), 0.0);
    if (dot(past, past) > u_rounding * u_rounding) discard;
    gl_FragColor = u_color;
}
"""

#: Rerun 0.4's label box: grey 40 (its UI's inactive widget fill), opaque, corners rounded by 3 points.
LABEL_BOX_RGBA = (40 / 255, 40 / 255, 40 / 255, 1.0)
LABEL_BOX_ROUNDING_PX = 3.0

_CORNERS = np.array([[-0.5, 0.0], [0.5, 0.0], [0.5, 1.0], [-0.5, 1.0]], np.float32)


class LabelBoxesVisual(LeanVisual):
    """One filled box per anchor: ``sizes_px`` (N, 2) width and height in logical pixels, ``top_px`` below the
    anchor."""

    def __init__(self, color=LABEL_BOX_RGBA, rounding_px: float = LABEL_BOX_ROUNDING_PX):
        LeanVisual.__init__(self, vcode=VERTEX_SHADER, fcode=FRAGMENT_SHADER)
        self._draw_mode = "triangles"
        # no depth writes: the label's text, drawn next at the same depth, must pass the depth test
        self.set_gl_state("translucent", depth_test=False, depth_mask=False, cull_face=False)
        self.upload_count = 0
        self._n = 0
        self._vbo_anchor = gloo.VertexBuffer(np.zeros((0, 3), np.float32))
        self._vbo_offset = gloo.VertexBuffer(np.zeros((0, 2), np.float32))
        self._vbo_centre = gloo.VertexBuffer(np.zeros((0, 2), np.float32))
        self._vbo_half = gloo.VertexBuffer(np.zeros((0, 2), np.float32))
        self._bounds = None
        self.shared_program["u_color"] = color
        self.shared_program["u_rounding"] = float(rounding_px)
        self.freeze()

    def set_data(self, anchors, sizes_px, top_px: float = 0.0) -> None:
        anchors = np.asarray(anchors, np.float32).reshape(-1, 3)
        # whole pixels, an even width: the box stays on the pixel grid around its centred anchor
        sizes = np.asarray(sizes_px, np.float32).reshape(-1, 2)
        sizes = np.stack([2.0 * np.ceil(sizes[:, 0] / 2.0), np.ceil(sizes[:, 1])], axis=1).astype(np.float32)
        top_px = float(round(top_px))
        n = anchors.shape[0]
        offsets = _CORNERS[None, :, :] * sizes[:, None, :]
        offsets[:, :, 1] += top_px
        self._vbo_anchor.set_data(np.ascontiguousarray(np.repeat(anchors, 4, axis=0)))
        self._vbo_offset.set_data(np.ascontiguousarray(offsets.reshape(-1, 2)))
        centres = np.stack([np.zeros(n, np.float32), top_px + sizes[:, 1] / 2], axis=1)
        self._vbo_centre.set_data(np.ascontiguousarray(np.repeat(centres, 4, axis=0), np.float32))
        self._vbo_half.set_data(np.ascontiguousarray(np.repeat(sizes / 2, 4, axis=0), np.float32))
        self.shared_program["a_anchor"] = self._vbo_anchor
        self.shared_program["a_offset"] = self._vbo_offset
        self.shared_program["a_centre"] = self._vbo_centre
        self.shared_program["a_half"] = self._vbo_half
        quads = (np.arange(n, dtype=np.uint32) * 4)[:, None] + np.array([0, 1, 2, 0, 2, 3], np.uint32)
        self._index_buffer = gloo.IndexBuffer(quads.reshape(-1)) if n else None
        self._n = n
        self._bounds = (anchors.min(axis=0), anchors.max(axis=0)) if n else None
        self._uploaded()

    def _prepare_draw(self, view):
        if not self._n:
            return False
        to_fb = transform_matrix(view.get_transform("render", "framebuffer"))
        # render space is NDC here: x_fb = a * x_ndc + b (y likewise, flipped)
        view.view_program["u_fb_from_ndc"] = (float(to_fb[0, 0]), float(to_fb[0, 3]), float(to_fb[1, 1]),
                                              float(to_fb[1, 3]))
        scale = float(view.transforms.pixel_scale)
        # NDC y points up; a framebuffer whose y grows downwards maps it with a negative factor
        view.view_program["u_px_scale"] = (scale, scale if to_fb[1, 1] < 0 else -scale)
        return True
