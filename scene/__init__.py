"""rerun_scene: lean vispy visuals, space views, cameras, picking and headless rendering.

Takes plain numpy *batches* and knows nothing of entity paths, Arrow or the SDK.

Batches (``rerun_scene.batches``, numpy only, no GL import)
    ``PointBatch``, ``LineBatch`` (``LineBatch.from_strips``), ``MeshBatch``, ``ImageBatch``,
    ``BoxBatch``, ``ArrowBatch``, ``FrustumBatch``, ``LabelBatch``: frozen dataclasses; each has
    ``transform`` (4x4 world_from_local, column vectors). Constructors validate shapes/dtypes with
    errors naming the argument; bad *values* never raise: non-finite positions are skipped when
    drawing, negative/NaN radii and widths are clamped to 0 and counted in ``batch.n_clamped``.
    Colours: one RGB(A) or one per instance, uint8 or float 0-1. Treat batches as immutable:
    build a new one when data changes (that is what triggers the GPU upload).

Space views (``rerun_scene.view3d.SpaceView3D``, ``rerun_scene.view2d.SpaceView2D``)
    ``view = SpaceView3D(parent)``: ``parent`` a SceneCanvas (fills it) or a node such as
    ``canvas.scene`` (then place it every frame with ``view.set_rect(x, y, w, h)`` in canvas
    logical pixels, e.g. from the ImGui window's content rectangle).

    - ``view.set_layer(key, batch) -> bool``: create/update; uploads only if ``batch`` is a new
      object (or its ``version`` grew); returns whether it uploaded. ``key``: any hashable.
    - ``view.remove_layer(key)``, ``view.set_visible(key, bool)``, ``view.layers()``,
      ``view.layer(key).upload_count``, ``view.clear()``.
    - ``view.pick(x, y) -> Pick(key, index) | None`` at canvas pixel (x, y): CPU search on the
      batches (points within radius + 3 px, lines within width/2 + 3 px, triangles, image pixel
      -> ``row * width + column``); nearest wins in 3D, top-drawn kind in 2D; ``ids`` replace
      indices when the batch has them.
    - ``view.reset()`` fits the camera to the visible layers (done automatically for the first
      data until the user moves the camera); ``view.bounds()``; ``view.world_to_canvas(points)``.
    - 3D only: ``view.set_up("+Z" | "-Y" | ...)``, ``view.focus(point)``,
      ``view.look_through(K, world_from_camera, (W, H))`` (RDF pinhole, letterboxed),
      ``view.show_axes(True, length)``. Camera (``view.camera``, :class:`OrbitCamera`):
      left-drag rotates, right/middle/shift-drag pans, wheel zooms; ``rotate/pan/zoom`` methods
      do the same from code. ``view.camera.viewbox_from_world()`` is the exact GPU matrix.
    - 2D: world units are image pixels, y down (image row 0 at the top); drag pans, wheel zooms
      about the cursor. Layers drawn images < meshes < lines < points < labels.

    Mouse events reach the camera through vispy's usual path (``canvas`` events, e.g. the glfw
    backend's ``_vispy_mouse_press/move/release``); block them in ``on_mouse_*`` handlers when
    ImGui owns the press.

    - ``view.camera_state()`` -> dict of plain camera parameters.

Visuals (``rerun_scene.visuals``; node classes in ``rerun_scene.visuals.nodes``)
    ``PointsVisual`` (GL_POINTS, per-point px or world radius capped at 256 px, round sprites,
    RGBA8 packed exactly into floats because vispy feeds every attribute as GL_FLOAT),
    ``LinesVisual`` (GL_LINES; width in pixels, one per layer: the widest), ``MeshVisual``
    (vertex colours x albedo, headlight Lambert), ``ImageVisual`` (texture on a 4-corner quad,
    nearest filter). Each counts ``upload_count``; blending is off for opaque data.

    Big clouds: opaque point layers of >= ``PointsVisual.cache_min_points`` (50 k) are drawn
    through an impostor cache (``visuals/cache.py``): the points are re-rendered only when their
    data, transform, camera or framebuffer changed; other frames (ImGui redraws, other layers
    changing) cost one depth-writing quad, pixel-identical to drawing directly.
    Re-renders of such clouds are z-buffered on the CPU (``visuals/splat.py`` over the numba
    kernel ``rerun_kernels.splat``, numpy twin without numba; 20-50x faster than llvmpipe's
    GL_POINTS for 1-5 M points, two threads where there are two cores; coverage matches GL up to edge pixels) whenever every visible point is at most
    4 px wide (pixel or world radii, shared or per point); otherwise, or with
    ``PointsVisual.cpu_splat = False``, GL draws them. Only the view's rectangle is z-buffered,
    and only the box the points cover is uploaded (sub-image into textures kept per framebuffer
    size) and drawn by the quad: a live depth cloud in a view costs the view's area, not the
    window's. CPU-drawn clouds never get GL buffers (``gl_uploads`` stays 0).
    ``PointsVisual.interactive_max_points = 1_000_000`` (off by default; set it in the window
    process, not for screenshots) draws a random subset while only the camera moves and
    requests one more frame (``update()``) that draws everything once it stops.

Headless (``rerun_scene.offscreen``)
    ``render(build, size) -> (H, W, 4) uint8``, or ``create_canvas(size)`` + ``read_pixels``;
    uses vispy's EGL app (``EGL_PLATFORM=surfaceless``, DISPLAY unset): process-wide, so render
    in a process that opens no glfw window.
"""

from .batches import (  # noqa: F401  (numpy only: cheap to import)
    ArrowBatch,
    Batch,
    BoxBatch,
    FrustumBatch,
    ImageBatch,
    LabelBatch,
    LineBatch,
    MeshBatch,
    PointBatch,
)

_LAZY = {
    "SpaceView3D": "view3d",
    "SpaceView2D": "view2d",
    "Pick": "view_base",
    "OrbitCamera": "cameras",
    "PixelCamera": "cameras",
}


def __getattr__(name):
    """Import the GL-side classes on first use, so ``import rerun_scene`` does not import vispy."""
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ArrowBatch", "Batch", "BoxBatch", "FrustumBatch", "ImageBatch", "LabelBatch", "LineBatch", "MeshBatch",
    "PointBatch", *_LAZY,
]
