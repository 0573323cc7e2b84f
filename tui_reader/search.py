"""Full-text search over stored articles: an SQLite FTS5 index beside the store.

The index (`<data_dir>/search.sqlite`) is derived data: `rebuild(store)` recreates it from the
store at any time (`tui-reader doctor`), and a file from another schema version is rebuilt empty.
It runs in WAL mode with a busy timeout, so a fetch adding articles and a reader searching
coexist. User input never reaches FTS5 as query syntax: it is split into words, each quoted.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.sanitize import clean_line, clean_text
from tui_reader.store.files import private_dir, private_file

if TYPE_CHECKING:
    from tui_reader.store import Store

INDEX_FILE = "search.sqlite"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 10.0
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
SNIPPET_TOKENS = 24
MIN_PREFIX = 2
# What FTS5's unicode61 tokenizer keeps as a token: letters and digits (no underscore).
_WORD = re.compile(r"[^\W_]+")

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS docs (
    rowid INTEGER PRIMARY KEY,
    entry_id TEXT NOT NULL UNIQUE,
    published REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS doc_feeds (
    rowid INTEGER NOT NULL,
    feed TEXT NOT NULL,
    PRIMARY KEY (feed, rowid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS doc_feeds_rowid ON doc_feeds(rowid);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, tokenize = 'unicode61 remove_diacritics 2'
);
PRAGMA user_version = {SCHEMA_VERSION};
"""


class SearchIndexError(Exception):
    """The index file cannot be used: names it and says how to rebuild it, in one line."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result; `score` is higher for a better match (negated bm25)."""

    entry_id: str
    title: str
    snippet: str
    score: float


@dataclass(frozen=True, slots=True)
class Document:
    """What the index keeps of one entry (for `add_many`)."""

    entry_id: str
    title: str
    text: str
    feed_keys: tuple[str, ...] = ()
    published: float = 0.0


