"""The builder protocol: what a view host sets on and asks of a spatial view's builder."""

from __future__ import annotations

from typing import Callable


class ViewBuilder:
    """Base of the spatial views' builders (:class:`~rerun_app.views.space_view_builder.SpaceViewBuilder`,
    :class:`~rerun_app.views.tensor_view.TensorViewBuilder`).

    The host sets ``default_image_plane_distance``, ``depth_point_budget`` and ``view_size`` before
    :meth:`update`, and refits its camera when the builder sets ``needs_fit``.

    Parameters
    ----------
    spec : SpaceViewSpec
        The view (kind and space root).
    """

    def __init__(self, spec) -> None:
        self.spec = spec
        self.builds = 0  # entities actually rebuilt (for tests and the stats overlay)
        #: Where frustums draw their image plane when the entity sets none (the host scales it to the scene).
        self.default_image_plane_distance = 1.0
        #: Point budget of depth clouds (None: every pixel); the window sets one while a stream is followed live.
        self.depth_point_budget: int | None = None
        #: The view's size in px (set by the host; a tensor's Fill mode stretches to it).
        self.view_size: tuple[float, float] | None = None
        #: The content's extent changed: the host refits its camera and clears this.
        self.needs_fit = False

    def update(self, store, timeline, time, hidden: Callable[[str], bool], properties) -> dict:
        """The view's layers at ``time`` on ``timeline``: entity path → ``EntityLayers``."""
        raise NotImplementedError
