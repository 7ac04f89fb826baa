"""Typed messages of a recording's stream, as readers hand them on: :class:`BeginRecording`,
:class:`LogEvent`, :class:`ClearEvent`, :class:`Goodbye`.

Each is a small named tuple whose first field is its ``kind`` (``"begin"``, ``"log"``, ``"clear"``,
``"goodbye"``), so code that unpacks ``("log", entity_path, recording_id, batch)`` keeps working; new code
reads the named fields. :func:`deliver` is the one place that turns an event into a call on an
:class:`EventHandler` (the viewer's ingest targets and its store hub).
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol, Union

import pyarrow as pa


class _Begin(NamedTuple):
    kind: str
    info: dict


class BeginRecording(_Begin):
    """A recording starts: ``info`` holds ``recording_id``, ``application_id``, …"""

    __slots__ = ()

    def __new__(cls, info: dict) -> "BeginRecording":
        return super().__new__(cls, "begin", info)


class _Log(NamedTuple):
    kind: str
    entity_path: str
    recording_id: str
    batch: pa.RecordBatch


class LogEvent(_Log):
    """Rows logged on ``entity_path`` of ``recording_id``: a record batch in the LOG layout."""

    __slots__ = ()

    def __new__(cls, entity_path: str, recording_id: str, batch: pa.RecordBatch) -> "LogEvent":
        return super().__new__(cls, "log", entity_path, recording_id, batch)


class _Clear(NamedTuple):
    kind: str
    info: dict


class ClearEvent(_Clear):
    """``log_cleared``: ``info`` holds ``entity_path``, ``recursive``, ``time_point`` and maybe ``recording_id``."""

    __slots__ = ()

    def __new__(cls, info: dict) -> "ClearEvent":
        return super().__new__(cls, "clear", info)


class _Goodbye(NamedTuple):
    kind: str
    info: dict


class Goodbye(_Goodbye):
    """The logging side closed its stream cleanly."""

    __slots__ = ()

    def __new__(cls, info: dict | None = None) -> "Goodbye":
        return super().__new__(cls, "goodbye", {} if info is None else info)


Event = Union[BeginRecording, LogEvent, ClearEvent, Goodbye]


class EventHandler(Protocol):
    """What :func:`deliver` calls (a goodbye calls nothing)."""

    def on_begin(self, info: dict) -> Any: ...

    def on_log(self, entity_path: str, recording_id: str | None, batch: pa.RecordBatch) -> Any: ...

    def on_clear(self, info: dict) -> Any: ...


def deliver(event: Event, handler: EventHandler) -> None:
    """Call the ``handler`` method for ``event``'s kind.

    Raises
    ------
    TypeError
        For anything that is not one of this module's events.
    """
    if isinstance(event, LogEvent):
        handler.on_log(event.entity_path, event.recording_id, event.batch)
    elif isinstance(event, BeginRecording):
        handler.on_begin(event.info)
    elif isinstance(event, ClearEvent):
        handler.on_clear(event.info)
    elif not isinstance(event, Goodbye):
        raise TypeError(f"event: expected a BeginRecording, LogEvent, ClearEvent or Goodbye, got {event!r:.200}")