def fold(text: str) -> str:
    """Case and accents removed, as the index's tokenizer does: "Informática" -> "informatica"."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).casefold()


def build_query(user_text: str) -> str:
    """An FTS5 MATCH expression from free text: every word quoted (so `AND`, `*`, `"`, `(`,
    `NEAR` or `title:` are just words), all required, and the last one a prefix unless it is a
    single character (a one-letter prefix matches nearly everything, slowly)."""
    words = _WORD.findall(fold(user_text))
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    if len(words[-1]) >= MIN_PREFIX:
        quoted[-1] += "*"
    return " ".join(quoted)


def _timestamp(published: datetime | float | None) -> float:
    if published is None:
        return 0.0
    if isinstance(published, datetime):
        return published.timestamp()
    return float(published)


class SearchIndex:
    """An FTS5 index of titles and article text, ranked by bm25 with titles weighted higher."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        private_dir(self.path.parent)
        private_file(self.path)  # SQLite gives its WAL and shared-memory files this file's mode
        # One connection, shared by the threads of one process (a reader's workers), under a lock;
        # other processes are kept apart by SQLite's own locking.
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            str(self.path), timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None
        )
        try:
            self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                self._drop()
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise SearchIndexError(
                f"{self.path}: {exc}; run `tui-reader doctor` to rebuild the search index"
            ) from None

    @classmethod
    def recreate(cls, path: Path) -> SearchIndex:
        """A new empty index in place of whatever is at `path`, even a damaged file (doctor)."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return cls(path)

    @staticmethod
    def path_for(data_dir: Path) -> Path:
        return Path(data_dir) / INDEX_FILE

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> SearchIndex:
        return cls(Path(data_dir) / INDEX_FILE)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def __contains__(self, entry_id: object) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM docs WHERE entry_id = ?", (entry_id,))
            return row.fetchone() is not None

    # -- writing ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _upsert(self, db: sqlite3.Connection, doc: Document) -> None:
        row = db.execute("SELECT rowid FROM docs WHERE entry_id = ?", (doc.entry_id,)).fetchone()
        if row is None:
            rowid = db.execute(
                "INSERT INTO docs (entry_id, published) VALUES (?, ?)",
                (doc.entry_id, doc.published),
            ).lastrowid
        else:
            rowid = row[0]
            db.execute("UPDATE docs SET published = ? WHERE rowid = ?", (doc.published, rowid))
            db.execute("DELETE FROM fts WHERE rowid = ?", (rowid,))
            # its feeds are kept: a story another feed also carries is indexed under both
        db.execute(
            "INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)",
            (rowid, clean_line(doc.title), clean_text(doc.text)),
        )
        db.executemany(
            "INSERT OR IGNORE INTO doc_feeds (rowid, feed) VALUES (?, ?)",
            [(rowid, feed) for feed in doc.feed_keys],
        )

    def add(
        self,
        entry_id: str,
        title: str,
        text: str,
        feed_keys: Iterable[str] = (),
        published: datetime | float | None = None,
    ) -> None:
        """Index an entry, replacing its text and adding `feed_keys` to its feeds."""
        self.add_many([Document(entry_id, title, text, tuple(feed_keys), _timestamp(published))])

    def add_many(self, docs: Iterable[Document]) -> int:
        """Index many entries in one transaction (a fetch's new entries); return how many."""
        count = 0
        with self._transaction() as db:
            for doc in docs:
                self._upsert(db, doc)
                count += 1
        return count

    def remove(self, entry_id: str) -> None:
        self.remove_many([entry_id])

    def remove_many(self, entry_ids: Iterable[str]) -> None:
        """Forget entries (after retention pruned them); unknown ids are ignored."""
        with self._transaction() as db:
            for entry_id in entry_ids:
                row = db.execute("SELECT rowid FROM docs WHERE entry_id = ?", (entry_id,))
                found = row.fetchone()
                if found is None:
                    continue
                db.execute("DELETE FROM fts WHERE rowid = ?", (found[0],))
                db.execute("DELETE FROM doc_feeds WHERE rowid = ?", (found[0],))
                db.execute("DELETE FROM docs WHERE rowid = ?", (found[0],))

    def _drop(self) -> None:
        self._db.executescript(
            "DROP TABLE IF EXISTS fts; DROP TABLE IF EXISTS doc_feeds; DROP TABLE IF EXISTS docs;"
            "PRAGMA user_version = 0;"
        )

    def clear(self) -> None:
        with self._lock:
            self._drop()
            self._db.executescript(_SCHEMA)

    def rebuild(self, store: Store) -> int:
        """Recreate the index from the store's entries and articles; return how many entries.

        An entry without an extracted article is indexed with its feed summary.
        """

        def documents() -> Iterator[Document]:
            for entry in store.iter_entries():
                article = store.article(entry.id)
                text = article.text if article is not None else entry.summary
                yield Document(
                    entry.id, entry.title, text, entry.feeds, entry.published.timestamp()
                )

        with self._lock:
            self.clear()
            count = self.add_many(documents())
            self._db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        return count

    def check(self) -> list[str]:
        """Problems found by SQLite and FTS5 integrity checks (for `doctor`)."""
        with self._lock:
            try:
                problems = [
                    f"{self.path}: {row[0]}"
                    for row in self._db.execute("PRAGMA integrity_check")
                    if row[0] != "ok"
                ]
                self._db.execute("INSERT INTO fts (fts, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as exc:
                problems = [f"{self.path}: {exc}; rebuild it with `tui-reader doctor`"]
        return problems

    # -- searching --------------------------------------------------------------------------

    def search(self, query: str, limit: int = 50, feed: str | None = None) -> list[Hit]:
        """The best `limit` entries matching every word of `query` (the last as a prefix).

        Accent- and case-insensitive; any text is accepted, and a query with no words finds
        nothing. `feed` restricts the search to one feed key.
        """
        match = build_query(query)
        if not match or limit <= 0:
            return []
        sql = (
            "SELECT docs.entry_id, fts.title,"
            f" snippet(fts, 1, '', '', '…', {SNIPPET_TOKENS}),"
            f" bm25(fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score"
            " FROM fts JOIN docs ON docs.rowid = fts.rowid"
            " WHERE fts MATCH ?"
        )
        params: list[object] = [match]
        if feed is not None:
            # EXISTS, not `rowid IN (...)`: the IN form makes SQLite run the full-text query
            # once per rowid of the feed (11 s instead of 80 ms on 50,000 articles)
            sql += (
                " AND EXISTS (SELECT 1 FROM doc_feeds"
                " WHERE doc_feeds.feed = ? AND doc_feeds.rowid = fts.rowid)"
            )
            params.append(feed)
        sql += " ORDER BY score, docs.published DESC LIMIT ?"
        params.append(limit)
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        return [
            Hit(entry_id, clean_line(title), clean_line(snippet), -score)
            for entry_id, title, snippet, score in rows
        ]
