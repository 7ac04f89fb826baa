"""Validation errors of the ``log_*`` functions and the policy that handles them.

Every ``log_*`` function validates its arguments before it logs anything. A problem is raised as
:class:`ArgumentTypeError` (wrong type) or :class:`ArgumentValueError` (wrong value), whose text
names the argument, what was expected and what was given. The :func:`log_function` decorator then
applies the policy:

- logging disabled: the call returns at once, nothing is validated;
- strict mode: the error is raised, prefixed with the function name
  (``rr.log_points: argument 'positions' must be ...``); it is still a ``TypeError``/``ValueError``;
- otherwise (the default): a warning on the ``rerun`` logger plus a ``WARN`` text entry at entity
  path ``rerun`` carry the same text, and the call is dropped (nothing else is logged, no exception).

Unexpected exceptions are treated the same way (dropped with a warning by default, raised in strict
mode), so a logging call never takes a user's program down unless they asked for it.
Unlike Rerun 0.4.0, strict mode actually turns on, and instance-count mismatches are validation
errors rather than Rust panics escaping as ``BaseException``.
"""

from __future__ import annotations

import functools
import logging
from typing import Callable, TypeVar

import numpy as np

from rerun import _session

_logger = logging.getLogger("rerun")

#: Entity path that receives the WARN text entries describing dropped calls.
WARNING_ENTITY_PATH = "rerun"

F = TypeVar("F", bound=Callable)


class ArgumentTypeError(TypeError):
    """An argument of a ``log_*`` call has the wrong type."""


class ArgumentValueError(ValueError):
    """An argument of a ``log_*`` call has the right type but a wrong value or shape."""


def _phrase(argument: str, expected: str, given: str) -> str:
    return f"argument '{argument}' must be {expected}, got {given}"


def bad_type(argument: str, expected: str, given: str) -> ArgumentTypeError:
    """Build the error for an argument of the wrong type (raise the result)."""
    return ArgumentTypeError(_phrase(argument, expected, given))


def bad_value(argument: str, expected: str, given: str) -> ArgumentValueError:
    """Build the error for an argument with a wrong value or shape (raise the result)."""
    return ArgumentValueError(_phrase(argument, expected, given))


def describe(value: object) -> str:
    """A short description of ``value`` for error messages: its type, and shape/dtype for arrays."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _emit_warning(message: str, stacklevel: int) -> None:
    # stacklevel counts frames from _emit_warning up to the user's call, so the record points there
    _logger.warning(message, stacklevel=stacklevel)
    try:
        _session.log_text_row(WARNING_ENTITY_PATH, message, "WARN", None, False)
    except Exception:  # the warning itself must never break the caller
        pass


def report(function_name: str, exc: BaseException) -> None:
    """Apply the bad-input policy to ``exc`` raised inside ``function_name``: raise or warn-and-drop."""
    if isinstance(exc, (ArgumentTypeError, ArgumentValueError)):
        message = f"{function_name}: {exc}"
        if _session.strict_mode():
            raise type(exc)(message) from None
    else:
        if _session.strict_mode():
            raise exc
        message = f"{function_name}: call dropped after an unexpected {type(exc).__name__}: {exc}"
    _emit_warning(message, 4)  # report <- wrapper <- user


def soft_warning(function_name: str, message: str) -> None:
    """Warn about a recoverable problem and let the call go on (strict mode: raise ``TypeError``).

    Only for use inside a function wrapped by :func:`log_function`.

    Used where Rerun 0.4.0 logged the data anyway, e.g. an image of unusual shape is kept as a tensor.
    """
    if _session.strict_mode():
        raise ArgumentTypeError(message)  # the log_function wrapper adds the function name
    _emit_warning(f"{function_name}: {message}", 5)  # soft_warning <- log function <- wrapper <- user


def log_function(fn: F) -> F:
    """Wrap a ``log_*`` function with the disabled no-op and the bad-input policy (see module doc)."""
    function_name = "rr." + fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not _session.is_enabled():
            return None
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            report(function_name, exc)
            return None

    return wrapper  # type: ignore[return-value]
