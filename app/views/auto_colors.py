"""The original Rerun 0.4's automatic colours, for data logged without one: hues stepped by the golden ratio at
saturation 0.85 and value 0.5 in linear light, shown in sRGB. A series or chart picks its hue from a hash of its
entity path (the original hashes with its own hasher; this one is ours, stable across runs)."""

from __future__ import annotations

import zlib

#: Saturation and value (linear light) of the automatic colours.
SATURATION, VALUE = 0.85, 0.5
GOLDEN_RATIO = 0.6180339887


def _srgb(linear: float) -> float:
    return 12.92 * linear if linear <= 0.0031308 else 1.055 * linear ** (1 / 2.4) - 0.055


def auto_color(value: int) -> tuple[int, int, int, int]:
    """The automatic colour of a 16-bit ``value``: hue ``value`` × golden ratio."""
    h = (value * GOLDEN_RATIO) % 1.0
    i, f = int(h * 6) % 6, h * 6 - int(h * 6)
    s, v = SATURATION, VALUE
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    rgb = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
    return tuple(int(round(_srgb(c) * 255)) for c in rgb) + (255,)


def path_color(key: str) -> tuple[int, int, int, int]:
    """The automatic colour picked by ``key`` (an entity path, or ``path[#instance]`` for a chart)."""
    return auto_color(zlib.crc32(key.strip("/").encode()) % 0xFFFF)
