"""Build one space view's layers from the store at the time cursor, memoised so nothing is redone needlessly.

Per entity the cache key is (entity generation, timeline, cursor, placement, properties). On a miss the latest-at
query runs, and when the cells it returns are the very same stored memory as last time (scrubbing across frames
where this entity did not change) the previous batch objects are reused, so the scene does not re-upload them.
"""

from __future__ import annotations

import logging
from dataclasses import astuple
from typing import Callable

import numpy as np
import pyarrow as pa
from rerun import components as C

from rerun_app.views import values
from rerun_app.views.annotations import AnnotationContext
from rerun_app.views.heuristics import SpaceViewSpec
from rerun_app.views.spatial import BuildContext, EntityLayers, EntityProperties, build_entity, strip_segments
from rerun_app.views.transforms import Placement, join_parts, path_parts, resolve_placement
from rerun_app.views.view_builder import ViewBuilder

log = logging.getLogger(__name__)

#: Latest-at component lookups that are metadata for other entities, not primitives of their own.
_TRANSFORM = C.TRANSFORM
_ANNOTATION = C.ANNOTATION_CONTEXT


def _cells_signature(latest) -> tuple:
    """Identity of the stored memory behind a latest-at result (same tuple ⇒ same data)."""
    sig = []
    for name in sorted(latest.components):
        cell = latest.raw(name)
        bufs = tuple(b.address if b is not None else 0 for b in cell.buffers())
        sig.append((name, cell.offset, len(cell), bufs))
    return (latest.num_instances, tuple(sig))


class SpaceViewBuilder(ViewBuilder):
    """Keeps a view's per-entity layers up to date.

    Parameters
    ----------
    spec : SpaceViewSpec
        The view (kind and space root).
    """

    def __init__(self, spec: SpaceViewSpec) -> None:
        super().__init__(spec)
        self._cache: dict[str, tuple] = {}  # entity → (key, signature, latest, layers)
        self._failed: set[str] = set()  # entities whose build raised (logged once each)

    def update(
        self,
        store,
        timeline,
        time: int | None,
        hidden: Callable[[str], bool],
        properties: Callable[[str], EntityProperties],
    ) -> dict[str, EntityLayers]:
        """Layers of every visible entity of this view at the cursor (entity path → layers)."""
        paths = [p for p in store.entity_paths() if self.spec.contains(p)]
        root_parts = path_parts(self.spec.root)
        transforms: dict[str, values.Transform | None] = {}

        def transform_at(path: str):
            if path not in transforms:
                transforms[path] = _transform_at(store, timeline, time, path)
            return transforms[path]

        annotations = _AnnotationResolver(store, timeline, time)
        out: dict[str, EntityLayers] = {}
        alive = set()
        for path in paths:
            if hidden(path):
                continue
            alive.add(path)
            try:
                props = properties(path)
                if self.spec.kind == "3d":
                    placement = resolve_placement(
                        self.spec.root, path, transform_at,
                        lambda p: properties(p).image_plane_distance or self.default_image_plane_distance,
                    )
                    if not placement.connected:
                        continue
                else:
                    # Pixel space of the root; a nested camera or disconnected subtree belongs to another view.
                    placement = Placement(np.eye(4))
                    below = path_parts(path)[len(root_parts) :]
                    if any(_kind(transform_at(join_parts(root_parts + below[:i]))) in ("unknown", "pinhole")
                           for i in range(1, len(below) + 1)):
                        continue
                ann, ann_source = annotations.for_entity(path)
                ann_key = None if ann_source is None else (ann_source, store.generation(ann_source))
                # Only a depth image under a pinhole in 3D is back-projected with the live budget: other entities must
                # not be rebuilt and uploaded again each time a stream starts or stops being live.
                depth_budget = self.depth_point_budget if self.spec.kind == "3d" and placement.pinhole is not None else None
                key = (store.generation(path), timeline, time, _placement_key(placement),
                       astuple(props), ann_key, self.default_image_plane_distance, depth_budget)
                cached = self._cache.get(path)
                if cached is not None and cached[0] == key:
                    out[path] = cached[3]
                    continue
                latest = store.latest_at(path, timeline, time)
                if latest is None:
                    self._cache.pop(path, None)
                    continue
                signature = (_cells_signature(latest),) + key[3:]
                if cached is not None and cached[1] == signature:
                    layers = cached[3]
                else:
                    ctx = BuildContext(placement, ann, props, mode=self.spec.kind,
                                       default_image_plane_distance=self.default_image_plane_distance,
                                       depth_point_budget=depth_budget)
                    if C.TENSOR in latest.components and placement.pinhole_path is not None:
                        ctx.sibling_color_image = _sibling_color_image(store, timeline, time, placement.pinhole_path, path)
                    layers = build_entity(latest, ctx)
                    if props.visible_history > 0 and timeline is not None and time is not None:
                        _add_history(layers, store, path, timeline, time, props.visible_history, placement)
                    self.builds += 1
                self._cache[path] = (key, signature, latest, layers)
                out[path] = layers
            except Exception as exc:  # noqa: BLE001 - one entity's data must not take the whole view down
                self._cache.pop(path, None)
                out[path] = EntityLayers(warnings=[f"not drawn: {type(exc).__name__}: {exc}"])
                if path not in self._failed:  # said once per entity; the warning stays on the entity
                    self._failed.add(path)
                    log.warning("%s view: entity %s not drawn: %s: %s", self.spec.kind, path, type(exc).__name__, exc)
        for gone in set(self._cache) - alive:
            del self._cache[gone]
        return out


