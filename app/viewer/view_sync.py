"""The window's space views: which exist (the heuristics over the shown store) and keeping their scene layers in
step with the store at the time cursor."""

from __future__ import annotations

import logging
import os
import time

import numpy as np
from rerun import components as C

from rerun_app.viewer.view_coordinates import right_axis, up_axis
from rerun_app.viewer.view_host import ViewHost
from rerun_app.views.blueprint_tree import view_entities
from rerun_app.views.heuristics import SpaceViewSpec, choose_space_views
from rerun_app.views.tensor_view import classify_tensor
from rerun_app.views.transforms import path_parts
from rerun_app.views.values import transform as decode_transform

log = logging.getLogger(__name__)

VIEW_RECHECK_SECONDS = 0.25  # how often a stream's new components / transform kinds may re-run the view heuristics
#: While data streams in live (or plays back), depth clouds back-project every n-th pixel to stay within this many
#: points per cloud, so a huge depth stream keeps its rate on software GL; the full cloud returns once the stream
#: pauses. A 640x480 stream stays whole: it is shown at 30 fps in full (bench/viewer.py depth: 1.00 of the frames
#: after the first second, log->pixels p50 28 ms); a 1920x1080 stream is thinned to every 2nd pixel.
#: Env ``RERUN_LIVE_DEPTH_POINTS`` overrides it (e.g. lower on a slow machine).
LIVE_DEPTH_POINT_BUDGET = int(os.environ.get("RERUN_LIVE_DEPTH_POINTS", "1000000"))


