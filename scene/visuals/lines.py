"""Wide line segments and flat arrows, drawn as camera-facing quads (as Rerun 0.4's line renderer draws them).

Each segment is a quad spanned in the vertex shader, perpendicular to the segment's on-screen direction, so a line
has the same width whatever the camera does. A radius is either in logical pixels or in local units (then it shrinks
with distance, perspective-correct). Plain segments get round caps (Rerun 0.4's rectangle outlines and frustum lines
have them; they also close the joints of a strip). An arrow is two quads: a shaft with a round start cap that ends
4 radii before the tip, and a flat triangle head twice as wide at its base, narrowing to the tip; arrows are shaded
darker towards their edges, as the original's are.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo

from ._base import LeanVisual
from ._common import UNPACK_RGB_GLSL, color_attributes, is_opaque, pixels_per_unit, transform_matrix

#: Kinds of segment (``kinds`` argument of :meth:`LinesVisual.set_data`).
PLAIN, ARROW_SHAFT, ARROW_HEAD = 0, 1, 2
#: An arrow's head is this many shaft radii long (and its base twice the shaft's width).
HEAD_LENGTH_RADII = 4.0
MIN_RADIUS_PX = 0.5  # a line never gets thinner than one framebuffer pixel

VERTEX_SHADER = UNPACK_RGB_GLSL + """
attribute vec3 a_start;
attribute vec3 a_end;
attribute vec2 a_corner;    // x: 0 at the start, 1 at the end; y: -1 / +1 side of the axis
attribute float a_radius;   // local units (u_world_units = 1) or logical pixels
attribute float a_kind;     // 0 plain segment, 1 arrow shaft, 2 arrow head (start..end is the whole arrow)
attribute float a_rgb;
attribute float a_alpha;
uniform float u_world_units;
uniform float u_px_per_unit;   // framebuffer px per local unit at clip w = 1
uniform float u_px_scale;      // framebuffer px per logical px
uniform vec2 u_px_per_ndc;     // framebuffer px per NDC unit (x, y)
uniform float u_round_caps;
varying vec4 v_color;
varying float v_across;  // px from the axis (signed)
varying float v_half;    // half width in px here
varying float v_along;   // px along the axis from the start
varying float v_length;  // px length of the axis
varying float v_kind;

float radius_px(float w) {
    float r = u_world_units > 0.5 ? a_radius * u_px_per_unit / max(w, 1e-12) : a_radius * u_px_scale;
    return r;
}

vec4 clip_point(vec4 p, vec4 other) {
    // keep the visible part of a segment that crosses the camera plane
    const float eps = 1e-5;
    if (p.w >= eps) return p;
    return mix(p, other, (eps - p.w) / (other.w - p.w));
}

