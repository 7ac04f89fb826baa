"""Text-log view builder: ``rerun.text_entry`` rows of the view's entities as table rows, with the level and
entity filters and the row the time cursor points at (Rerun 0.4/0.5 ``view_text``).

The table lists every entry on the timeline in time order, with its time on every timeline of the recording (one
column per timeline, ``log_time`` included, as the original shows them; blank where the entry has no time on it) (entries after the cursor too, drawn dimmed); the view
scrolls to the newest entry at or before the cursor whenever the cursor moves. Pure Python/numpy: the ImGui
drawing is in ``rerun_app.viewer.plot_views``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rerun import components as C

from rerun_app.views import values
from rerun_app.views.column_reader import read_column
from rerun_app.views.time_text import time_text

#: Newest entries kept per entity (the table stays cheap to build for chatty loggers).
MAX_ROWS_PER_ENTITY = 20_000

#: Level → RGBA8 text colour (Rerun's level colouring; other levels use the default text colour).
LEVEL_COLOURS: dict[str, tuple[int, int, int, int]] = {
    "CRITICAL": (255, 77, 230, 255),
    "ERROR": (255, 89, 89, 255),
    "WARN": (255, 204, 77, 255),
    "WARNING": (255, 204, 77, 255),
    "DEBUG": (153, 153, 230, 255),
    "TRACE": (153, 153, 153, 255),
}


@dataclass(frozen=True)
class TextRow:
    """One entry: time on the timeline, entity, level (may be ``""``), body and the logged colour (or None)."""

    time: int
    entity_path: str
    level: str
    body: str
    color: tuple[int, int, int, int] | None = None


@dataclass
class TextLogFilter:
    """What the user filtered out: levels, entities and columns (everything else is shown)."""

    hidden_levels: set[str] = field(default_factory=set)
    hidden_entities: set[str] = field(default_factory=set)
    #: columns switched off: timeline names, "Entity path", "Level" (the original's column filters; Body stays)
    hidden_columns: set[str] = field(default_factory=set)

    def key(self) -> tuple:
        return tuple(sorted(self.hidden_levels)), tuple(sorted(self.hidden_entities)), tuple(sorted(self.hidden_columns))


def level_colour(row: TextRow) -> tuple[int, int, int, int] | None:
    """The colour a row's level is drawn in: its level's colour, else the colour logged with it, else None."""
    return LEVEL_COLOURS.get(row.level.upper(), row.color)


@dataclass(frozen=True)
class TextTable:
    """All entries of a view, column by column, in time order (stable: log order within a time)."""

    times: np.ndarray  # (N,) int64
    entities: np.ndarray  # (N,) object: entity path
    levels: np.ndarray  # (N,) object: level ("" when none)
    bodies: np.ndarray  # (N,) object
    colors: np.ndarray  # (N, 4) uint8: the colour logged with the entry
    has_color: np.ndarray  # (N,) bool
    #: (T,) the recording's timelines as ``(name, type)`` pairs, sorted by name (the original's column order)
    timelines: tuple[tuple[str, str], ...] = ()
    timeline_times: np.ndarray | None = None  # (N, T) int64: each entry's time on each timeline
    timeline_present: np.ndarray | None = None  # (N, T) bool: the entry has a time on that timeline
    #: (entity path, why) for each entity whose entries could not be read; the other entities' rows are kept
    failures: tuple[tuple[str, str], ...] = ()

    def __len__(self) -> int:
        return len(self.times)

    def row(self, i: int) -> TextRow:
        """Entry ``i`` as a :class:`TextRow`."""
        colour = tuple(int(v) for v in self.colors[i]) if self.has_color[i] else None
        return TextRow(int(self.times[i]), str(self.entities[i]), str(self.levels[i]), str(self.bodies[i]), colour)

    def time_cells(self, i: int) -> list[str]:
        """Entry ``i``'s time on each of :attr:`timelines` as the original writes it ("" where it has none)."""
        return [time_text(int(self.timeline_times[i, k]), kind) if self.timeline_present[i, k] else ""
                for k, (_name, kind) in enumerate(self.timelines)]


