"""Entity paths: the grammar of Rerun 0.4 (``world/points``, ``cams/#3``, ``obj/"a b"/-3``).

Grammar
-------
- ``"/"`` is the root (no parts). ``""`` is an error, a leading ``/`` is an error, an empty part
  (``a//b``) is an error, a trailing ``/`` is tolerated (``foo/`` is ``foo``).
- Each part is, checked in this order:

  1. ``#<u64>``: a *sequence* index (``#12``); ``#`` followed by anything else is an error (``#-1``);
  2. an integer fitting i128: an *integer* index (``-3``, ``42``);
  3. a UUID (hyphenated, 32 hex digits, ``{...}`` or ``urn:uuid:...``): a *uuid* index;
  4. ``"..."``: a *string* index, which may contain ``/``; escapes ``\\n \\r \\t \\" \\\\`` only; the
     closing quote must be followed by ``/`` or the end;
  5. anything else is a *name* (spaces, unicode and brackets included: ``foo[42]`` is a name).

The display form writes sequences as ``#n``, integers as numbers, UUIDs hyphenated and strings
quoted, so ``parse(display(parse(s))) == parse(s)``. The viewer's store uses :func:`parts` and
:func:`parent_paths` to build the entity tree.
"""

from __future__ import annotations

import re
import uuid
from typing import NamedTuple

from rerun._errors import ArgumentValueError, bad_type, describe
from rerun._utf8 import describe_lone_surrogate, lone_surrogate_at

ROOT = "/"

#: Longest entity path a log call accepts. Rerun 0.4 has no limit, but every batch of an entity
#: carries its path, and no view can show a path this long; a longer one is a bug (a whole file's
#: contents, say), reported at the call rather than silently costing every frame that much.
MAX_PATH_CHARS = 64 << 10

_I128_MIN = -(1 << 127)
_I128_MAX = (1 << 127) - 1
_U64_MAX = (1 << 64) - 1
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_SEQUENCE = re.compile(r"\+?[0-9]+\Z")
_HEX = "[0-9a-fA-F]"
_UUID = re.compile(
    rf"(?:{_HEX}{{32}}|{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
    rf"|\{{{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}\}}"
    rf"|urn:uuid:{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}})\Z"
)
_UNESCAPE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_ESCAPE = {v: "\\" + k for k, v in _UNESCAPE.items()}


class EntityPathError(ArgumentValueError):
    """An entity path string that does not follow the grammar (see the module docstring)."""


class Part(NamedTuple):
    """One part of an entity path: ``kind`` is name / sequence / integer / uuid / string."""

    kind: str
    value: object  # str for name and string, int for sequence and integer, uuid.UUID for uuid

    def display(self) -> str:
        """The canonical text of this part (parses back to an equal part)."""
        if self.kind == "name":
            return str(self.value)
        if self.kind == "sequence":
            return f"#{self.value}"
        if self.kind == "integer":
            return str(self.value)
        if self.kind == "uuid":
            return str(self.value)
        return '"' + "".join(_ESCAPE.get(ch, ch) for ch in str(self.value)) + '"'


def _bad(path: str, reason: str) -> EntityPathError:
    return EntityPathError(f"argument 'entity_path' must be a valid entity path such as 'world/points', got {path!r} ({reason})")


def _classify(text: str, path: str) -> Part:
    if text.startswith("#"):
        digits = text[1:]
        if _SEQUENCE.match(digits) and int(digits) <= _U64_MAX:
            return Part("sequence", int(digits))
        raise _bad(path, f'Invalid sequence: "{digits}" (expected positive integer)')
    if _INTEGER.match(text):
        value = int(text)
        if _I128_MIN <= value <= _I128_MAX:
            return Part("integer", value)
    if _UUID.match(text):
        return Part("uuid", uuid.UUID(text))
    return Part("name", text)


