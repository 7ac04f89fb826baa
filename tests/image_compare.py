"""Screenshot comparison that tolerates llvmpipe's CPU-dependent rounding but not a moved or missing primitive.

llvmpipe compiles its rasteriser for the host's SIMD width, so anti-aliased edges and glyphs come out a few
levels different (and occasionally one pixel over) on another CPU type. A pixel counts as *differing* only when
no pixel within ``shift`` pixels of it in the other image is within ``threshold`` of it (checked both ways, so
extra and missing geometry both count); a comparison passes with at most ``max_differing`` such pixels.
A primitive that moved by more than ``shift`` pixels or disappeared leaves its whole area differing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Per-channel difference below which two pixels are the same colour (anti-aliasing differences are smaller).
THRESHOLD = 48
#: Pixels an edge may move between CPU types.
SHIFT = 1
#: Differing pixels allowed in a whole screenshot: less than one small point (a 6x6 block is 36).
MAX_DIFFERING = 24


@dataclass(frozen=True)
class Comparison:
    """What differs: the mask of differing pixels and its count."""

    differing: np.ndarray  # (H, W) bool
    threshold: int
    shift: int
    max_differing: int

    @property
    def count(self) -> int:
        return int(self.differing.sum())

    @property
    def ok(self) -> bool:
        return self.count <= self.max_differing

    def describe(self) -> str:
        if not self.count:
            return "no pixel differs"
        ys, xs = np.nonzero(self.differing)
        return (f"{self.count} pixels differ by more than {self.threshold} levels with no match within "
                f"{self.shift} px (allowed: {self.max_differing}), within x {xs.min()}..{xs.max()}, "
                f"y {ys.min()}..{ys.max()}")


def _unmatched(a: np.ndarray, b: np.ndarray, threshold: int, shift: int) -> np.ndarray:
    """Pixels of ``a`` with no pixel of ``b`` within ``shift`` px and ``threshold`` levels on every channel."""
    h, w = a.shape[:2]
    pad = np.pad(b, ((shift, shift), (shift, shift), (0, 0)), mode="edge")
    unmatched = np.ones((h, w), bool)
    for dy in range(2 * shift + 1):
        for dx in range(2 * shift + 1):
            near = pad[dy:dy + h, dx:dx + w]
            unmatched &= (np.abs(a - near) > threshold).any(axis=-1)
    return unmatched


def compare(expected: np.ndarray, actual: np.ndarray, threshold: int = THRESHOLD, shift: int = SHIFT,
            max_differing: int = MAX_DIFFERING) -> Comparison:
    """Compare two (H, W, 3|4) uint8 images of the same shape (RGB only)."""
    if expected.shape[:2] != actual.shape[:2]:
        raise ValueError(f"images differ in size: {expected.shape} vs {actual.shape}")
    e = expected[..., :3].astype(np.int16)
    a = actual[..., :3].astype(np.int16)
    differing = _unmatched(e, a, threshold, shift) | _unmatched(a, e, threshold, shift)
    return Comparison(differing, threshold, shift, max_differing)


def diff_image(expected: np.ndarray, actual: np.ndarray, comparison: Comparison) -> np.ndarray:
    """The expected image dimmed; pixels that differ at all in dark magenta, the differing ones in bright magenta."""
    out = (expected[..., :3] // 3).astype(np.uint8)
    out[(expected[..., :3] != actual[..., :3]).any(axis=-1)] = (110, 0, 110)
    out[comparison.differing] = (255, 0, 255)
    return out