def text_rows(store, entity_paths, timeline, timelines=None) -> TextTable:
    """Every timed text entry of ``entity_paths`` on ``timeline`` (the newest ``MAX_ROWS_PER_ENTITY`` of each).

    Parameters
    ----------
    store : Store
        Interface E.
    entity_paths : iterable of str
    timeline : (str, str)
        The timeline that orders the rows (the time cursor's).
    timelines : sequence of (str, str), optional
        The timelines to give each entry's time on (a column each); default: every timeline of the store.
    """
    timelines = tuple(sorted((tl[0], tl[1]) for tl in (store.timelines() if timelines is None else timelines)))
    parts, failures = [], []
    for path in entity_paths:
        try:
            part = _entity_rows(store, path, timeline, timelines)
        except Exception as exc:  # noqa: BLE001 (one entity's bad data must not empty the whole log)
            failures.append((path, f"text entries could not be read: {type(exc).__name__}: {exc}"))
            continue
        if part is not None:
            parts.append(part)
    if not parts:
        empty = np.empty(0, dtype=object)
        return TextTable(np.empty(0, np.int64), empty, empty, empty, np.zeros((0, 4), np.uint8), np.zeros(0, bool),
                         timelines=timelines, timeline_times=np.zeros((0, len(timelines)), np.int64),
                         timeline_present=np.zeros((0, len(timelines)), bool), failures=tuple(failures))
    columns = [np.concatenate(c) for c in zip(*parts)]
    order = np.argsort(columns[0], kind="stable")
    times, entities, levels, bodies, colors, has_color, on_times, on_present = (c[order] for c in columns)
    return TextTable(times, entities, levels, bodies, colors, has_color, timelines=timelines, timeline_times=on_times,
                     timeline_present=on_present, failures=tuple(failures))


def _entity_rows(store, path: str, timeline, timelines):
    """The newest ``MAX_ROWS_PER_ENTITY`` text entries of one entity as column arrays, or None when it has none."""
    column = read_column(store, path, C.TEXT_ENTRY, timeline)
    if column is None:
        return None
    entries = column.values
    times = np.repeat(column.times, column.counts)[-MAX_ROWS_PER_ENTITY:]
    entry_rows = np.repeat(column.rows, column.counts)[-MAX_ROWS_PER_ENTITY:]
    on_times, on_present = _times_on_timelines(store, path, entry_rows, timelines)
    entries = entries.slice(max(len(entries) - MAX_ROWS_PER_ENTITY, 0))
    bodies = np.array(entries.field("body").fill_null("").to_pylist(), dtype=object)
    levels = np.array(entries.field("level").fill_null("").to_pylist(), dtype=object)
    colors, has_color = np.zeros((len(times), 4), np.uint8), np.zeros(len(times), bool)
    colour_column = read_column(store, path, C.COLOR, timeline)
    if colour_column is not None:
        try:
            logged = values.colors_rgba8(colour_column.firsts())
        except values.ComponentError:
            logged = None
        if logged is not None:  # the colour logged in the same call, never another entry's at the same time
            order = np.argsort(colour_column.rows, kind="stable")
            sorted_rows = colour_column.rows[order]
            at = np.minimum(np.searchsorted(sorted_rows, entry_rows), max(len(sorted_rows) - 1, 0))
            same = sorted_rows[at] == entry_rows
            colors[same], has_color[same] = logged[order[at[same]]], True
    return times, np.full(len(times), path, dtype=object), levels, bodies, colors, has_color, on_times, on_present


def _times_on_timelines(store, path: str, entry_rows: np.ndarray, timelines) -> tuple[np.ndarray, np.ndarray]:
    """(N, T) times of the log calls ``entry_rows`` on each timeline, and whether the call has a time there."""
    on_times = np.zeros((len(entry_rows), len(timelines)), np.int64)
    on_present = np.zeros((len(entry_rows), len(timelines)), bool)
    for k, other in enumerate(timelines):
        column = read_column(store, path, C.TEXT_ENTRY, other)
        if column is None:
            continue
        order = np.argsort(column.rows, kind="stable")
        sorted_rows = column.rows[order]
        at = np.minimum(np.searchsorted(sorted_rows, entry_rows), len(sorted_rows) - 1)
        found = sorted_rows[at] == entry_rows
        on_times[found, k] = column.times[order[at[found]]]
        on_present[:, k] = found
    return on_times, on_present


def levels_of(table: TextTable) -> list[str]:
    """The distinct levels present, most severe first (known levels), then the others by name."""
    order = ["CRITICAL", "ERROR", "WARN", "WARNING", "INFO", "DEBUG", "TRACE"]
    found = set(table.levels.tolist())
    return sorted(found, key=lambda lv: (order.index(lv.upper()) if lv.upper() in order else len(order), lv))


def filter_rows(table: TextTable, flt: TextLogFilter) -> np.ndarray:
    """Indices (into ``table``) of the entries whose level and entity are not filtered out."""
    keep = np.ones(len(table), bool)
    for level in flt.hidden_levels:
        keep &= table.levels != level
    for path in flt.hidden_entities:
        keep &= table.entities != path
    return np.flatnonzero(keep)


def cursor_row(times: np.ndarray, time: int | None) -> int:
    """Index of the newest of the sorted ``times`` at or before ``time`` (the row the view scrolls to); -1 when
    none (or no cursor)."""
    if time is None or not len(times):
        return -1
    return int(np.searchsorted(times, time, side="right")) - 1