def _read_quoted(path: str, start: int) -> tuple[str, int]:
    """Read the string index that opens at ``path[start] == '"'``; return (text, index after it)."""
    chars: list[str] = []
    i = start + 1
    while i < len(path):
        ch = path[i]
        if ch == '"':
            return "".join(chars), i + 1
        if ch == "\\":
            if i + 1 >= len(path):
                break
            escaped = _UNESCAPE.get(path[i + 1])
            if escaped is None:
                raise _bad(path, f"Bad escape sequence: Unknown escape sequence (\\{path[i + 1]})")
            chars.append(escaped)
            i += 2
            continue
        chars.append(ch)
        i += 1
    raise _bad(path, 'Missing closing quote (")')


def parse(path: str) -> tuple[Part, ...]:
    """Split an entity path into its parts (the root ``"/"`` gives an empty tuple).

    Raises
    ------
    EntityPathError
        (a ``ValueError``) for a string that breaks the grammar; ``TypeError`` for a non-string.
    """
    if not isinstance(path, str):
        raise bad_type("entity_path", "a str such as 'world/points'", describe(path))
    if path == ROOT:
        return ()
    surrogate = lone_surrogate_at(path)
    if surrogate is not None:
        raise _bad(path, describe_lone_surrogate(path, surrogate))
    if not path:
        raise _bad(path, "Expected path, found empty string")
    if path[0] == "/":
        raise _bad(path, "Path had leading slash")
    parts: list[Part] = []
    i, end = 0, len(path)
    while i < end:
        if path[i] == '"':
            text, i = _read_quoted(path, i)
            if i < end and path[i] != "/":
                raise _bad(path, "Missing slash (/)")
            parts.append(Part("string", text))
        else:
            slash = path.find("/", i)
            stop = end if slash < 0 else slash
            if stop == i:
                raise _bad(path, "Double-slashes with no part between")
            parts.append(_classify(path[i:stop], path))
            i = stop
        i += 1  # skip the separating slash (or step past the end)
    return tuple(parts)


def display(parts: tuple[Part, ...] | list[Part]) -> str:
    """The canonical path string of ``parts`` (``"/"`` for the root)."""
    if not parts:
        return ROOT
    return "/".join(part.display() for part in parts)


def normalize(path: str) -> str:
    """Validate ``path`` and return it as written, minus a tolerated trailing ``/``.

    Raises
    ------
    EntityPathError, TypeError
        As :func:`parse`.
    """
    parse(path)
    if path != ROOT and path.endswith("/"):
        # the parser accepted it, so this is a single tolerated trailing slash
        return path[:-1]
    return path


def parts(path: str) -> tuple[str, ...]:
    """The display text of each part of ``path`` (``()`` for the root)."""
    return tuple(part.display() for part in parse(path))


def parent_paths(path: str) -> list[str]:
    """Every ancestor of ``path``, root first, not including ``path`` itself.

    ``parent_paths("a/b/c") == ["/", "a", "a/b"]``; the root has no parents.
    """
    segments = parse(path)
    return [display(segments[:depth]) for depth in range(len(segments))]


_valid_cache: dict[str, str] = {}
_CACHE_LIMIT = 65536


def validated(path: str, *, allow_root: bool = False) -> str:
    """Normalised ``path`` for a log call, memoised (the hot path of every ``log_*`` function).

    Raises
    ------
    EntityPathError
        For a bad path, a path longer than ``MAX_PATH_CHARS``, or the root when ``allow_root`` is false.
    """
    try:
        normal = _valid_cache[path]
    except (KeyError, TypeError):
        if type(path) is str and len(path) > MAX_PATH_CHARS:
            raise EntityPathError(
                f"argument 'entity_path' must be at most {MAX_PATH_CHARS} characters long, got one of "
                f"{len(path)} characters starting {path[:40]!r} (the call was not logged)"
            )
        normal = normalize(path)
        if len(_valid_cache) < _CACHE_LIMIT:
            _valid_cache[path] = normal
    if normal == ROOT and not allow_root:
        raise EntityPathError(
            "argument 'entity_path' must not be the root '/' here (only log_view_coordinates and "
            "log_annotation_context may log to the root), got '/'"
        )
    return normal
