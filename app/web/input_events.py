"""Typed input events that the web page sends, parsed and checked before anything acts on them.

The page sends one JSON object per WebSocket text message. Names follow jupyter_rfb / pygfx's remote frame
buffer (``pointer_down``, ``pointer_move``, ``pointer_up``, ``double_click``, ``wheel``, ``key_down``, ``key_up``,
``char``, ``resize``) plus ``ack`` (a frame was drawn). Anything else — not JSON, not an object, an unknown type, a
missing or non-numeric field — raises :class:`BadInput` with a message naming what was wrong; sizes are clamped.
No GL or UI import here: the network thread parses, the GL thread applies.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

#: Largest text message accepted from a page (an input event is a few hundred bytes).
MAX_MESSAGE_BYTES = 4096
#: Frames are rendered at most this large (a resize to 100000x100000 is clamped, never allocated).
MAX_FRAME_WIDTH = 3840
MAX_FRAME_HEIGHT = 2160
MIN_FRAME_SIDE = 64
#: Longest ``char`` text and key name accepted.
MAX_TEXT = 64
MODIFIER_NAMES = frozenset({"Alt", "Control", "Meta", "Shift"})
#: 1 left, 2 right, 3 middle (vispy's numbering, which the page uses too).
BUTTONS = frozenset({1, 2, 3})


class BadInput(ValueError):
    """A message from a page that is not a valid input event (the message says why)."""


@dataclass(frozen=True)
class Pointer:
    """``pointer_down`` / ``pointer_move`` / ``pointer_up`` / ``double_click`` at (x, y) in frame pixels."""

    kind: str
    x: float
    y: float
    button: int
    modifiers: tuple[str, ...]


@dataclass(frozen=True)
class Wheel:
    """Scroll by (dx, dy) in browser wheel units (pixels; positive dy scrolls down) at (x, y)."""

    x: float
    y: float
    dx: float
    dy: float
    modifiers: tuple[str, ...]


@dataclass(frozen=True)
class Key:
    """``key_down`` / ``key_up``: ``KeyboardEvent.key`` (``"ArrowLeft"``, ``"a"``, ``"Enter"``)."""

    kind: str
    key: str
    modifiers: tuple[str, ...]


@dataclass(frozen=True)
class Char:
    """Typed text (``char`` event)."""

    data: str


@dataclass(frozen=True)
class Resize:
    """The page's frame area: width and height in frame pixels (already clamped)."""

    width: int
    height: int
    clamped: bool


@dataclass(frozen=True)
class Ack:
    """The page has drawn frame ``index``."""

    index: int


InputEvent = Pointer | Wheel | Key | Char | Resize


def _number(obj: dict, name: str, kind: str) -> float:
    value = obj.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadInput(f"{kind}: field {name!r} must be a finite number, got {value!r}")
    return float(value)


def _modifiers(obj: dict, kind: str) -> tuple[str, ...]:
    mods = obj.get("modifiers", [])
    if not isinstance(mods, list) or len(mods) > 8 or not all(isinstance(m, str) for m in mods):
        raise BadInput(f"{kind}: 'modifiers' must be a list of names, got {mods!r}")
    return tuple(sorted({m for m in mods if m in MODIFIER_NAMES}))


def _text(obj: dict, name: str, kind: str) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
        raise BadInput(f"{kind}: field {name!r} must be a string of 1..{MAX_TEXT} characters, got {value!r:.80}")
    return value


def clamp_side(value: float, largest: int) -> int:
    """A frame side in pixels, within MIN_FRAME_SIDE..largest."""
    return int(min(max(value, MIN_FRAME_SIDE), largest))


def parse_message(text: str | bytes) -> InputEvent | Ack:
    """One message from a page as a typed event.

    Raises
    ------
    BadInput
        For anything that is not a valid event (the message names the problem).
    """
    if isinstance(text, (bytes, bytearray)):
        raise BadInput(f"expected a JSON text message, got {len(text)} bytes of binary data")
    if len(text) > MAX_MESSAGE_BYTES:
        raise BadInput(f"message of {len(text)} characters exceeds the limit of {MAX_MESSAGE_BYTES}")
    try:
        obj = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise BadInput(f"not JSON ({exc}): {text[:80]!r}") from None
    if not isinstance(obj, dict):
        raise BadInput(f"expected a JSON object, got {type(obj).__name__}")
    kind = obj.get("type")
    if kind in ("pointer_down", "pointer_move", "pointer_up", "double_click"):
        button = obj.get("button", 0)
        if kind != "pointer_move" and button not in BUTTONS:
            raise BadInput(f"{kind}: 'button' must be 1, 2 or 3, got {button!r}")
        return Pointer(kind, _number(obj, "x", kind), _number(obj, "y", kind),
                       button if button in BUTTONS else 0, _modifiers(obj, kind))
    if kind == "wheel":
        return Wheel(_number(obj, "x", kind), _number(obj, "y", kind), _number(obj, "dx", kind),
                     _number(obj, "dy", kind), _modifiers(obj, kind))
    if kind in ("key_down", "key_up"):
        return Key(kind, _text(obj, "key", kind), _modifiers(obj, kind))
    if kind == "char":
        return Char(_text(obj, "data", kind))
    if kind == "resize":
        width, height = _number(obj, "width", kind), _number(obj, "height", kind)
        clamped_w, clamped_h = clamp_side(width, MAX_FRAME_WIDTH), clamp_side(height, MAX_FRAME_HEIGHT)
        return Resize(clamped_w, clamped_h, (clamped_w, clamped_h) != (int(width), int(height)))
    if kind == "ack":
        index = obj.get("index")
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise BadInput(f"ack: 'index' must be a non-negative integer, got {index!r}")
        return Ack(index)
    raise BadInput(f"unknown event type {kind!r}")
