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
from rerun._utf8 import describe_lone_surrogate, lone_surrogate_at

_logger = logging.getLogger("rerun")

#: Entity path that receives the WARN text entries describing dropped calls.
WARNING_ENTITY_PATH = "rerun"

F = TypeVar("F", bound=Callable)


class ArgumentTypeError(TypeError):
    """An argument of a ``log_*`` call has the wrong type."""


class ArgumentValueError(ValueError):
    """An argument of a ``log_*`` call has the right type but a wrong value or shape."""


class ArgumentOverflowError(ArgumentValueError, OverflowError):
    """An integer or time argument outside the range the wire can carry (int64)."""


def as_argument_error(exc: Exception) -> Exception:
    """``exc`` as the matching ``Argument*Error`` (same text), for checks written without this module."""
    if isinstance(exc, (ArgumentTypeError, ArgumentValueError)):
        return exc
    if isinstance(exc, OverflowError):
        return ArgumentOverflowError(str(exc))
    if isinstance(exc, TypeError):
        return ArgumentTypeError(str(exc))
    if isinstance(exc, ValueError):
        return ArgumentValueError(str(exc))
    return exc


def _phrase(argument: str, expected: str, given: str) -> str:
    return f"argument '{argument}' must be {expected}, got {given}"


def bad_type(argument: str, expected: str, given: str) -> ArgumentTypeError:
    """Build the error for an argument of the wrong type (raise the result)."""
    return ArgumentTypeError(_phrase(argument, expected, given))


def bad_value(argument: str, expected: str, given: str) -> ArgumentValueError:
    """Build the error for an argument with a wrong value or shape (raise the result)."""
    return ArgumentValueError(_phrase(argument, expected, given))


def check_utf8(argument: str, text: str, expected: str = "a str that encodes as UTF-8") -> str:
    """``text`` unchanged, or an :class:`ArgumentValueError` if it holds a lone surrogate."""
    index = lone_surrogate_at(text)
    if index is not None:
        raise bad_value(argument, expected, f"{describe(text)} with {describe_lone_surrogate(text, index)}")
    return text


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
    # A message quoting user text must itself be valid UTF-8 to become a text row.
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")
    _logger.warning(message, stacklevel=stacklevel)
    try:
        _session.log_text_row(WARNING_ENTITY_PATH, message, "WARN", None, False)
    except Exception:  # the warning itself must never break the caller
        pass


def report(function_name: str, exc: BaseException, stacklevel: int = 4) -> None:
    """Apply the bad-input policy to ``exc`` raised inside ``function_name``: raise or warn-and-drop.

    ``stacklevel`` counts the frames from :func:`_emit_warning` to the user's call (the default
    fits ``report`` <- wrapper <- user), so the warning points at that call.
    """
    if isinstance(exc, (ArgumentTypeError, ArgumentValueError)):
        message = f"{function_name}: {exc}"
        if _session.strict_mode():
            raise type(exc)(message) from None
    else:
        if _session.strict_mode():
            raise exc
        message = f"{function_name}: call dropped after an unexpected {type(exc).__name__}: {exc}"
    _emit_warning(message, stacklevel)


def environment_failure(function_name: str, exc: OSError, consequence: str) -> None:
    """A call that failed on the environment (a file that cannot be created): raise in strict mode, else warn.

    ``consequence`` says what happens instead (e.g. "logged data stays buffered in memory").
    Call it from inside the ``except`` of the public function, so the warning points at the user's call.
    """
    if _session.strict_mode():
        raise type(exc)(exc.errno, f"{function_name}: {exc.strerror}") from None
    _emit_warning(f"{function_name}: {exc.strerror}; {consequence}", 4)  # environment_failure <- function <- user


def notice(function_name: str, message: str, stacklevel: int) -> None:
    """Warn about something a call did that the user likely did not mean; the call still happened.

    Unlike :func:`soft_warning` it never raises (nothing was wrong with the input). ``stacklevel``
    counts the frames from :func:`_emit_warning` to the user's call, as for :func:`report`.
    """
    _emit_warning(f"{function_name}: {message}", stacklevel)


def soft_warning(function_name: str, message: str) -> None:
    """Warn about a recoverable problem and let the call go on (strict mode: raise ``TypeError``).

    Only for use inside a function wrapped by :func:`log_function`.

    Used where Rerun 0.4.0 logged the data anyway, e.g. an image of unusual shape is kept as a tensor.
    """
    if _session.strict_mode():
        raise ArgumentTypeError(message)  # the log_function wrapper adds the function name
    _emit_warning(f"{function_name}: {message}", 5)  # soft_warning <- log function <- wrapper <- user


def send_warning(message: str, stacklevel: int) -> None:
    """Warn about a recoverable misuse outside a ``log_*`` function (strict mode: raise ``TypeError``).

    ``stacklevel`` counts frames up from the caller of this function to the user's code, as for
    :func:`warnings.warn`.
    """
    if _session.strict_mode():
        raise TypeError(message)
    _emit_warning(message, stacklevel + 1)


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
