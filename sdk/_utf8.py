"""Whether a ``str`` can go on the wire: the frames carry UTF-8, and lone surrogates have none.

``os.fsdecode`` (and ``surrogateescape`` decoding in general) turns undecodable bytes of a file name
into lone surrogates such as ``"\\udcff"``. Such a string passes ``isinstance(x, str)``, but
encoding it raises ``UnicodeEncodeError``; the log calls check their strings with this module so
the problem is reported at the call instead of when a batch of many entities is serialised.
"""

from __future__ import annotations


def lone_surrogate_at(text: str) -> int | None:
    """Index of the first character of ``text`` that UTF-8 cannot encode, or None if there is none."""
    if text.isascii():  # O(1) in CPython: the flag is kept on the string
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def describe_lone_surrogate(text: str, index: int) -> str:
    """The part of an error message that says where ``text`` cannot be encoded."""
    return (
        f"a lone surrogate {text[index]!r} at index {index}, which UTF-8 cannot encode "
        "(os.fsdecode makes these from undecodable bytes; decode such names with errors='replace')"
    )
