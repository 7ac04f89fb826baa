"""Rerun 0.4.0's ``rerun.log.log_decorator``: the wrapper every ``log_*`` function has.

Ours is :func:`rerun._errors.log_function` (no-op while disabled; bad input warns and drops the call, or
raises in strict mode).
"""

from rerun._errors import log_function as log_decorator
from rerun.log.text_internal import LogLevel, log_text_entry_internal

__all__ = ["LogLevel", "log_decorator", "log_text_entry_internal"]