void main() {
    v_color = vec4(unpack_rgb(a_rgb), a_alpha * (1.0 / 255.0));
    v_kind = a_kind;
    vec3 s = a_start;
    vec3 e = a_end;
    if (a_kind > 0.5 && u_world_units > 0.5) {  // world-sized arrow: the head is 4 radii long in local units
        vec3 d = e - s;
        float len3 = length(d);
        vec3 neck = len3 > 0.0 ? e - d * (min(%(head).1f * a_radius, len3) / len3) : e;
        if (a_kind < 1.5) e = neck; else s = neck;
    }
    vec4 c0 = $visual_to_render(vec4(s, 1.0));
    vec4 c1 = $visual_to_render(vec4(e, 1.0));
    if (c0.w < 1e-5 && c1.w < 1e-5) {  // wholly behind the camera
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        return;
    }
    c0 = clip_point(c0, c1);
    c1 = clip_point(c1, c0);
    vec2 p0 = c0.xy / c0.w * u_px_per_ndc;
    vec2 p1 = c1.xy / c1.w * u_px_per_ndc;
    vec2 d = p1 - p0;
    float len = length(d);
    vec2 dir = len > 1e-6 ? d / len : vec2(1.0, 0.0);
    float r0 = radius_px(c0.w);
    float r1 = radius_px(c1.w);
    if (a_kind > 0.5 && u_world_units < 0.5) {  // pixel-sized arrow: the head is 4 radii long on screen
        float h = min(%(head).1f * r1, len);
        float t = len > 0.0 ? (len - h) / len : 0.0;  // screen parameter of the neck, then its clip parameter
        float tc = t * c0.w / max(t * c0.w + (1.0 - t) * c1.w, 1e-12);
        vec4 neck = mix(c0, c1, tc);
        if (a_kind < 1.5) { c1 = neck; p1 = p0 + dir * (len - h); len = len - h; }
        else { c0 = neck; p0 = p1 - dir * h; len = h; }
    }
    if (a_kind > 1.5) {  // the head: twice the shaft's width at its base, a point at the tip
        r0 = max(2.0 * r1, 2.0 * %(min_r).1f);
        r1 = 0.0;
    } else {
        r0 = max(r0, %(min_r).1f);
        r1 = max(r1, %(min_r).1f);
    }
    bool at_end = a_corner.x > 0.5;
    float cap_start = (a_kind < 0.5 && u_round_caps > 0.5) || (a_kind > 0.5 && a_kind < 1.5) ? 1.0 : 0.0;
    float cap_end = a_kind < 0.5 && u_round_caps > 0.5 ? 1.0 : 0.0;
    vec4 c = at_end ? c1 : c0;
    float r = at_end ? r1 : r0;
    float ext = at_end ? cap_end * r : -cap_start * r;
    vec2 offset = vec2(-dir.y, dir.x) * (a_corner.y * r) + dir * ext;
    gl_Position = vec4(c.xy + offset / u_px_per_ndc * c.w, c.z, c.w);
    v_across = a_corner.y * r;
    v_half = r;
    v_along = at_end ? len + ext : ext;
    v_length = len;
}
""" % {"head": HEAD_LENGTH_RADII, "min_r": MIN_RADIUS_PX}

FRAGMENT_SHADER = """
uniform float u_shaded;
varying vec4 v_color;
varying float v_across;
varying float v_half;
varying float v_along;
varying float v_length;
varying float v_kind;

