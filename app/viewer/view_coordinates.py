"""The world up axis from ``rerun.view_coordinates`` (for the 3D views' cameras)."""

from __future__ import annotations


def up_axis(view_coordinates: bytes) -> str | None:
    """``"+Z"`` etc. from the 3 bytes of ``rerun.view_coordinates`` (Up=1, Down=2), or None if no axis is up/down."""
    for axis, code in zip("XYZ", bytes(view_coordinates)):
        if code == 1:
            return "+" + axis
        if code == 2:
            return "-" + axis
    return None
