"""Small helpers for demos (Rerun 0.4.0's ``rerun_demo.util``)."""

from __future__ import annotations

import numpy as np

__all__ = ["bounce_lerp", "interleave"]


def bounce_lerp(a, b, t):
    """Interpolate from ``a`` (t = 0) to ``b`` (t = 1), then back to ``a`` (t = 2), and so on.

    Parameters
    ----------
    a, b : float or numpy.ndarray
        The two end values.
    t : float
        Position; its whole part says the direction (even: towards ``b``, odd: back towards ``a``).

    Returns
    -------
    float or numpy.ndarray
        ``a`` and ``b`` blended by the fractional part of ``t``.
    """
    fraction = t % 1
    towards_b = int(t) % 2 == 0
    weight_of_b = fraction if towards_b else 1.0 - fraction
    return (1.0 - weight_of_b) * a + weight_of_b * b


def interleave(arr1: np.ndarray, arr2: np.ndarray) -> np.ndarray:
    """The rows of ``arr1`` and ``arr2`` alternating: ``arr1[0], arr2[0], arr1[1], arr2[1], ...``.

    Parameters
    ----------
    arr1, arr2 : numpy.ndarray
        Arrays of one shape; the result has ``arr1``'s dtype.

    Returns
    -------
    numpy.ndarray
        Twice as long as ``arr1`` along the first axis.
    """
    out = np.empty((2 * len(arr1),) + tuple(arr1.shape[1:]), dtype=arr1.dtype)
    out[0::2] = arr1
    out[1::2] = arr2
    return out