class SpaceViews:
    """The spatial views (each a :class:`ViewHost` on the canvas) and the ImGui-drawn ones (plots, text, bars).

    Parameters
    ----------
    canvas : vispy SceneCanvas
        Where the spatial views' ViewBoxes live.
    """

    def __init__(self, canvas) -> None:
        self.canvas = canvas
        self.views: dict[SpaceViewSpec, ViewHost] = {}
        self.plot_views: list[SpaceViewSpec] = []
        self._signature = None
        self._generation = -1
        self._checked = -np.inf
        #: The entities each view shows (the Blueprint panel's tree), judged with the views themselves.
        self.entities_of: dict[SpaceViewSpec, list[str]] = {}
        #: Problems met while deciding or drawing views, per entity path (shown on the entity).
        self.entity_warnings: dict[str, list[str]] = {}

    def specs(self) -> list[SpaceViewSpec]:
        """Every view, spatial first (the dock layout's order)."""
        return [*self.views, *self.plot_views]

    def clear(self) -> None:
        """Drop every view (another recording is shown)."""
        for host in self.views.values():
            host.viewbox.parent = None
        self.views.clear()
        self.plot_views.clear()
        self._signature = None
        self.entities_of = {}
        self.entity_warnings.clear()

    def ensure(self, store, timeline) -> None:
        """Create space views for new data.

        Re-evaluated when the entity set changes, and (at most every ``VIEW_RECHECK_SECONDS`` while data arrives)
        when an entity gains a component kind or its transform changes kind — e.g. a pinhole logged later on a
        path that had only points, which then gets its 2D view and becomes a camera in the 3D one.
        """
        if store is None:
            return
        paths = store.entity_paths()
        generation = store.generation()
        now = time.monotonic()
        quick = (id(store), tuple(paths))
        if self._signature is not None and self._signature[0] == quick:
            if generation == self._generation or now - self._checked < VIEW_RECHECK_SECONDS:
                return
        self._generation, self._checked = generation, now
        # Judge entities by everything logged so far (the end of the timeline), not by the cursor.
        time_ = np.iinfo(np.int64).max

        def transform_kind(path: str):
            return self._guarded(path, "its transform", _transform_kind, path, None)

        def _transform_kind(path: str):
            found = store.latest_at(path, timeline, time_, components=[C.TRANSFORM])
            if found is None or C.TRANSFORM not in found.components or not len(found.components[C.TRANSFORM]):
                return None
            return decode_transform(found.components[C.TRANSFORM]).kind

        def tensor_kind(path: str) -> str | None:
            return self._guarded(path, "its tensor", _tensor_kind, path, "image")

        def _tensor_kind(path: str) -> str | None:
            found = store.latest_at(path, timeline, time_, components=[C.TENSOR])
            if found is None or C.TENSOR not in found.components:
                return "image"
            row = found.components[C.TENSOR][0]
            return classify_tensor([int(d) for d in row["shape"].as_py()], row["dtype"].as_py())

        components = {p: frozenset(store.components(p)) for p in paths}
        kinds = tuple((p, transform_kind(p)) for p in paths if C.TRANSFORM in components[p])
        signature = (quick, tuple(components.values()), kinds)
        if signature == self._signature:
            return
        self._signature = signature
        specs = choose_space_views(paths, components.__getitem__, transform_kind, tensor_kind)
        known_kinds = dict(kinds)
        self.entities_of = {spec: view_entities(spec, paths, components.__getitem__, known_kinds.get,
                                                lambda p: tensor_kind(p) if C.TENSOR in components[p] else None)
                            for spec in specs}
        for spec in specs:
            if not spec.spatial:
                if spec not in self.plot_views:
                    self.plot_views.append(spec)
            elif spec not in self.views:
                try:
                    self.views[spec] = ViewHost(spec, self.canvas)
                except Exception:  # noqa: BLE001
                    log.exception("could not create the %s view of %s", spec.kind, spec.root)

    def _guarded(self, path: str, what: str, fn, arg, default):
        """``fn(arg)``, or ``default`` with a warning kept on ``path`` if it raises: deciding views
        from one entity's bad data must not stop the views of every other entity."""
        try:
            return fn(arg)
        except Exception as exc:  # noqa: BLE001
            self.warn(path, f"{what} could not be read: {type(exc).__name__}: {exc}")
            return default

    def warn(self, path: str, message: str) -> None:
        """Keep ``message`` on entity ``path`` (shown in the tree and the selection panel), logged once."""
        warnings = self.entity_warnings.setdefault(path, [])
        if message not in warnings:
            warnings.append(message)
            log.warning("entity %s: %s", path, message)

    def update(self, store, cursor, state, live: bool, rects: dict) -> dict[str, list[str]]:
        """Lay the ViewBoxes out in their windows' ``rects`` and sync their layers with ``store`` at ``cursor``.

        Returns the builders' warnings per entity path.
        """
        warnings: dict[str, list[str]] = {path: list(w) for path, w in self.entity_warnings.items()}
        timeline, time_ = cursor
        for spec, host in self.views.items():
            host.place(rects.get(spec.name))
            if store is None or not host.visible:
                continue  # a view first syncs once it has its size (its camera fits to the content then)
            host.builder.depth_point_budget = LIVE_DEPTH_POINT_BUDGET if live else None
            if spec.kind == "3d":
                host.set_up(*_up_axis_of(store, spec.root, cursor))
                extent = host.scene_extent()
                # 5 % of the scene (Rerun 0.4), to 2 significant digits: a live cloud's jitter must not rebuild
                # every entity each frame
                host.builder.default_image_plane_distance = float(f"{max(extent * 0.05, 0.05):.2g}") if extent else 1.0
            if spec.kind == "tensor":  # Fill mode stretches the slice to the view's aspect
                host.builder.view_size = None if host.rect is None else (host.rect[2], host.rect[3])
            signature = (id(store), store.generation(), timeline, time_, state.version, host.up,
                         host.builder.default_image_plane_distance, host.builder.depth_point_budget,
                         host.builder.view_size)
            if signature == host.synced_signature:
                layers = host.entity_layers  # nothing changed since the last frame: no queries, no uploads
            else:
                layers = host.builder.update(store, timeline, time_, state.hidden_for_view(spec.name), state.props)
                host.sync(layers)
                host.synced_signature = signature
                if host.builder.needs_fit:  # a tensor slice changed its extent
                    host.builder.needs_fit = False
                    host.reset_camera()
            for path, entity_layers in layers.items():
                if entity_layers.warnings:
                    warnings.setdefault(path, []).extend(w for w in entity_layers.warnings
                                                         if w not in warnings.get(path, []))
        return warnings


def _up_axis_of(store, root: str, cursor) -> tuple[str | None, str | None]:
    """World up and right axes from ``rerun.view_coordinates`` on the space root or one of its top-level entities."""
    timeline, time_ = cursor
    depth = len(path_parts(root))
    candidates = [root] + [p for p in store.entity_paths() if len(path_parts(p)) == depth + 1
                           and path_parts(p)[:depth] == path_parts(root)]
    for path in candidates:
        found = store.latest_at(path, timeline, time_, components=[C.VIEW_COORDINATES])
        if found is not None and C.VIEW_COORDINATES in found.components and len(found.components[C.VIEW_COORDINATES]):
            code = found.components[C.VIEW_COORDINATES][0].as_py()
            return up_axis(code), right_axis(code)
    return None, None
