"""Rerun 0.4.0's ``rerun.log.extension_components``: ``log_extension_components`` and its helper."""

from __future__ import annotations

from typing import Any

import numpy as np

from rerun.log import _args
from rerun.log.extension import log_extension_components

__all__ = ["_add_extension_components", "log_extension_components"]


def _add_extension_components(
    instanced: dict[str, Any], splats: dict[str, Any], ext: dict[str, Any], identifiers: np.ndarray | None
) -> None:
    """Add the ``ext`` components, as Arrow arrays named ``ext.<name>``, to ``instanced`` or ``splats``.

    A single value is a splat (one value for every instance) unless exactly one identifier is given,
    as in 0.4.0. Values are converted by the rule every ``ext=`` argument follows.

    Raises
    ------
    TypeError, ValueError
        For an ``ext`` that is not a dict of array-like values.
    """
    count = 0 if identifiers is None else len(identifiers)
    for name, array in _args.extension_components("ext", ext).items():
        (splats if len(array) == 1 and count != 1 else instanced)[name] = array
