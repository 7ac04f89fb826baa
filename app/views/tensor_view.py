"""Tensor (slice) view: an N-d tensor shown as a 2-D slice, with the two displayed axes and the other axes'
indices chosen in the view's toolbar (Rerun 0.4's tensor view, without drag-and-drop).

The slice is cut by ``rerun_kernels.slice_tensor`` (reads only the slice) and coloured by a colormap over the
whole tensor's value range (so moving through slices keeps one scale), or shown as-is for uint8 RGB(A) colour axes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rerun import components as C
import rerun_kernels
from rerun_scene import batches as sb

from rerun_app.views import values
from rerun_app.views.pixels import image_shape
from rerun_app.views.spatial import EntityLayers
from rerun_app.views.view_builder import ViewBuilder


def classify_tensor(shape: list[int], dtype: str) -> str:
    """``"image"`` (H×W, H×W×1/3/4, or JPEG), ``"bar"`` (one non-1 dimension) or ``"tensor"`` (anything else)."""
    if dtype == "jpeg":
        return "image"
    significant = [d for d in shape if d != 1]
    if len(significant) <= 1:
        return "bar"
    return "image" if image_shape(shape) is not None else "tensor"


@dataclass
class SliceState:
    """Which axes are displayed and where the others are cut."""

    height_axis: int | None = None  # None: chosen by fit() (the two largest axes, in order)
    width_axis: int | None = None
    indices: dict[int, int] = field(default_factory=dict)
    colormap: str = "viridis"  # one of rerun_kernels.COLORMAPS
    keep_aspect: bool = True  # False: the slice is stretched to fill the view (Rerun's scaling "Fill")
    brightness: float = 1.0  # the original's "Brightness": values in 0..1 of the range are raised to 1 / brightness

    def fit(self, shape: tuple[int, ...]) -> None:
        """Make the state valid for ``shape`` (defaults: the two largest axes, middle slices)."""
        ndim = len(shape)
        h, w = self.height_axis, self.width_axis
        if h is None or w is None or not (0 <= h < ndim and 0 <= w < ndim and h != w):
            largest = sorted(range(ndim), key=lambda a: (-shape[a], a))[:2]
            self.height_axis, self.width_axis = sorted(largest)
        for axis in range(ndim):
            if axis in (self.height_axis, self.width_axis):
                self.indices.pop(axis, None)
            else:
                self.indices[axis] = min(max(self.indices.get(axis, shape[axis] // 2), 0), shape[axis] - 1)
        for axis in [a for a in self.indices if a >= ndim]:
            del self.indices[axis]

    def key(self) -> tuple:
        return (self.height_axis, self.width_axis, tuple(sorted(self.indices.items())), self.colormap,
                self.keep_aspect, self.brightness)


def fill_corners(height: int, width: int, view_size: tuple[float, float] | None) -> np.ndarray | None:
    """Quad corners (TL, TR, BR, BL in 2D view units) stretching an ``height`` x ``width`` picture to the view's
    aspect ratio, so the camera's square-pixel fit fills the whole view; None (natural size) without a view size."""
    if view_size is None or view_size[0] < 1 or view_size[1] < 1:
        return None
    w = height * view_size[0] / view_size[1]
    return np.array([[0, 0, 0], [w, 0, 0], [w, height, 0], [0, height, 0]], dtype=np.float32)


def slice_rgba(array: np.ndarray, state: SliceState) -> np.ndarray:
    """The (H, W, 4) uint8 picture of ``array`` cut as ``state`` says."""
    state.fit(array.shape)
    plane = rerun_kernels.slice_tensor(array, state.height_axis, state.width_axis, state.indices)
    finite = array[np.isfinite(array)] if array.dtype.kind == "f" else array
    vmin = float(finite.min()) if finite.size else 0.0
    vmax = float(finite.max()) if finite.size else 1.0
    vmax = vmax if vmax > vmin else vmin + 1
    if state.brightness != 1.0 and np.isfinite(state.brightness) and state.brightness > 0:
        # the original's brightness: the value's place in the range, raised to 1 / brightness
        normalized = np.clip((plane.astype(np.float64) - vmin) / (vmax - vmin), 0.0, 1.0) ** (1.0 / state.brightness)
        return rerun_kernels.apply_colormap(normalized, state.colormap, vmin=0.0, vmax=1.0)
    return rerun_kernels.apply_colormap(plane, state.colormap, vmin=vmin, vmax=vmax)


class TensorViewBuilder(ViewBuilder):
    """Builds the slice image of one tensor entity (``needs_fit`` when the picture's extent changed)."""

    def __init__(self, spec) -> None:
        super().__init__(spec)
        self.state = SliceState()
        self.shape: tuple[int, ...] | None = None
        self.names: tuple = ()
        self._cache: tuple | None = None
        self._extent: tuple | None = None

    def update(self, store, timeline, time, hidden, properties) -> dict[str, EntityLayers]:
        path = self.spec.root
        if hidden(path):
            return {}
        latest = store.latest_at(path, timeline, time, components=[C.TENSOR])
        if latest is None or C.TENSOR not in latest.components:
            return {}
        cell = latest.raw(C.TENSOR)
        aspect = None
        if not self.state.keep_aspect and self.view_size and self.view_size[1] > 0:
            aspect = round(self.view_size[0] / self.view_size[1], 4)
        data = cell.buffers()[-1]
        key = (data.address if data is not None else 0, cell.offset, self.state.key(), aspect)
        if self._cache is not None and self._cache[0] == key:
            return {path: self._cache[1]}
        layers = EntityLayers()
        try:
            tensor = values.tensor(latest.components[C.TENSOR])
            if tensor.array is None:
                raise values.ComponentError("a JPEG tensor is an image: see the 2D view")
            self.shape, self.names = tuple(tensor.array.shape), tensor.names
            rgba = slice_rgba(tensor.array, self.state)
            corners = None if self.state.keep_aspect else fill_corners(rgba.shape[0], rgba.shape[1], self.view_size)
            layers.batches["slice"] = sb.ImageBatch(rgba, corners=corners)
            extent = (rgba.shape[:2], aspect)
            if extent != self._extent:
                self.needs_fit = self._extent is not None  # the first build is fitted by the host anyway
                self._extent = extent
        except Exception as exc:  # noqa: BLE001 (bad data: a warning on the entity, never a crash)
            layers.warnings.append(f"rerun.tensor: {exc}")
        self.builds += 1
        self._cache = (key, layers)
        return {path: layers}
