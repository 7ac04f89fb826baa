"""Text-log view builder: ``rerun.text_entry`` rows of the view's entities as table rows, with the level and
entity filters and the row the time cursor points at (Rerun 0.4/0.5 ``view_text``).

The table lists every entry on the timeline in time order (entries after the cursor too, drawn dimmed); the view
scrolls to the newest entry at or before the cursor whenever the cursor moves. Pure Python/numpy: the ImGui
drawing is in ``rerun_app.viewer.plot_views``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rerun_app.views import values

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
    """What the user filtered out: levels and entities (everything else is shown)."""

    hidden_levels: set[str] = field(default_factory=set)
    hidden_entities: set[str] = field(default_factory=set)

    def key(self) -> tuple:
        return tuple(sorted(self.hidden_levels)), tuple(sorted(self.hidden_entities))


def level_colour(row: TextRow) -> tuple[int, int, int, int] | None:
    """The colour a row's level is drawn in: its level's colour, else the colour logged with it, else None."""
    return LEVEL_COLOURS.get(row.level.upper(), row.color)


def text_rows(store, entity_paths, timeline) -> list[TextRow]:
    """Every timed text entry of ``entity_paths`` on ``timeline``, sorted by time (stable: log order within a time).

    Parameters
    ----------
    store : Store
        Interface E (``range``).
    entity_paths : iterable of str
    timeline : (str, str)
    """
    rows: list[TextRow] = []
    for path in entity_paths:
        times, cells = store.range(path, "rerun.text_entry", timeline)
        colour_times, colour_cells = store.range(path, "rerun.colorrgba", timeline)
        colours = dict(zip(np.asarray(colour_times).tolist(), colour_cells))
        for t, cell in zip(np.asarray(times)[-MAX_ROWS_PER_ENTITY:].tolist(), cells[-MAX_ROWS_PER_ENTITY:]):
            colour = None
            if t in colours and len(colours[t]):
                try:
                    colour = tuple(int(v) for v in values.colors_rgba8(colours[t])[0])
                except values.ComponentError:
                    colour = None
            for entry in values.struct_rows(cell):
                if entry:
                    rows.append(TextRow(int(t), path, entry.get("level") or "", entry.get("body") or "", colour))
    rows.sort(key=lambda r: r.time)
    return rows


def levels_of(rows: list[TextRow]) -> list[str]:
    """The distinct levels present, most severe first (known levels), then the others by name."""
    order = ["CRITICAL", "ERROR", "WARN", "WARNING", "INFO", "DEBUG", "TRACE"]
    found = {r.level for r in rows}
    return sorted(found, key=lambda lv: (order.index(lv.upper()) if lv.upper() in order else len(order), lv))


def filter_rows(rows: list[TextRow], flt: TextLogFilter) -> list[TextRow]:
    """The rows whose level and entity are not filtered out."""
    if not flt.hidden_levels and not flt.hidden_entities:
        return rows
    return [r for r in rows if r.level not in flt.hidden_levels and r.entity_path not in flt.hidden_entities]


def cursor_row(rows: list[TextRow], time: int | None) -> int:
    """Index of the newest row at or before ``time`` (the row the view scrolls to); -1 when none (or no cursor)."""
    if time is None or not rows:
        return -1
    times = np.fromiter((r.time for r in rows), dtype=np.int64, count=len(rows))
    return int(np.searchsorted(times, time, side="right")) - 1
