"""Tensor view in EGL screenshots: the slice coloured through the chosen colormap over the whole tensor's range,
drawn with its aspect ratio kept, or stretched to fill the view when "keep aspect" is off."""

from __future__ import annotations

import numpy as np
import pytest
import rerun_kernels
from _plot_kit import load, matches, render

from rerun_app.views.tensor_view import SliceState, TensorViewBuilder, slice_rgba

pytestmark = pytest.mark.gl

# (3, 20, 40): shown as the 20 x 40 slice at index 1 of axis 0 (the two largest axes, the middle slice)
LEVELS = (0, 200, 255)  # per slice; the displayed one sits at 200 of the tensor's 0..255 range
H, W = 20, 40

LOG = f"""
t = np.stack([np.full(({H}, {W}), v, np.uint8) for v in {LEVELS!r}])
kit.log_row(hub, 'volume', kit.image(t), frame=1)
"""

AFTER = """
host = next(h for s, h in viewer.views.items() if s.kind == 'tensor')
host.builder.state.colormap = 'turbo'; host.synced_signature = None; shot('turbo')
host.builder.state.keep_aspect = False; host.synced_signature = None; shot('fill')
"""


def expected_colour(name: str) -> np.ndarray:
    lo, hi = min(LEVELS), max(LEVELS)
    index = round((LEVELS[1] - lo) / (hi - lo) * 255)
    return rerun_kernels.colormap_table(name)[index][:3].astype(int)


def picture_box(img, rect, rgb):
    x, y, w, h = (int(round(v)) for v in rect)
    ys, xs = np.nonzero(matches(img[y:y + h, x:x + w], rgb, 6))
    assert ys.size > 100, "the slice is not drawn in the expected colour"
    return xs.max() - xs.min() + 1, ys.max() - ys.min() + 1, w, h


@pytest.fixture(scope="module")
def shots(egl_available, tmp_path_factory):
    return render(tmp_path_factory.mktemp("tensor"), LOG, size=(900, 600), after=AFTER)


def test_slice_in_grayscale_then_turbo_keeps_the_tensor_aspect(shots):
    for name, colormap in (("first", "viridis"), ("turbo", "turbo")):
        img, views = load(shots, name, "views")
        (rect,) = views.values()
        bw, bh, w, h = picture_box(img, rect, expected_colour(colormap))
        assert abs(bw / bh - W / H) < 0.05 * W / H, (name, bw, bh)
        assert max(bw / w, bh / h) > 0.9  # fitted to the view along its limiting side


def test_fill_mode_stretches_the_slice_over_the_whole_view(shots):
    img, views = load(shots, "fill", "views")
    (rect,) = views.values()
    bw, bh, w, h = picture_box(img, rect, expected_colour("turbo"))
    assert bw >= w - 3 and bh >= h - 3, (bw, bh, w, h)


def test_builder_colours_the_chosen_slice_over_the_whole_range():
    rng = np.random.default_rng(3)
    tensor = rng.normal(size=(5, 7, 9)).astype(np.float32)
    state = SliceState(height_axis=0, width_axis=2, indices={1: 4}, colormap="grayscale")
    rgba = slice_rgba(tensor, state)
    expected = np.round((tensor[:, 4, :] - tensor.min()) / (tensor.max() - tensor.min()) * 255)
    assert rgba.shape == (5, 9, 4)
    assert np.abs(rgba[..., 0].astype(int) - expected).max() <= 1
    builder = TensorViewBuilder(type("Spec", (), {"root": "t"})())
    builder.state.keep_aspect, builder.view_size = False, (300.0, 100.0)
    assert builder.state.key() != SliceState().key()


# A named 4-D tensor: the view shows y × x (its two largest dimensions); "time" and "channel" get selectors.
NAMED_SHAPE, NAMES = (6, 20, 30, 4), ("time", "y", "x", "channel")

LOG_NAMED = f"""
t = np.random.default_rng(0).random({NAMED_SHAPE!r}).astype(np.float32)
kit.log_row(hub, 'tensor4', {{C.TENSOR: C.tensor_array(t, shape=t.shape, dtype='float32', names={list(NAMES)!r})}},
            frame=1)
"""


@pytest.fixture(scope="module")
def named(egl_available, tmp_path_factory):
    out = render(tmp_path_factory.mktemp("tensor_named"), LOG_NAMED, size=(900, 600))
    img, frames = load(out)
    _, items = load(out, what="items")
    (frame,) = frames.values()
    return img, frame, items


def _text_pixels(img, rect) -> int:
    x, y, w, h = (int(round(v)) for v in rect)
    return int((img[y:y + h, x:x + w, :3].min(axis=-1) >= 170).sum())


def test_slice_selectors_are_labelled_with_the_dimension_names(named):
    img, _, items = named
    shown = sorted(range(len(NAMED_SHAPE)), key=lambda a: -NAMED_SHAPE[a])[:2]
    cut = [NAMES[a] for a in range(len(NAMED_SHAPE)) if a not in shown]
    assert cut == ["time", "channel"]
    assert "tensor-brightness" in items  # the original's brightness control
    for name in cut:
        assert f"tensor-selector:{name}" in items
        assert _text_pixels(img, items[f"tensor-selector-label:{name}"]) >= 10, name  # the name is written there


def test_the_displayed_dimensions_are_captioned_on_the_picture_as_in_the_original(named):
    img, frame, _ = named
    by_axis = {c["axis"]: c for c in frame["captions"]}
    assert by_axis["width"]["text"] == f"{NAMES[2]} (size={NAMED_SHAPE[2]})"
    assert by_axis["height"]["text"] == f"{NAMES[1]} (size={NAMED_SHAPE[1]})"
    x0, y0, x1, y1 = frame["picture"]
    # the picture is the 20 x 30 slice fitted into the view
    assert abs((x1 - x0) / (y1 - y0) - NAMED_SHAPE[2] / NAMED_SHAPE[1]) < 0.05
    wx, wy, ww, wh = by_axis["width"]["rect"]  # top-right corner of the picture
    assert abs((wx + ww) - (x1 - 8)) <= 1 and abs(wy - (y0 + 8)) <= 1
    hx, hy, hw, hh = by_axis["height"]["rect"]  # bottom-left corner
    assert abs(hx - (x0 + 8)) <= 1 and abs((hy + hh) - (y1 - 8)) <= 1
    for caption in by_axis.values():
        assert _text_pixels(img, caption["rect"]) >= 30, caption


def test_brightness_raises_the_values_place_in_the_range_as_the_originals():
    tensor = np.linspace(0.0, 4.0, 5 * 6, dtype=np.float32).reshape(5, 6)
    table = rerun_kernels.colormap_table("grayscale")
    for brightness in (1.0, 2.0, 0.5):
        rgba = slice_rgba(tensor, SliceState(colormap="grayscale", brightness=brightness))
        normalized = (tensor - tensor.min()) / (tensor.max() - tensor.min())
        expected = table[np.round(normalized ** (1 / brightness) * 255).astype(int)][..., 0].astype(int)
        assert np.abs(rgba[..., 0].astype(int) - expected).max() <= 1, brightness
