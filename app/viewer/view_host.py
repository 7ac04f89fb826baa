"""One docked space view: a ``rerun_scene`` SpaceView3D/2D placed in its ImGui window's content rectangle.

The host feeds the view's layers from a :class:`~rerun_app.views.space_view_builder.SpaceViewBuilder` result:
``(entity, layer name)`` keys; a layer is (re)set only when its batch object changed, and removed when the entity
is hidden or gone.
"""

from __future__ import annotations

import logging

import numpy as np

from rerun_scene.batches import FrustumBatch, PointBatch

from rerun_app.views.heuristics import SpaceViewSpec
from rerun_app.views.space_view_builder import SpaceViewBuilder
from rerun_app.views.spatial import EntityLayers
from rerun_app.views.tensor_view import TensorViewBuilder

log = logging.getLogger(__name__)


def _make_scene_view(kind: str, canvas):
    """A ``rerun_scene`` view placed by us (parent = the canvas scene, rect set every frame)."""
    if kind == "3d":
        from rerun_scene.view3d import SpaceView3D

        return SpaceView3D(canvas.scene)
    from rerun_scene.view2d import SpaceView2D

    return SpaceView2D(canvas.scene)


class ViewHost:
    """Owns the scene view and the builder of one space view.

    Parameters
    ----------
    spec : SpaceViewSpec
    canvas : vispy SceneCanvas
        The window's canvas; the view's ViewBox is a child of its scene, positioned by :meth:`place`.
    """

    def __init__(self, spec: SpaceViewSpec, canvas) -> None:
        self.spec = spec
        self.builder = TensorViewBuilder(spec) if spec.kind == "tensor" else SpaceViewBuilder(spec)
        self.scene_view = _make_scene_view(spec.kind, canvas)
        self.viewbox = self.scene_view.viewbox
        self.rect: tuple[float, float, float, float] | None = None
        self.visible = True
        self._shown: dict[tuple[str, str], object] = {}
        self.entity_layers: dict[str, EntityLayers] = {}
        self.auto_fitted = False
        self.set_layer_calls = 0
        self.up: str | None = None
        self.right: str | None = None
        self.synced_signature = None
        self._placed_rect = None
        self._extent: float | None = None
        self._accumulated: tuple[np.ndarray, np.ndarray] | None = None  # the scene box over time (default framing)
        self._batch_boxes: dict = {}  # (entity, layer) → (batch, world box) for the scene extent
        self.looking_through: str | None = None
        self.show_axes = False

    # -- layout ------------------------------------------------------------------------------------------
    def place(self, rect: tuple[float, float, float, float] | None) -> None:
        """Move the ViewBox to ``rect`` (logical px, top-left origin) or hide it when None."""
        self.rect = rect
        self.visible = not (rect is None or rect[2] < 2 or rect[3] < 2)
        if self.viewbox.visible != self.visible:  # vispy's setter asks for a scene redraw even when unchanged
            self.viewbox.visible = self.visible
        if not self.visible:
            return
        x, y, w, h = rect
        if rect == self._placed_rect:
            return  # moving a ViewBox re-lays the scene out (and drops rerun_scene's cached frame)
        resized = self._placed_rect is not None and self._placed_rect[2:] != rect[2:]
        self._placed_rect = rect
        self.scene_view.set_rect(x, y, w, h)
        camera = self.scene_view.camera
        if resized and self.auto_fitted and not camera.user_moved and self.looking_through is None:
            self.scene_view.reset()  # a maximised (or re-tiled) view frames its content anew, as the original

    # -- content -----------------------------------------------------------------------------------------
    def sync(self, entity_layers: dict[str, EntityLayers]) -> bool:
        """Push the builder's result into the scene; returns True when anything changed."""
        self.entity_layers = entity_layers
        wanted: dict[tuple[str, str], object] = {}
        for path, layers in entity_layers.items():
            for name, batch in layers.batches.items():
                wanted[(path, name)] = batch
        changed = False
        added = False
        for key in list(self._shown):
            if key not in wanted:
                self.scene_view.remove_layer(key)
                del self._shown[key]
                changed = True
        for key, batch in wanted.items():
            if self._shown.get(key) is batch:
                continue
            try:
                self.scene_view.set_layer(key, batch)
            except Exception as exc:  # noqa: BLE001 (one entity's bad data must not take down the view)
                entity_layers[key[0]].warnings.append(f"{key[1]}: not drawn ({exc})")
                log.warning("layer %s of %s not drawn: %s", key[1], key[0], exc)
                continue
            added |= key not in self._shown
            self._shown[key] = batch
            self.set_layer_calls += 1
            changed = True
        if changed:
            self.viewbox.update()  # a removed layer's node has left the canvas and cannot ask for the redraw itself
            self._extent = None
            if self.spec.kind == "2d":  # several images in a 2D view: each stays visible, in entity-path order
                self.scene_view.stack_images([(path, "image") for path in sorted(entity_layers)
                                              if "image" in entity_layers[path].batches])
        # Keep framing the content as it appears and grows, until the user moves the camera: Rerun 0.4 frames the
        # scene's accumulated bounding box (a live scene fills the view instead of staying at its first extent).
        user_moved = self.scene_view.camera.user_moved
        if changed and not user_moved and self.spec.kind in ("2d", "3d"):
            if self._accumulate_bounds() or added:
                self.auto_fitted = True
                self.scene_view.reset(self._accumulated)
        elif added and not user_moved:
            self.auto_fitted = True
            self.scene_view.reset()
        return changed

    def _accumulate_bounds(self) -> bool:
        """Grow the accumulated scene box by the current bounds; True when it grew by more than 1 % of its size."""
        bounds = self.scene_view.bounds()
        if bounds is None:
            return False
        lo, hi = (np.asarray(b, dtype=np.float64) for b in bounds)
        if self._accumulated is None:
            self._accumulated = (lo, hi)
            return True
        old_lo, old_hi = self._accumulated
        new_lo, new_hi = np.minimum(old_lo, lo), np.maximum(old_hi, hi)
        size = max(float(np.linalg.norm(old_hi - old_lo)), 1e-9)
        grew = max(float(np.max(old_lo - new_lo)), float(np.max(new_hi - old_hi))) > 0.01 * size
        self._accumulated = (new_lo, new_hi)
        return grew

    # -- camera ------------------------------------------------------------------------------------------
    def reset_camera(self) -> None:
        """Fit the camera to the content (and stop looking through a logged camera)."""
        self.looking_through = None
        self.scene_view.reset()

    def set_up(self, axis: str | None, right: str | None = None) -> None:
        """World up axis (``"+Z"``, ``"-Y"`` …) and right axis from the view coordinates; None keeps the default."""
        if axis is None or (axis, right) == (self.up, self.right):
            return
        self.up, self.right = axis, right
        self.scene_view.set_up(axis, right)  # 3D views only (the window sets no up axis on 2D ones)

    def pinhole_paths(self) -> list[str]:
        """Entities of this view that draw a camera frustum."""
        return sorted(p for p, layers in self.entity_layers.items() if "frustum" in layers.batches)

    def look_through(self, path: str | None) -> None:
        """Put the view's camera at the pinhole camera ``path`` (None: back to the free camera)."""
        if path is None:
            self.reset_camera()
            return
        frustum = self.entity_layers[path].batches["frustum"]
        self.scene_view.look_through(frustum.intrinsics, np.asarray(frustum.transform), frustum.resolution)
        self.looking_through = path

    def pick(self, x: float, y: float):
        """((entity, layer), row) under canvas point (x, y), or None; ``row`` indexes the layer's pick info."""
        hit = self.scene_view.pick(x, y)
        if hit is None:
            return None
        key, index = hit[0], int(hit[1])
        layers = self.entity_layers.get(key[0])
        info = layers.pick_info.get(key[1]) if layers else None
        if info is not None and info.instance_keys is not None:  # the scene reports ids (instance keys): back to rows
            rows = np.nonzero(np.asarray(info.instance_keys) == index)[0]
            index = int(rows[0]) if rows.size else index
        return key, index

    def point_count(self) -> int:
        """Points shown in this view (hover picking is skipped above a bound)."""
        return sum(len(b) for layers in self.entity_layers.values() for b in layers.batches.values()
                   if isinstance(b, PointBatch))

    def shown_layers(self) -> list[tuple[str, str]]:
        """(entity, layer) of every layer the scene view holds now."""
        return list(self._shown)

    def camera_state(self) -> dict:
        """The camera's parameters (for state dumps and tests)."""
        return self.scene_view.camera_state()

    def world_to_canvas(self, points) -> np.ndarray:
        """Canvas pixel coordinates (N, 2) of world points (through the view's camera)."""
        return np.asarray(self.scene_view.world_to_canvas(points))

    def scene_extent(self) -> float:
        """Rough size of the content (for the default image-plane distance of frustums); cached until a change."""
        if self._extent is None:
            self._extent = self._compute_extent()
        return self._extent

    def _compute_extent(self) -> float:
        lo, hi = np.full(3, np.inf), np.full(3, -np.inf)
        boxes = {}
        for path, layers in self.entity_layers.items():
            for name, batch in layers.batches.items():
                if isinstance(batch, FrustumBatch):  # the camera's centre (its image plane is what we size)
                    centre = np.asarray(batch.transform, np.float64)[:3, 3]
                    lo, hi = np.minimum(lo, centre), np.maximum(hi, centre)
                    continue
                positions = batch.anchor_positions()
                if positions is None:
                    continue
                cached = self._batch_boxes.get((path, name))
                box = cached[1] if cached is not None and cached[0] is batch else _world_box(positions, batch.transform)
                boxes[(path, name)] = (batch, box)
                if box is not None:
                    lo, hi = np.minimum(lo, box[0]), np.maximum(hi, box[1])
        self._batch_boxes = boxes  # a streamed layer recomputes its own box only, a static cloud never again
        if not np.isfinite(lo).all():
            return 0.0
        return float(np.linalg.norm(hi - lo))


