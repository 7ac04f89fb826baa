"""Rerun 0.4.0's ``rerun.components.text_entry`` (text log entries): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

from rerun import components
from rerun.components._v04 import array_class, arrow_type

__all__ = ["TextEntryArray", "TextEntryType"]


def _entries(text_entries) -> components.pa.Array:
    rows = [{"body": body, "level": level} for body, level in text_entries]
    return components.pa.array(rows, type=components.TEXT_ENTRY_TYPE)


TextEntryArray = array_class("TextEntryArray", __name__, components.TEXT_ENTRY, from_bodies_and_levels=_entries)
TextEntryType = arrow_type(components.TEXT_ENTRY)
