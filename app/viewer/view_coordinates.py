"""The world up and right axes from ``rerun.view_coordinates`` (for the 3D views' cameras)."""

from __future__ import annotations

# ViewDir codes of the component (rerun 0.4): Up=1, Down=2, Right=3, Left=4, Forward=5, Back=6.
_UP, _DOWN, _RIGHT, _LEFT = 1, 2, 3, 4


def _signed_axis(view_coordinates: bytes, positive: int, negative: int) -> str | None:
    for axis, code in zip("XYZ", bytes(view_coordinates)):
        if code == positive:
            return "+" + axis
        if code == negative:
            return "-" + axis
    return None


def up_axis(view_coordinates: bytes) -> str | None:
    """``"+Z"`` etc. from the 3 bytes of ``rerun.view_coordinates``, or None if no axis is up/down."""
    return _signed_axis(view_coordinates, _UP, _DOWN)


def right_axis(view_coordinates: bytes) -> str | None:
    """``"+X"`` etc.: the world axis that points right, or None if no axis is right/left."""
    return _signed_axis(view_coordinates, _RIGHT, _LEFT)