def _world_box(positions: np.ndarray, transform: np.ndarray | None) -> tuple[np.ndarray, np.ndarray] | None:
    """World-space axis-aligned box (lo, hi) of a batch's finite ``positions`` (the corners of their local box,
    through ``transform``), or None when it has none."""
    pos = np.asarray(positions)
    if len(pos) == 0:
        return None
    cols = [pos[:, i] for i in range(pos.shape[1])]
    # per column: numpy's row-wise reductions over (N, 3) are several times slower
    finite = np.ones(len(pos), bool)
    for col in cols:
        finite &= np.isfinite(col)
    if not finite.any():
        return None
    all_finite = finite.all()
    local_lo = np.array([float((c if all_finite else c[finite]).min()) for c in cols] + [0.0] * (3 - len(cols)))
    local_hi = np.array([float((c if all_finite else c[finite]).max()) for c in cols] + [0.0] * (3 - len(cols)))
    corners = np.array([[x, y, z] for x in (local_lo[0], local_hi[0]) for y in (local_lo[1], local_hi[1])
                        for z in (local_lo[2], local_hi[2])])
    t = np.asarray(transform if transform is not None else np.eye(4), dtype=np.float64)
    world = corners @ t[:3, :3].T + t[:3, 3]
    return world.min(0), world.max(0)
