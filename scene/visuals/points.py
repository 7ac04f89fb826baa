"""A lean point-cloud visual: GL_POINTS, per-point size and RGBA8 colour, round sprites.

Compared with vispy's ``Markers`` (per-marker symbol SDF, edges, antialiasing in the fragment
shader and a 100-byte vertex), this uploads 12 bytes of position plus 4 bytes of packed colour and
4 of radius per point only where they vary, and its shader is one transform and a ``discard``.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo
from vispy.scene import Node

from ._base import LeanVisual
from ._common import UNPACK_RGB_GLSL, color_attributes, is_opaque, pixels_per_unit, transform_matrix
from .cache import ImpostorCache
from .splat import MAX_SPLAT_DIAMETER_PX, PointSplatter
from .vispy_private import clippers

MAX_DIAMETER_PX = 256.0  # also the usual GL point size limit; keeps bad radii from stalling a frame

VERTEX_SHADER = UNPACK_RGB_GLSL + """
attribute vec3 a_position;
attribute float a_rgb;     // packed r + 256 g + 65536 b
attribute float a_alpha;   // 0..255
attribute float a_radius;
uniform float u_world_units;    // 1: radii in local units, 0: in logical pixels
uniform float u_px_per_unit;    // framebuffer px per local unit at clip w = 1
uniform float u_px_scale;       // framebuffer px per logical px
varying vec4 v_color;
varying float v_diameter;

void main() {
    vec4 clip = $visual_to_render(vec4(a_position, 1.0));
    float diameter = u_world_units > 0.5
        ? 2.0 * a_radius * u_px_per_unit / max(abs(clip.w), 1e-12)
        : 2.0 * a_radius * u_px_scale;
    v_diameter = clamp(diameter, 1.0, %(max_diameter).1f);
    v_color = vec4(unpack_rgb(a_rgb), a_alpha * (1.0 / 255.0));
    gl_Position = clip;
    gl_PointSize = v_diameter;
}
""" % {"max_diameter": MAX_DIAMETER_PX}

FRAGMENT_SHADER = """
uniform float u_world_units;
varying vec4 v_color;
varying float v_diameter;

