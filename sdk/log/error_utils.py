"""Rerun 0.4.0's ``rerun.log.error_utils``: ``_send_warning``, the SDK's warning for a misused call."""

from __future__ import annotations

from rerun._errors import send_warning

__all__ = ["_send_warning"]


def _send_warning(message: str, depth_to_user_code: int) -> None:
    """Warn about a recoverable misuse (strict mode: raise ``TypeError``); 0.4.0's name and signature.

    The warning goes to Python logging and to the ``rerun`` text log, pointing at the caller
    ``depth_to_user_code`` frames above the function that calls this one.
    """
    send_warning(message, depth_to_user_code + 2)
