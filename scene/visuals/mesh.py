"""A lean triangle-mesh visual: vertex colours times albedo, optional headlight Lambert shading."""

from __future__ import annotations

import numpy as np
from vispy import gloo

from ._base import LeanVisual
from ._common import UNPACK_RGB_GLSL, is_opaque, color_attributes, eye_in_local, transform_matrix

VERTEX_SHADER = UNPACK_RGB_GLSL + """
attribute vec3 a_position;
attribute vec3 a_normal;
attribute float a_rgb;
attribute float a_alpha;
varying vec4 v_color;
varying vec3 v_normal;
varying vec3 v_position;

void main() {
    v_color = vec4(unpack_rgb(a_rgb), a_alpha * (1.0 / 255.0));
    v_normal = a_normal;
    v_position = a_position;
    gl_Position = $visual_to_render(vec4(a_position, 1.0));
}
"""

FRAGMENT_SHADER = """
uniform vec4 u_albedo;     // 0..1
uniform vec4 u_eye;        // camera centre in local space (w = 0: direction to the viewer)
uniform float u_shading;   // 1: Lambert from a light at the camera; 0: unlit
varying vec4 v_color;
varying vec3 v_normal;
varying vec3 v_position;

void main() {
    vec4 color = v_color * u_albedo;
    if (u_shading > 0.5) {
        vec3 to_eye = normalize(u_eye.xyz - v_position * u_eye.w);
        float n_len = length(v_normal);
        float lambert = n_len > 0.0 ? abs(dot(v_normal / n_len, to_eye)) : 1.0;
        color.rgb *= 0.3 + 0.7 * lambert;
    }
    gl_FragColor = color;
}
"""


class MeshVisual(LeanVisual):
    """Indexed triangles; triangles touching a non-finite vertex are dropped on upload."""

    def __init__(self, vertices=None, indices=None, normals=None, vertex_colors=None, albedo=None, shading=True):
        LeanVisual.__init__(self, vcode=VERTEX_SHADER, fcode=FRAGMENT_SHADER)
        self._draw_mode = "triangles"
        self.set_gl_state("translucent", depth_test=True, cull_face=False)
        self.upload_count = 0
        self._n = 0
        self._vbo_position = gloo.VertexBuffer(np.zeros((0, 3), np.float32))
        self._vbo_normal = gloo.VertexBuffer(np.zeros((0, 3), np.float32))
        self._vbo_rgb = None
        self._vbo_alpha = None
        self._bounds = None
        self._shading = bool(shading)
        self._albedo = (1.0, 1.0, 1.0, 1.0)
        self.freeze()
        if vertices is not None:
            self.set_data(vertices, indices, normals, vertex_colors, albedo, shading)

    def set_data(self, vertices, indices, normals, vertex_colors=None, albedo=None, shading=True):
        """Upload a mesh.

        Parameters
        ----------
        vertices, normals : (V, 3) float32
        indices : (T, 3) uint32
        vertex_colors : (V, 4) uint8 or None (white)
        albedo : (4,) uint8 or None (white); multiplies the vertex colours
        shading : bool
        """
        vertices = np.ascontiguousarray(vertices, dtype=np.float32)
        indices = np.asarray(indices, dtype=np.uint32).reshape(-1, 3)
        finite_vertex = np.isfinite(vertices).all(axis=1)
        if not finite_vertex.all():
            indices = indices[finite_vertex[indices].all(axis=1)]
        self._n = indices.size
        self._vbo_position.set_data(vertices)
        self._vbo_normal.set_data(np.ascontiguousarray(normals, dtype=np.float32))
        program = self.shared_program
        program["a_position"] = self._vbo_position
        program["a_normal"] = self._vbo_normal
        colors = np.array([255, 255, 255, 255], np.uint8) if vertex_colors is None else vertex_colors
        self._vbo_rgb, self._vbo_alpha = color_attributes(program, colors, self._vbo_rgb, self._vbo_alpha)
        self._index_buffer = gloo.IndexBuffer(np.ascontiguousarray(indices.reshape(-1)))
        self._albedo = (1.0, 1.0, 1.0, 1.0) if albedo is None else tuple(float(c) / 255.0 for c in albedo)
        self._shading = bool(shading)
        used = vertices[np.unique(indices)] if self._n else vertices[:0]
        self._bounds = (used.min(axis=0), used.max(axis=0)) if used.shape[0] else None
        opaque = is_opaque(colors) and (albedo is None or int(albedo[3]) == 255)
        self.update_gl_state(blend=not opaque)  # opaque data skips blending per fragment
        self._uploaded()

    def _prepare_draw(self, view):
        if self._n == 0:
            return False
        program = view.view_program
        program["u_albedo"] = self._albedo
        program["u_shading"] = 1.0 if self._shading else 0.0
        if self._shading:
            to_render = transform_matrix(view.get_transform("visual", "render"))
            program["u_eye"] = tuple(float(v) for v in eye_in_local(to_render))
        else:
            program["u_eye"] = (0.0, 0.0, 1.0, 0.0)
        return True