void main() {
    vec4 color = v_color;
    if (v_diameter > 2.5) {
        vec2 d = gl_PointCoord - vec2(0.5);
        if (dot(d, d) > 0.25) discard;
        // Points with a world radius are spheres: Rerun 0.4's shading, bright centre to 0.45 at the rim.
        // Below the CPU splat's size limit they stay flat, so both paths draw the same picture.
        if (u_world_units > 0.5 && v_diameter > %(flat_max).1f) {
            color.rgb *= max(0.4, sqrt(1.2 - 2.0 * length(d)));
        }
    }
    gl_FragColor = color;
}
""" % {"flat_max": MAX_SPLAT_DIAMETER_PX}


class PointsVisual(LeanVisual):
    """Points with per-point (or shared) RGBA8 colour and radius.

    Call :meth:`set_data` to upload; drawing never copies data. Non-finite positions are skipped
    through an index buffer that exists only when such rows exist. Radii in world units are
    converted to pixels in the shader (perspective-correct), capped at 256 px.
    """

    #: Opaque clouds with at least this many points are drawn through an :class:`ImpostorCache`
    #: (re-rendered only when data, camera or framebuffer change). None disables the cache.
    cache_min_points: int | None = 50_000

    #: Interactive level of detail (off by default, for windows, not screenshots): while only the
    #: camera moves, cached clouds bigger than this draw a random subset of this many points and
    #: request another frame, which draws them all once the view stops changing.
    interactive_max_points: int | None = None

    #: Cached clouds with one shared pixel radius (diameter <= 4 px) are z-buffered on the CPU
    #: (numpy) instead of GL_POINTS, several times faster on software GL.
    cpu_splat: bool = True

    def __init__(self, positions=None, colors=(200, 200, 200, 255), radii=1.5, radius_unit="px", finite=None):
        LeanVisual.__init__(self, vcode=VERTEX_SHADER, fcode=FRAGMENT_SHADER)
        self._draw_mode = "points"
        self.set_gl_state("translucent", depth_test=True, cull_face=False)
        self.upload_count = 0
        self._n = 0
        self._vbo_position = gloo.VertexBuffer(np.zeros((0, 3), np.float32))
        self._vbo_rgb = None
        self._vbo_alpha = None
        self._vbo_radius = None
        self._bounds = None
        self._world_units = False
        self._opaque = True
        self._cache = None
        self._coarse = None
        self._splatter = None
        self._coarse_splatter = None
        self._splat_source = None
        self._radius = None
        self._finite = None
        self._positions_count = 0
        self._gl_pending = None  # data not yet sent to GL (clouds drawn by the CPU splat never are)
        self.gl_uploads = 0
        self.freeze()
        if positions is not None:
            self.set_data(positions, colors, radii, radius_unit, finite)

    def set_data(self, positions, colors=(200, 200, 200, 255), radii=1.5, radius_unit="px", finite=None):
        """Set the points (counted in ``upload_count``).

        The GL buffers are filled on the first draw that needs them (``gl_uploads`` counts those):
        big clouds drawn by the CPU splat never occupy GL memory.

        Parameters
        ----------
        positions : (N, 3) float32
        colors : (4,) or (N, 4) uint8 RGBA
        radii : scalar or (N,) float32, non-negative
        radius_unit : {"px", "world"}
        finite : (N,) bool or None
            Rows to draw; None draws all.
        """
        positions = np.ascontiguousarray(positions, dtype=np.float32)
        self._n = self._positions_count = positions.shape[0]
        self._finite = None if finite is None else np.asarray(finite, dtype=bool)
        radii = np.asarray(radii, dtype=np.float32)
        self._gl_pending = (positions, colors, radii, finite)
        self._radius = float(radii) if radii.ndim == 0 else None
        self._splatter = None
        self._splat_source = (positions, np.asarray(colors), radii, finite)
        self._world_units = radius_unit == "world"
        if finite is not None:
            self._n = int(np.count_nonzero(finite))
        self._bounds = _finite_bounds(positions if finite is None else positions[finite])
        self._opaque = is_opaque(colors)
        self.update_gl_state(blend=not self._opaque)  # opaque data skips blending per fragment
        self._uploaded()

    def _ensure_gl(self) -> None:
        """Send data set by :meth:`set_data` to GL buffers, if not done yet."""
        if self._gl_pending is None:
            return
        positions, colors, radii, finite = self._gl_pending
        self._gl_pending = None
        program = self.shared_program
        self._vbo_position.set_data(positions)
        program["a_position"] = self._vbo_position
        self._vbo_rgb, self._vbo_alpha = color_attributes(program, colors, self._vbo_rgb, self._vbo_alpha)
        if radii.ndim == 1:
            if self._vbo_radius is None:
                self._vbo_radius = gloo.VertexBuffer(np.ascontiguousarray(radii))
            else:
                self._vbo_radius.set_data(np.ascontiguousarray(radii))
            program["a_radius"] = self._vbo_radius
        else:
            program["a_radius"] = float(radii)
        self._index_buffer = None if finite is None else gloo.IndexBuffer(np.flatnonzero(finite).astype(np.uint32))
        self.gl_uploads += 1

    @property
    def cache_passes(self) -> int:
        """How many times the impostor cache re-rendered the points (0 when it is not used)."""
        return 0 if self._cache is None else self._cache.passes

    def _uses_cache(self) -> bool:
        return (
            self.cache_min_points is not None
            and self._n >= self.cache_min_points
            and self._opaque
            and isinstance(self, Node)  # only scene-graph nodes know their canvas
            and self.canvas is not None
            and not self.picking  # vispy's GPU picking pass draws IDs
        )

    def draw(self):
        if not self._uses_cache():
            if self._n:
                self._ensure_gl()
            return LeanVisual.draw(self)
        if not self.visible or self._prepare_draw(view=self) is False:
            return
        if self._cache is None:
            self._cache = ImpostorCache()
        view_key = (
            transform_matrix(self.get_transform("visual", "render")).tobytes(),
            float(self.transforms.pixel_scale),
        )

        def draw_with(index_buffer):
            def draw():
                self._ensure_gl()
                self._configure_gl_state()
                self._program.draw(self._vshare.draw_mode, index_buffer())

            return draw

        coarse = None
        limit = self.interactive_max_points
        if limit is not None and self._n > limit:
            coarse = draw_with(lambda: self._coarse_index(limit))
        self._cache.draw(
            self.canvas, self.upload_count, view_key, draw_with(lambda: self._vshare.index_buffer), coarse, self.update,
            self._splat if self._can_splat() else None,
            depth_test=self._vshare.gl_state.get("depth_test", True),
        )

    def _can_splat(self) -> bool:
        if not self.cpu_splat:
            return False
        if self._radius is not None and not self._world_units:  # one pixel size: check it here
            return 2.0 * self._radius * float(self.transforms.pixel_scale) <= MAX_SPLAT_DIAMETER_PX + 0.5
        return True  # per-point or world sizes: the splatter falls back to GL if one is too big

    def _splat(self, viewport, size, coarse: bool = False):
        """CPU rendering of the points for the impostor cache (see :mod:`.splat`); ``coarse``: every k-th point
        only (at most ``interactive_max_points``), while the camera moves."""
        if self._splatter is None:
            self._splatter = PointSplatter(*self._splat_source)
        splatter = self._splatter
        if coarse and self.interactive_max_points is not None:
            if self._coarse_splatter is None or self._coarse_splatter[0] != (self.upload_count, self.interactive_max_points):
                self._coarse_splatter = ((self.upload_count, self.interactive_max_points),
                                         self._splatter.every(self._positions_count / self.interactive_max_points))
            splatter = self._coarse_splatter[1]
        fb_from_local = transform_matrix(self.get_transform("visual", "framebuffer"))
        render_from_local = transform_matrix(self.get_transform("visual", "render"))
        x0, y0, w, h = viewport
        rect = [x0, y0, x0 + w, y0 + h]
        for clipper in clippers(self):  # the view's rectangle
            b = clipper.bounds
            corners = np.asarray(clipper.transform.imap([[b.left, b.bottom], [b.right, b.top]]))[:, :2]
            lo, hi = np.floor(corners.min(axis=0)), np.ceil(corners.max(axis=0))
            rect = [max(rect[0], lo[0]), max(rect[1], lo[1]), min(rect[2], hi[0]), min(rect[3], hi[1])]
        rect = [int(v) for v in rect]
        if self._world_units:
            px_per_radius, perspective = pixels_per_unit(fb_from_local), True
        else:
            px_per_radius, perspective = float(self.transforms.pixel_scale), False
        return splatter.splat(fb_from_local, render_from_local[2], size, rect, px_per_radius, perspective)

    def _coarse_index(self, limit: int):
        """Index buffer of a random ~``limit``-point subset (drawn while the camera moves)."""
        if self._coarse is None or self._coarse[0] != (self.upload_count, limit):
            keep = np.random.default_rng(0).random(self._positions_count) < limit / self._n
            if self._finite is not None:
                keep &= self._finite
            self._coarse = ((self.upload_count, limit), gloo.IndexBuffer(np.flatnonzero(keep).astype(np.uint32)))
        return self._coarse[1]

    def _prepare_draw(self, view):
        if self._n == 0:
            return False
        program = view.view_program
        program["u_world_units"] = 1.0 if self._world_units else 0.0
        program["u_px_scale"] = float(view.transforms.pixel_scale)
        if self._world_units:
            to_fb = transform_matrix(view.get_transform("visual", "framebuffer"))
            program["u_px_per_unit"] = pixels_per_unit(to_fb)
        else:
            program["u_px_per_unit"] = 0.0
        return True


def _finite_bounds(positions: np.ndarray):
    from .._checks import column_bounds

    return column_bounds(positions)
