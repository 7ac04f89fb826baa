"""The base of the lean visuals: drawn in their local space, bounded by a box kept at upload."""

from __future__ import annotations

from vispy.visuals import Visual


class LeanVisual(Visual):
    """A :class:`vispy.visuals.Visual` whose ``set_data`` stores ``self._bounds`` (per-axis
    ``(mins, maxs)``, or None when empty) and ends with :meth:`_uploaded`."""

    @property
    def local_bounds(self):
        """Per-axis ``(mins, maxs)`` of the finite data in the visual's own space, or None when empty."""
        return self._bounds

    def _uploaded(self) -> None:
        """Count the upload, drop the cached bounds and ask for a redraw."""
        self.upload_count += 1
        self._vshare.bounds.clear()
        self.update()

    def _prepare_transforms(self, view):
        view.view_program.vert["visual_to_render"] = view.get_transform("visual", "render")

    def _compute_bounds(self, axis, view):
        if self._bounds is None:
            return None
        return self._bounds[0][axis], self._bounds[1][axis]
