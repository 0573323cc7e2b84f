"""diskcache's Disk with pickle taken out: keys and values are written and read as data.

Strings, numbers and bytes are stored as diskcache stores them (raw columns or plain files);
everything else (dicts, lists, tuples, booleans, None) as JSON (`codec`). A pickled value (mode
4, from an older version or planted by someone else) is never loaded: it reads as absent, and
`migrate` converts an older store once, before it is used. Files are created 0600 in 0700
directories (`files`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable
from typing import Any

import diskcache
from diskcache.core import MODE_PICKLE, UNKNOWN

from tui_reader.store.codec import (
    UndecodableKey,
    decode_key,
    decode_value,
    encode_key,
    encode_value,
)
from tui_reader.store.files import DIR_MODE, open_private

MODE_JSON = 5  # after diskcache's own modes (raw, binary, text, pickle: 1-4)
_PLAIN = (str, bytes, int, float)
_INT64 = range(-(2**63), 2**63)


class RefusedValue(OSError):
    """A value in a form that is never loaded (a pickle): diskcache reads it as absent."""


class DataDisk(diskcache.Disk):  # type: ignore[misc]
    """Keys and values as data, tuple keys remembered: a tuple key's encoding was a tenth of a
    fetch's main-process CPU when pickled, and the same few thousand keys come back all run."""

    MEMO_SIZE = 4096

    def __init__(self, directory: str, **kwargs: Any) -> None:
        super().__init__(directory, **kwargs)
        self._memo: dict[tuple[Any, ...], tuple[sqlite3.Binary, bool]] = {}

    def put(self, key: Any) -> tuple[Any, bool]:
        kind = type(key)
        if kind is tuple:
            found = self._memo.get(key)
            if found is None:
                if len(self._memo) >= self.MEMO_SIZE:
                    self._memo.clear()
                found = (sqlite3.Binary(encode_key(key)), False)
                self._memo[key] = found
            return found
        if kind in _PLAIN and (kind is not int or key in _INT64):
            return super().put(key)  # type: ignore[no-any-return]  # raw columns, no pickle
        raise TypeError(f"a store key is a string, a number, bytes or a tuple, not {kind.__name__}")

    def get(self, key: Any, raw: bool) -> Any:
        if raw:
            return super().get(key, raw)
        try:
            return decode_key(bytes(key))
        except (UndecodableKey, ValueError):
            return bytes(key)  # an older version's pickled key: listed as bytes, never loaded

    def store(self, value: Any, read: bool, key: Any = UNKNOWN) -> tuple[int, int, str | None, Any]:
        kind = type(value)
        if read or (kind in _PLAIN and (kind is not int or value in _INT64)):
            return super().store(value, read, key=key)  # type: ignore[no-any-return]
        data = encode_value(value)
        if len(data) < self.min_file_size:
            return 0, MODE_JSON, None, sqlite3.Binary(data)
        filename, full_path = self.filename(key, value)
        self._write(full_path, iter((data,)), "xb")
        return len(data), MODE_JSON, filename, None

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if mode == MODE_JSON:
            if value is None:
                with open(os.path.join(self._directory, str(filename)), "rb") as reader:
                    return decode_value(reader.read())
            return decode_value(bytes(value))
        if mode == MODE_PICKLE:
            raise RefusedValue("a pickled value is never loaded")
        return super().fetch(mode, filename, value, read)

    def _write(
        self, full_path: str, iterator: Iterable[Any], mode: str, encoding: str | None = None
    ) -> int:
        """The stock `_write`, making 0700 directories and 0600 files."""
        full_dir = os.path.dirname(full_path)
        for count in range(1, 11):
            for directory in (os.path.dirname(full_dir), full_dir):
                with contextlib.suppress(OSError):
                    os.mkdir(directory, DIR_MODE)
            try:
                writer = open_private(full_path, "b" in mode, encoding)
            except OSError:
                if count == 10:
                    raise
                continue
            with writer:
                size = 0
                for chunk in iterator:
                    size += len(chunk)
                    writer.write(chunk)
                return size
        raise AssertionError("unreachable")
