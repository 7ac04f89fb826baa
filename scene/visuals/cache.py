"""Impostor cache: keep a big opaque visual's last rendering (colour + depth) and redraw it as one
textured quad while nothing that affects it changed.

With ImGui drawn over the scene the window is redrawn on every UI event (hover, timeline...);
software GL needs ~0.2-0.4 s per million points, so a static 5 M-point cloud would make every
click take seconds. The cache re-renders the points only when their data, transform, camera,
point scale or framebuffer changed; otherwise a frame costs one full-viewport quad that writes
``gl_FragDepth``, so other visuals still occlude and are occluded exactly as before.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo

from .vispy_private import current_viewport

# The quad covers only the rectangle that holds the cached picture (the whole viewport after a GL rendering, the
# view's rectangle after a CPU splat): software GL shades every covered fragment, and a view is often a fraction
# of the window.
_QUAD_VERTEX = """
attribute vec2 a_position;
uniform vec4 u_viewport;   // x, y, w, h of the viewport inside the cached framebuffer
uniform vec4 u_rect;       // x, y, w, h of the cached picture, framebuffer pixels
uniform vec2 u_size;       // cached framebuffer size
varying vec2 v_uv;
void main() {
    vec2 pixel = u_rect.xy + (a_position * 0.5 + 0.5) * u_rect.zw;
    v_uv = pixel / u_size;
    gl_Position = vec4((pixel - u_viewport.xy) / u_viewport.zw * 2.0 - 1.0, 0.0, 1.0);
}
"""

_QUAD_FRAGMENT = """
uniform sampler2D u_color;
uniform sampler2D u_depth;
varying vec2 v_uv;
void main() {
    vec4 color = texture2D(u_color, v_uv);
    if (color.a == 0.0) discard;
    gl_FragColor = color;
    gl_FragDepth = texture2D(u_depth, v_uv).r;
}
"""


class ImpostorCache:
    """Colour + depth snapshot of one visual, reused while its cache key is unchanged.

    ``passes`` counts real renderings of the visual (tests and stats read it).
    """

    def __init__(self):
        self.passes = 0
        self.coarse = False  # the cached picture is a level-of-detail subset, to be refined
        self._key = None
        self._size = None
        self._rect = None  # (x, y, w, h) framebuffer pixels of the cached picture
        self._fbo = None
        self._color = None
        self._depth = None
        self._quad = gloo.Program(_QUAD_VERTEX, _QUAD_FRAGMENT)
        self._quad["a_position"] = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], dtype=np.float32)

    def invalidate(self) -> None:
        self._key = None

    def draw(self, canvas, data_key, view_key, draw_direct, draw_coarse=None, request_redraw=None, splat=None,
             depth_test=True):
        """Draw through the cache, re-rendering with ``draw_direct()`` when a key changed.

        ``data_key`` identifies the uploaded data, ``view_key`` everything else that moves pixels
        (transforms, point scale). When only the view changed and ``draw_coarse`` is given, the
        cheaper ``draw_coarse()`` renders this frame and ``request_redraw()`` asks for another,
        which then renders in full (interactive level of detail while the camera moves).
        ``splat(viewport, size, coarse)``, when given, renders on the CPU instead of GL (``coarse``: the
        level-of-detail subset of an interactive frame): it returns
        (rgba (h, w, 4) uint8, window depth (h, w, 1) float32, x0, y0) in GL row order, the picture of the
        framebuffer rectangle whose first pixel is (x0, y0) (nothing is drawn outside it), or None to use GL. Only
        that rectangle is uploaded and drawn.
        ``depth_test``: the visual's own setting (2D views draw without depth; then the quad must
        not test the cleared depth either).
        """
        viewport = current_viewport(canvas)
        size = (viewport[0] + viewport[2], viewport[1] + viewport[3])
        key = (data_key, view_key, viewport)
        if self._fbo is None or self._size != size:
            self._allocate(size)
            self._key = None
        render = None
        if key != self._key:
            only_view_moved = self._key is not None and self._key[0] == data_key and self._key[2] == viewport
            if draw_coarse is not None and only_view_moved:
                render, self.coarse = draw_coarse, True
            else:
                render, self.coarse = draw_direct, False
        elif self.coarse:
            render, self.coarse = draw_direct, False
        if render is not None and splat is not None:
            images = splat(viewport, size, self.coarse)
            if images is not None:
                color, depth, x0, y0 = images
                h, w = color.shape[:2]
                if h and w:  # sub-image uploads into the textures allocated for the framebuffer
                    self._color.set_data(color, offset=(y0, x0))
                    self._depth.set_data(depth, offset=(y0, x0))
                self._rect = (x0, y0, w, h)
                self._key, render = key, None
                self.passes += 1
                if self.coarse and request_redraw is not None:
                    request_redraw()  # a subset while the camera moves: the full cloud once it stops
        if render is not None:
            with self._fbo:
                gloo.set_viewport(*viewport)
                gloo.set_clear_color((0.0, 0.0, 0.0, 0.0))
                gloo.clear(color=True, depth=True)
                render()
            gloo.set_viewport(*viewport)
            self._key = key
            self._rect = viewport
            self.passes += 1
            if self.coarse and request_redraw is not None:
                request_redraw()
        if self._rect[2] <= 0 or self._rect[3] <= 0:
            return  # the view's rectangle is empty: nothing cached to show
        gloo.set_state(depth_test=bool(depth_test), blend=False, cull_face=False)
        self._quad["u_viewport"] = tuple(float(v) for v in viewport)
        self._quad["u_rect"] = tuple(float(v) for v in self._rect)
        self._quad["u_size"] = (float(size[0]), float(size[1]))
        self._quad.draw("triangle_strip")

    def _allocate(self, size) -> None:
        width, height = size
        self._color = gloo.Texture2D((height, width, 4), format="rgba", interpolation="nearest")
        # float data makes the driver pick a 32-bit float depth format (no quantisation ties)
        self._depth = gloo.Texture2D(
            np.zeros((height, width, 1), np.float32), format="depth_component", interpolation="nearest"
        )
        self._fbo = gloo.FrameBuffer(color=self._color, depth=self._depth)
        self._quad["u_color"] = self._color
        self._quad["u_depth"] = self._depth
        self._size = size
