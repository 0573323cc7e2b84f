"""How the store writes values and keys: as JSON data, never as pickles.

A pickle is a program: whoever can write a file under the data dir would run code as the user
the next time it is read (diskcache's stock Disk, CVE-2025-69872). JSON is data. Two codecs:

- `encode_value`/`decode_value`: plain JSON (NaN allowed), for the store's own records, whose
  shape the store knows. A tuple is written as an array and read back as a list, so the store
  turns what it reads back into the types its methods promise.
- `to_data`/`from_data`: a tagged form for values whose shape the store does not know (a
  caller's `user_value`): tuples and dicts with non-string keys come back as they went in.

Anything else (sets, datetimes, objects) is refused with a TypeError when it is written.
"""

from __future__ import annotations

import json
from typing import Any

_ENCODE = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), check_circular=False, allow_nan=True
).encode
_DECODE = json.JSONDecoder().decode
_TEXT = ("utf-8", "surrogatepass")  # a lone surrogate in a feed's text is kept, not an error

_TUPLE = "\x00tuple"
_PAIRS = "\x00pairs"


class UndecodableKey(ValueError):
    """A key in a form this codec does not write (a pickle from an older version)."""


def encode_value(value: Any) -> bytes:
    try:
        return _ENCODE(value).encode(*_TEXT)
    except TypeError as exc:
        raise TypeError(f"the store keeps JSON data only: {exc}") from None


def decode_value(blob: bytes) -> Any:
    return _DECODE(blob.decode(*_TEXT))


def encode_key(key: tuple[Any, ...]) -> bytes:
    """A tuple key (`("entry", id)`): a JSON array, the same bytes for equal keys."""
    if not all(type(part) in (str, int, float) for part in key):
        raise TypeError(f"a store key is a tuple of strings and numbers, not {key!r}")
    return _ENCODE(key).encode(*_TEXT)


def decode_key(blob: bytes) -> tuple[Any, ...]:
    if not blob.startswith(b"["):
        raise UndecodableKey("not a key this version writes")
    return tuple(_DECODE(blob.decode(*_TEXT)))


def to_data(value: Any) -> Any:
    """`value` as JSON data that `from_data` turns back into an equal value."""
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return value
    if kind is list:
        return [to_data(v) for v in value]
    if kind is tuple:
        return {_TUPLE: [to_data(v) for v in value]}
    if kind is dict:
        if all(type(k) is str and not k.startswith("\x00") for k in value):
            return {k: to_data(v) for k, v in value.items()}
        return {_PAIRS: [[to_data(k), to_data(v)] for k, v in value.items()]}
    raise TypeError(f"the store keeps JSON data only, not {kind.__name__}")


def from_data(data: Any) -> Any:
    if type(data) is list:
        return [from_data(v) for v in data]
    if type(data) is dict:
        if len(data) == 1 and _TUPLE in data:
            return tuple(from_data(v) for v in data[_TUPLE])
        if len(data) == 1 and _PAIRS in data:
            return {_hashable(from_data(k)): from_data(v) for k, v in data[_PAIRS]}
        return {k: from_data(v) for k, v in data.items()}
    return data


def _hashable(key: Any) -> Any:
    return tuple(key) if type(key) is list else key