def _kind(t) -> str | None:
    return None if t is None else t.kind


def _placement_key(p: Placement) -> tuple:
    return (p.world_from_local.tobytes(), p.connected, p.pinhole_path, p.error)


def _transform_at(store, timeline, time, path: str):
    latest = store.latest_at(path, timeline, time, components=[_TRANSFORM])
    if latest is None or _TRANSFORM not in latest.components:
        return None
    arr = latest.components[_TRANSFORM]
    return values.transform(arr) if len(arr) else None


class _AnnotationResolver:
    """Nearest-ancestor annotation context per entity, parsed once per update."""

    def __init__(self, store, timeline, time) -> None:
        self.store, self.timeline, self.time = store, timeline, time
        self._by_path: dict[str, AnnotationContext | None] = {}
        self._empty = AnnotationContext()

    def _at(self, path: str) -> AnnotationContext | None:
        if path not in self._by_path:
            latest = self.store.latest_at(path, self.timeline, self.time, components=[_ANNOTATION])
            ctx = None
            if latest is not None and _ANNOTATION in latest.components:
                ctx = AnnotationContext.from_arrow(latest.components[_ANNOTATION])
            self._by_path[path] = ctx
        return self._by_path[path]

    def for_entity(self, path: str) -> tuple[AnnotationContext, str | None]:
        """The context that applies to ``path`` and the path it was logged on (None: no context)."""
        parts = path_parts(path)
        for depth in range(len(parts), -1, -1):
            source = join_parts(parts[:depth])
            found = self._at(source)
            if found is not None:
                return found, source
        return self._empty, None


def _sibling_color_image(store, timeline, time, pinhole_path: str, depth_path: str) -> np.ndarray | None:
    """The colour image logged under the same pinhole as a depth image (for RGB-coloured depth clouds)."""
    for path in store.entity_paths():
        if path == depth_path or path_parts(path)[: len(path_parts(pinhole_path))] != path_parts(pinhole_path):
            continue
        latest = store.latest_at(path, timeline, time, components=[C.TENSOR])
        if latest is None or C.TENSOR not in latest.components:
            continue
        try:
            t = values.tensor(latest.components[C.TENSOR])
        except (values.ComponentError, pa.ArrowException):
            continue
        if t.meaning not in ("depth", "class_id") and t.array is not None and t.array.ndim == 3:
            return t.array
    return None


#: Visible history draws at most this many earlier log calls per entity and primitive kind (the newest ones).
MAX_HISTORY_ROWS = 2000
_HISTORY_COLOR = (160, 160, 170, 160)


def _add_history(layers, store, path: str, timeline, time: int, history: int, placement: Placement) -> None:
    """Points and line strips logged on ``path`` within ``history`` before the cursor, drawn dimmed (a trajectory,
    earlier outlines); the latest-at primitives stay on top in their own colours."""
    from rerun_scene import batches as sb

    transform = placement.world_from_local.astype(np.float32)
    for comp, dims in ((C.POINT3D, 3), (C.POINT2D, 2)):
        cells = [c for c in store.range(path, comp, timeline, time - history, time - 1)[1][-MAX_HISTORY_ROWS:]
                 if len(c)]
        if cells:
            try:
                positions = np.concatenate([values.fixed_vectors(c, dims) for c in cells])
            except (ValueError, values.ComponentError):
                continue
            layers.batches["history"] = sb.PointBatch(positions, colors=_HISTORY_COLOR, transform=transform)
            break
    for comp, dims in ((C.LINESTRIP3D, 3), (C.LINESTRIP2D, 2)):
        cells = [c for c in store.range(path, comp, timeline, time - history, time - 1)[1][-MAX_HISTORY_ROWS:]
                 if len(c)]
        if cells:
            try:
                segments = np.concatenate([strip_segments(c, dims)[0] for c in cells])
            except (ValueError, values.ComponentError):
                continue
            layers.batches["history_lines"] = sb.LineBatch(segments, colors=_HISTORY_COLOR, transform=transform)
            break