void main() {
    float beyond = max(-v_along, v_along - v_length);
    float dist = beyond > 0.0 ? length(vec2(beyond, v_across)) : abs(v_across);
    if (beyond > 0.0 && dist > v_half) discard;  // round cap
    vec4 color = v_color;
    if (u_shaded > 0.5 && v_half > 0.0) {
        // Rerun 0.4's line shading: 0.9 of the colour on the axis, darker towards the edges (at least 0.2)
        float rel = min(dist / v_half, 1.0);
        color.rgb *= max(0.2, 1.0 - rel * rel) * 0.9;
    }
    gl_FragColor = color;
}
"""

_CORNERS = np.array([[0.0, -1.0], [0.0, 1.0], [1.0, -1.0], [1.0, 1.0]], np.float32)
_QUAD = np.array([0, 1, 2, 2, 1, 3], np.uint32)


class LinesVisual(LeanVisual):
    """Independent wide segments; segments with a non-finite end are dropped on upload."""

    def __init__(self, segments=None, colors=(200, 200, 200, 255), radii=1.5, radius_unit="px"):
        LeanVisual.__init__(self, vcode=VERTEX_SHADER, fcode=FRAGMENT_SHADER)
        self._draw_mode = "triangles"
        self.set_gl_state("translucent", depth_test=True, cull_face=False)
        self.upload_count = 0
        self._n = 0
        self._buffers: dict[str, gloo.VertexBuffer] = {}
        self._vbo_rgb = None
        self._vbo_alpha = None
        self._bounds = None
        self._world_units = False
        self._shaded = False
        self._round_caps = True
        self.freeze()
        if segments is not None:
            self.set_data(segments, colors, radii, radius_unit)

    def set_data(self, segments, colors=(200, 200, 200, 255), radii=1.5, radius_unit="px", kinds=None,
                 shaded=False, round_caps=True):
        """Upload segments.

        Parameters
        ----------
        segments : (K, 2, 3) float32
            Start and end of each segment (of each whole arrow for the arrow kinds).
        colors : (4,) uint8 for all, or (K, 4) uint8 one per segment
        radii : float or (K,) float
            Half widths, in ``radius_unit``.
        radius_unit : {"px", "world"}
            Logical pixels, or local units (perspective-correct).
        kinds : (K,) int, optional
            PLAIN (default), ARROW_SHAFT or ARROW_HEAD per segment.
        shaded : bool
            Darken towards the edges (Rerun 0.4 shades arrows so).
        round_caps : bool
            Round caps on plain segments.
        """
        if radius_unit not in ("px", "world"):
            raise ValueError(f"radius_unit: expected 'px' or 'world', got {radius_unit!r}")
        segments = np.asarray(segments, dtype=np.float32).reshape(-1, 2, 3)
        k = segments.shape[0]
        radii = np.broadcast_to(np.asarray(radii, np.float32), (k,))
        kinds = np.zeros(k, np.float32) if kinds is None else np.asarray(kinds, np.float32).reshape(k)
        keep = np.isfinite(segments).all(axis=(1, 2))
        colors = np.asarray(colors)
        if not keep.all():
            segments, radii, kinds = segments[keep], radii[keep], kinds[keep]
            if colors.ndim == 2:
                colors = colors[keep]
        self._n = segments.shape[0]
        program = self.shared_program
        per_vertex = {
            "a_start": np.repeat(segments[:, 0], 4, axis=0),
            "a_end": np.repeat(segments[:, 1], 4, axis=0),
            "a_corner": np.tile(_CORNERS, (self._n, 1)),
            "a_radius": np.repeat(np.nan_to_num(radii, nan=0.0).clip(min=0.0), 4),
            "a_kind": np.repeat(kinds, 4),
        }
        for name, data in per_vertex.items():
            data = np.ascontiguousarray(data, dtype=np.float32)
            if name in self._buffers:
                self._buffers[name].set_data(data)
            else:
                self._buffers[name] = gloo.VertexBuffer(data)
            program[name] = self._buffers[name]
        if colors.ndim == 2:
            colors = np.repeat(colors, 4, axis=0)
        self._vbo_rgb, self._vbo_alpha = color_attributes(program, colors, self._vbo_rgb, self._vbo_alpha)
        quads = (np.arange(self._n, dtype=np.uint32) * 4)[:, None] + _QUAD
        self._index_buffer = gloo.IndexBuffer(np.ascontiguousarray(quads.reshape(-1))) if self._n else None
        self._world_units = radius_unit == "world"
        self._shaded = bool(shaded)
        self._round_caps = bool(round_caps)
        ends = segments.reshape(-1, 3)
        self._bounds = (ends.min(axis=0), ends.max(axis=0)) if self._n else None
        self.update_gl_state(blend=not is_opaque(colors))  # opaque data skips blending per fragment
        self._uploaded()

    def _prepare_draw(self, view):
        if self._n == 0:
            return False
        program = view.view_program
        to_fb = transform_matrix(view.get_transform("render", "framebuffer"))
        program["u_px_per_ndc"] = (abs(float(to_fb[0, 0])), abs(float(to_fb[1, 1])))
        program["u_px_scale"] = float(view.transforms.pixel_scale)
        program["u_world_units"] = 1.0 if self._world_units else 0.0
        if self._world_units:
            program["u_px_per_unit"] = pixels_per_unit(transform_matrix(view.get_transform("visual", "framebuffer")))
        else:
            program["u_px_per_unit"] = 0.0
        program["u_shaded"] = 1.0 if self._shaded else 0.0
        program["u_round_caps"] = 1.0 if self._round_caps else 0.0
        return True
