"""Rerun 0.4.0's ``rerun.log.text_internal``: text entries the SDK logs about itself (warnings)."""

from __future__ import annotations

from rerun import _session
from rerun.color import normalize_color_bytes
from rerun.enums import LogLevel

__all__ = ["LogLevel", "log_text_entry_internal"]


def log_text_entry_internal(entity_path: str, text: str, level: str | None = LogLevel.INFO, color=None, timeless: bool = False) -> None:
    """Log a text entry without argument checks or the strict-mode policy (for the SDK's own messages).

    Parameters
    ----------
    entity_path : str
        Where the entry goes (the SDK uses ``"rerun"``).
    text : str
        The message.
    level : str or None
        A :class:`LogLevel` string.
    color : optional
        One RGB(A) colour.
    timeless : bool
        Log without time.
    """
    rgba = None if color is None else normalize_color_bytes(color)
    _session.log_text_row(entity_path, text, level, rgba, timeless)
