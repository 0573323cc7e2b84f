"""User state on disk is data, not code: nothing under the data dir is ever unpickled, files are
the user's alone, and a store written by version 0.1.0 (pickles) opens with all its state."""

from __future__ import annotations

import ast
import logging
import os
import pickle
import sqlite3
import stat
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import store_v0
from hypothesis import given
from hypothesis import strategies as st

import tui_reader
from tui_reader.store import Store
from tui_reader.store.codec import from_data, to_data
from tui_reader.store.migrate import DATA_VERSION

ARCHIVE = Path(__file__).parent.parent / "data" / "store-v0.tar.gz"
PARTS = (
    "data/store/main",
    "data/store/user",
    "data/store/read",
    "data/store/starred",
    "cache/pages",
)

# Every class a pickle names is looked up through `pickle.find_class` (an audit event): a pickle
# that runs code cannot do so without one. The hook records them while `_WATCHING` is set.
_WATCHING: list[list[tuple[Any, ...]]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "pickle.find_class" and _WATCHING:
        _WATCHING[-1].append(args)


sys.addaudithook(_audit)


@pytest.fixture
def class_lookups() -> Iterator[list[tuple[Any, ...]]]:
    seen: list[tuple[Any, ...]] = []
    _WATCHING.append(seen)
    try:
        yield seen
    finally:
        _WATCHING.remove(seen)


class _Planted:
    """A pickle that, loaded, creates the file it names: what an attacker would write."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


def _old_store(tmp_path: Path) -> Path:
    with tarfile.open(ARCHIVE) as tar:
        tar.extractall(tmp_path / "old", filter="data")
    return tmp_path / "old"


def _rows(root: Path) -> Iterator[tuple[Path, bytes, int, int, str | None, Any]]:
    for part in PARTS:
        directory = root / part
        with sqlite3.connect(directory / "cache.db") as conn:
            query = "SELECT key, raw, mode, filename, value FROM Cache"
            for key, raw, mode, filename, value in conn.execute(query):
                yield directory, key, raw, mode, filename, value


def _pickles_left(root: Path) -> list[str]:
    """Rows or files under `root` that hold a pickle (protocol 2+ starts with 0x80)."""
    found = []
    for directory, key, raw, mode, filename, value in _rows(root):
        blob = (directory / filename).read_bytes() if filename else value
        if (not raw and bytes(key)[:1] == b"\x80") or mode == 4:
            found.append(f"{directory.name}: {key!r}")
        elif isinstance(blob, bytes) and blob[:1] == b"\x80":
            found.append(f"{directory.name}: value of {key!r}")
    return found


def test_a_store_version_0_1_0_wrote_opens_with_all_its_state(
    tmp_path: Path, class_lookups: list[tuple[Any, ...]]
) -> None:
    old = _old_store(tmp_path)
    assert _pickles_left(old), "the fixture is a pickled store"
    with Store(tmp_path / "new" / "data", tmp_path / "new" / "cache") as new:
        store_v0.populate(new)
        expected = store_v0.reads(new)
    with Store(old / "data", old / "cache") as migrated:
        assert store_v0.reads(migrated) == expected
    assert class_lookups == [], "the one class it knows (SiteStats) is built as data, not looked up"
    assert _pickles_left(old) == []
    with Store(old / "data", old / "cache") as again:  # converted once; a second open reads it
        assert store_v0.reads(again) == expected


def test_the_converted_site_stats_are_the_ones_written(tmp_path: Path) -> None:
    from tui_reader.extract.repetition import SiteStats

    old = _old_store(tmp_path)
    with Store(old / "data", old / "cache") as store:
        for site, stats in store_v0.site_stats().items():
            assert SiteStats.from_data(store.site_stats(site)) == stats


def test_a_planted_pickle_is_never_loaded(
    tmp_path: Path, class_lookups: list[tuple[Any, ...]]
) -> None:
    marker = tmp_path / "ran"
    with Store(tmp_path / "data", tmp_path / "cache") as store:
        store.set_user_value("x", {"a": 1})
        store.set_subscriptions([{"url": "https://a.example/feed"}])
    db = tmp_path / "data" / "store" / "user" / "cache.db"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE Cache SET mode = 4, value = ?", (pickle.dumps(_Planted(marker)),))
    with Store(tmp_path / "data", tmp_path / "cache") as store:
        assert store.user_value("x") is None
        assert store.subscriptions() == []
    assert not marker.exists()
    assert class_lookups == []


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_a_planted_pickle_in_an_old_store_is_dropped_not_run(
    tmp_path: Path, class_lookups: list[tuple[Any, ...]]
) -> None:
    import diskcache

    marker = tmp_path / "ran"
    stock = diskcache.Cache(str(tmp_path / "data" / "store" / "user"))
    stock.set(("value", "evil"), _Planted(marker))
    stock.set(("value", "kept"), (1, "two"))
    stock.close()
    logger = logging.getLogger("tui_reader.store.migrate")
    handler = _Lines()
    logger.addHandler(handler)
    try:
        with Store(tmp_path / "data", tmp_path / "cache") as store:
            assert store.user_value("kept") == (1, "two")
            assert store.user_value("evil") is None
    finally:
        logger.removeHandler(handler)
    assert not marker.exists()
    assert class_lookups == []
    assert any("not data" in line for line in handler.lines)


def test_every_directory_is_0700_and_every_file_0600(tmp_path: Path) -> None:
    old = _old_store(tmp_path)
    for root in (tmp_path / "new", old):
        with Store(root / "data", root / "cache") as store, store.fetch_lock():
            store_v0.populate(store)
            store.search_index().add("id", "t", "text")
        seen = 0
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames:
                assert stat.S_IMODE(Path(dirpath, name).stat().st_mode) == 0o700, name
            for name in filenames:
                path = Path(dirpath, name)
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
                seen += 1
        assert seen >= 10, "cache.db files, value files, the lock and the search index"


def test_a_converted_file_is_marked_and_not_scanned_again(tmp_path: Path) -> None:
    old = _old_store(tmp_path)
    with Store(old / "data", old / "cache"):
        pass
    for part in PARTS:
        with sqlite3.connect(old / part / "cache.db") as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == DATA_VERSION


def test_only_the_migration_imports_pickle() -> None:
    """No other module of the program can load a pickle from the data dir."""
    root = Path(tui_reader.__file__).parent
    importers = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(
                name.split(".")[0] in ("pickle", "_pickle", "dill", "cloudpickle") for name in names
            ):
                importers.append(path.relative_to(root).as_posix())
    assert importers == ["store/migrate.py"]


_DATA = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text() | st.integers(), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_DATA)
def test_user_values_come_back_equal_with_their_types(value: Any) -> None:
    import json

    from tui_reader.store.codec import decode_value, encode_value

    back = from_data(decode_value(encode_value(to_data(value))))
    assert back == value
    assert json.dumps(to_data(value))  # plain JSON data
    assert repr(back) == repr(value), "tuples stay tuples, int keys stay ints"


def test_the_store_refuses_values_that_are_not_data(store: Store) -> None:
    with pytest.raises(TypeError, match="JSON data"):
        store.set_user_value("when", {1, 2})
