"""``log_text_entry``, :class:`LoggingHandler` (Python ``logging`` into Rerun) and :class:`LogLevel`."""

from __future__ import annotations

import logging
import threading

import numpy as np

from rerun import _session
from rerun import components as C
from rerun._errors import bad_type, check_utf8, describe, report
from rerun.color import normalize_color_bytes
from rerun.entity_path import validated
from rerun.enums import LogLevel
from rerun.log import _args

__all__ = ["log_text_entry", "LoggingHandler", "LogLevel"]

_FUNCTION = "rr.log_text_entry"
_known_paths: dict[str, str] = {}


def log_text_entry(entity_path: str, text: str, *, level: str | None = LogLevel.INFO, color=None, ext=None, timeless: bool = False) -> None:
    """Log one line of text to a text-log view.

    Parameters
    ----------
    entity_path : str
    text : str
        The body; an empty string is logged as an empty entry.
    level : str or None
        Any string (see :class:`LogLevel`); ``None`` stores no level. Default ``"INFO"``.
    color : one RGB or RGBA colour, optional
    ext : dict, optional
    timeless : bool

    Notes
    -----
    A numpy ``color`` works (0.4.0 raised "truth value of an array is ambiguous").
    """
    if not _session.is_enabled():
        return None
    try:
        path = _known_paths.get(entity_path) if type(entity_path) is str else None
        if path is None:
            path = validated(entity_path)
            if len(_known_paths) < 65536:
                _known_paths[entity_path] = path
        if type(text) is not str:
            raise bad_type("text", "a str", describe(text))
        if not text.isascii():
            check_utf8("text", text)
        if level is not None:
            if type(level) is not str:
                raise bad_type("level", "a str such as 'INFO' or None", describe(level))
            check_utf8("level", level)
        if color is not None:
            color = normalize_color_bytes(color, "color")
        if timeless is not False:
            timeless = _args.flag("timeless", timeless)
        if ext is not None:
            inst = _args.Instanced("text", 1)
            inst.components[C.TEXT_ENTRY] = C.text_entries(text, level)
            if color is not None:
                inst.components[C.COLOR] = C.colors(np.frombuffer(color, np.uint8).reshape(1, 4))
            _args.log_row(path, inst, ext, timeless=timeless)
            return None
        _session.log_text_row(path, text, level, color, timeless)
    except Exception as exc:
        report(_FUNCTION, exc)
    return None


_LEVELS = {
    logging.CRITICAL: LogLevel.CRITICAL,
    logging.ERROR: LogLevel.ERROR,
    logging.WARNING: LogLevel.WARN,
    logging.INFO: LogLevel.INFO,
    logging.DEBUG: LogLevel.DEBUG,
}


class _Busy(threading.local):
    """Per thread: whether this handler is already emitting (a record logged while logging one is dropped)."""

    active = False


class LoggingHandler(logging.Handler):
    """A :class:`logging.Handler` that logs each record as a Rerun text entry.

    The entity path is the logger name with ``.`` replaced by ``/`` (``"root"`` for the root
    logger), under ``root_entity_path`` if given. Levels map to CRITICAL / ERROR / WARN / INFO /
    DEBUG; custom levels use their level name. The body is ``record.getMessage()``.

    Parameters
    ----------
    root_entity_path : str, optional
        Prefix of every entity path, e.g. ``"logs"``.

    Notes
    -----
    Rerun's own warnings about dropped calls go through the ``rerun`` logger; if they reach this
    handler while it is already emitting (a bad record), they are not fed back, so a handler on the
    root logger can never recurse.
    """

    def __init__(self, root_entity_path: str | None = None) -> None:
        super().__init__()
        self.root_entity_path = root_entity_path.rstrip("/") if root_entity_path else None
        self._busy = _Busy()

    def emit(self, record: logging.LogRecord) -> None:
        if not _session.is_enabled() or self._busy.active:
            return
        self._busy.active = True
        try:
            path = record.name.replace(".", "/") or "root"
            if self.root_entity_path is not None:
                path = f"{self.root_entity_path}/{path}"
            level = _LEVELS.get(record.levelno, record.levelname)
            log_text_entry(path, record.getMessage(), level=level)
        except Exception:
            self.handleError(record)
        finally:
            self._busy.active = False
