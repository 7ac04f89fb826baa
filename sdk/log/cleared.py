"""``log_cleared``: mark an entity (and optionally its children) as cleared from now on."""

from __future__ import annotations

from rerun import _session
from rerun._errors import log_function
from rerun.log import _args

__all__ = ["log_cleared"]


@log_function
def log_cleared(entity_path: str, *, recursive: bool = False) -> None:
    """Clear the components of ``entity_path`` at the current time (and its children's if ``recursive``).

    Parameters
    ----------
    entity_path : str
        Not the root.
    recursive : bool
        Also clear every entity below it.

    Notes
    -----
    Always at the current time point (no ``timeless``), as in 0.4.0. Unlike 0.4.0, bad arguments
    follow the same warn-and-drop / strict-raise policy as every other ``log_*`` function.
    """
    path = _args.entity_path(entity_path)
    _session.log_clear(path, _args.flag("recursive", recursive))
