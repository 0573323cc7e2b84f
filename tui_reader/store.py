"""The store: diskcache directories for feeds, entries, articles, user state and raw pages.

This is the only module that imports diskcache. Layout under the data dir (`store/`):

- `main/`    feed states, entries, articles, per-feed indexes, per-site boilerplate stats;
             never evicted, pruned only by retention.
- `user/`    subscriptions added from the CLI, the reader's last position: never evicted or pruned.
- `read/`, `starred/`  one key per entry id: presence is the flag. Never evicted or pruned, so a
             retention pass or `cache clear` cannot lose what a person read or starred.
- under the cache dir, `pages/`  raw pages and feed content for `reextract`: evictable (LRS).

Every multi-key write runs in one SQLite transaction, so another process (an open reader, a
second fetch) sees all of it or none of it, and a SIGKILL at any instant leaves the store as it
was before the transaction. A large value is written to its own file before the row that names it
is committed, so a reader never sees half an article.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import diskcache

from tui_reader.models import Article, Entry, EntryRow, FeedState, utcnow

SQLITE_TIMEOUT = 60.0
MAIN_SETTINGS: dict[str, Any] = {
    "eviction_policy": "none",
    "size_limit": 2**50,
    "cull_limit": 0,
    "statistics": False,
}


# A feed keeps at least this many of its newest entries, however old (FreshRSS keeps 50).
DEFAULT_KEEP_ENTRIES = 50

# Raw pages up to this size are kept inside the page cache's SQLite file.
PAGE_IN_DB_BYTES = 2**20


class StoreError(Exception):
    """The store cannot be used: names the file and what is wrong, for a one-line message."""


class StoreLocked(Exception):
    """Another fetch holds the lock."""


class DiskFull(StoreError):
    pass


# With less room than this, a write error is the full disk's doing, not a damaged file's.
NEARLY_FULL = 1_000_000


def _disk_full(where: Path) -> bool:
    """Whether the file system holding `where` (or its nearest existing parent) is full."""
    for path in (where, *where.parents):
        try:
            stat = os.statvfs(path)
        except OSError:
            continue
        return stat.f_bavail * stat.f_frsize < NEARLY_FULL
    return False


def _full_message(where: Path) -> str:
    return f"{where}: the disk is full; nothing was written (free some space and run again)"


# The opcodes of a pickle (protocol 5) of two strings in a tuple, as `pickletools.optimize`
# leaves it: no memo, one frame.
_PROTO_5 = b"\x80\x05"
_FRAME = b"\x95"
_SHORT_UNICODE = b"\x8c"
_UNICODE = b"X"
_TUPLE2_STOP = b"\x86."
_MAX_FRAMED = 64 * 1024  # pickle writes larger data outside a frame


def _pair_key_bytes(key: tuple[Any, ...]) -> bytes | None:
    """The bytes the stock Disk stores for a (str, str) key, written directly; None otherwise.

    The stock Disk runs `pickletools.optimize` (pure Python) over `pickle.dumps(key)` for every
    new key: half a millisecond of the fetch's main process for every hundred keys. Only the
    plain case is written here; anything else (other types, equal strings that pickle shares,
    long keys) goes the stock way. A test checks the bytes against the stock Disk's.
    """
    if len(key) != 2:
        return None
    first, second = key
    if type(first) is not str or type(second) is not str or first == second:
        return None
    body = b""
    for text in (first, second):
        data = text.encode("utf-8", "surrogatepass")
        if len(data) < 256:
            body += _SHORT_UNICODE + bytes((len(data),)) + data
        else:
            body += _UNICODE + len(data).to_bytes(4, "little") + data
    body += _TUPLE2_STOP
    if len(body) >= _MAX_FRAMED:
        return None
    return _PROTO_5 + _FRAME + len(body).to_bytes(8, "little") + body


class _KeyMemoDisk(diskcache.Disk):  # type: ignore[misc]
    """diskcache's Disk, serialising (str, str) keys directly and remembering tuple keys.

    A tuple key is pickled and then run through `pickletools.optimize` (pure Python) on every
    get, set and membership test: a tenth of a fetch's main-process CPU. The bytes are the stock
    Disk's, so a store stays readable by it (and `_salvage` opens one with it).
    """

    MEMO_SIZE = 4096

    def __init__(self, directory: str, **kwargs: Any) -> None:
        super().__init__(directory, **kwargs)
        self._memo: dict[Any, tuple[Any, bool]] = {}

    def put(self, key: Any) -> tuple[Any, bool]:
        if type(key) is not tuple:
            return super().put(key)  # type: ignore[no-any-return]
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= self.MEMO_SIZE:
                self._memo.clear()
            raw = _pair_key_bytes(key) if self.pickle_protocol == 5 else None
            found = (sqlite3.Binary(raw), False) if raw is not None else super().put(key)
            self._memo[key] = found
        return found


def _open(directory: Path, **settings: Any) -> diskcache.Cache:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return diskcache.Cache(
            str(directory), timeout=SQLITE_TIMEOUT, disk=_KeyMemoDisk, **settings
        )
    except sqlite3.DatabaseError as exc:
        if "full" in str(exc).lower() or _disk_full(directory):
            raise DiskFull(_full_message(directory)) from None
        raise StoreError(
            f"{directory / 'cache.db'}: {exc}; run `tui-reader doctor` to check and repair it"
        ) from None
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or _disk_full(directory):
            raise DiskFull(_full_message(directory)) from None
        raise StoreError(f"{directory}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _storage_errors(where: Path) -> Iterator[None]:
    """Turn a full disk or a damaged file into a StoreError naming the place."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        if "full" in str(exc).lower() or _disk_full(where):
            raise DiskFull(_full_message(where)) from None
        raise StoreError(f"{where}: {exc}; run `tui-reader doctor`") from None
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or _disk_full(where):
            raise DiskFull(_full_message(where)) from None
        raise


def _rows_key(feed: str) -> tuple[str, str]:
    return ("index", feed)


@dataclass
class Merged:
    """What `merge_entries` stored: how many entries are new, each entry as stored (merged with
    what was there), and the ids whose given article was not kept (the stored one is better)."""

    new: int = 0
    entries: dict[str, Entry] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)


class Store:
    """Feeds, entries and articles for the fetcher and the reader, safe across processes."""

    def __init__(
        self, data_dir: Path, cache_dir: Path, *, page_cache_bytes: int = 512 * 2**20
    ) -> None:
        self.data_dir = Path(data_dir)
        self.cache_dir = Path(cache_dir)
        self.root = self.data_dir / "store"
        self._main = _open(self.root / "main", **MAIN_SETTINGS)
        self._user = _open(self.root / "user", **MAIN_SETTINGS)
        self._read = _open(self.root / "read", **MAIN_SETTINGS)
        self._starred = _open(self.root / "starred", **MAIN_SETTINGS)
        self._pages = _open(
            self.cache_dir / "pages",
            eviction_policy="least-recently-stored",
            size_limit=page_cache_bytes,
            statistics=False,
            # Pages in the database itself, not a file each: creating 2,500 files cost a cold
            # fetch 1.2 s of system time in its busiest process. Bigger values still get files.
            disk_min_file_size=PAGE_IN_DB_BYTES,
        )

    def close(self) -> None:
        for cache in (self._main, self._user, self._read, self._starred, self._pages):
            cache.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the fetch lock ---------------------------------------------------------------------

    @contextlib.contextmanager
    def fetch_lock(self) -> Iterator[None]:
        """A non-blocking lock file beside the store; the kernel frees it if the holder dies."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "fetch.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreLocked(f"another fetch holds {path}") from None
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            yield
        finally:
            os.close(fd)

    # -- feeds ------------------------------------------------------------------------------

    def feed_state(self, key: str) -> FeedState | None:
        data = self._main.get(("feed", key))
        return None if data is None else FeedState.from_dict(data)

    def put_feed_state(self, state: FeedState) -> None:
        with _storage_errors(self.root):
            self._main.set(("feed", state.key), state.to_dict())
            self._bump()

    def feed_states(self, keys: Iterable[str]) -> dict[str, FeedState]:
        states = {}
        for key in keys:
            state = self.feed_state(key)
            if state is not None:
                states[key] = state
        return states

    # -- subscriptions (feeds added from the CLI, OPML or newsboat) -------------------------

    def subscriptions(self) -> list[dict[str, Any]]:
        return list(self._user.get("subscriptions", []))

    def set_subscriptions(self, subs: list[dict[str, Any]]) -> None:
        with _storage_errors(self.root):
            self._user.set("subscriptions", subs)

    def is_seeded(self) -> bool:
        """Whether the default feeds were subscribed once already (a read, no transaction)."""
        return bool(self._user.get("seeded"))

    def seed_subscriptions(self, subs: list[dict[str, Any]]) -> bool:
        """Subscribe a new store to the default feeds, once: never again after a removal."""
        with self._user.transact():
            if self._user.get("seeded"):
                return False
            existing = {s["url"] for s in self._user.get("subscriptions", [])}
            merged = list(self._user.get("subscriptions", [])) + [
                s for s in subs if s["url"] not in existing
            ]
            self._user.set("subscriptions", merged)
            self._user.set("seeded", True)
            self._user.set("seeded_urls", [s["url"] for s in subs if s["url"] not in existing])
        return True

    def seeded_urls(self) -> set[str] | None:
        """The subscriptions that came from the default list and are still only that (None for
        a store seeded before the list was kept)."""
        urls = self._user.get("seeded_urls")
        return None if urls is None else set(urls)

    def adopt_seeded(self, url: str, default_urls: Iterable[str] = ()) -> None:
        """The user subscribed to `url` themselves: it is no longer a default to hide."""
        with _storage_errors(self.root), self._user.transact():
            urls = self._user.get("seeded_urls")
            if urls is None:
                urls = list(default_urls)
            self._user.set("seeded_urls", [u for u in urls if u != url])

    # -- entries and articles ---------------------------------------------------------------

    def has_entry(self, entry_id: str) -> bool:
        return ("entry", entry_id) in self._main

    def entry(self, entry_id: str) -> Entry | None:
        data = self._main.get(("entry", entry_id))
        return None if data is None else Entry.from_dict(data)

    def article(self, entry_id: str) -> Article | None:
        data = self._main.get(("article", entry_id))
        return None if data is None else Article.from_dict(data)

    def has_article(self, entry_id: str) -> bool:
        return ("article", entry_id) in self._main

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Entry, title, stats and feed-state writes as one transaction (one commit)."""
        with _storage_errors(self.root), self._main.transact():
            yield

    def add_entries(self, feed: str, entries: Iterable[Entry], articles: dict[str, Article]) -> int:
        """Store a feed's entries and their articles in one transaction; return how many are new."""
        return self.merge_entries(feed, entries, articles).new

    def merge_entries(
        self, feed: str, entries: Iterable[Entry], articles: dict[str, Article]
    ) -> Merged:
        """Store a feed's entries and their articles in one transaction, merged with stored ones.

        An entry already stored (the same story from another feed) gains `feed` in its feeds and
        the new aggregator links in `via`. The story's own site decides, whichever feed came
        first: an `own` entry's title, date, author and labels replace an aggregator's (its date
        only if not later than the first storing: an undated item dated "now" must not jump),
        and an aggregator's article never replaces one from the own site, nor a summary a whole
        article. The other feeds' index rows follow a changed title or date.
        """
        merged = Merged()
        with _storage_errors(self.root), self._main.transact():
            rows = {row[0]: row for row in self._main.get(_rows_key(feed), [])}
            for entry in entries:
                old_data = self._main.get(("entry", entry.id))
                article = articles.get(entry.id)
                if old_data is not None:
                    old = Entry.from_dict(old_data)
                    stored = self._merged(old, entry)
                    if stored != old:
                        self._main.set(("entry", entry.id), stored.to_dict())
                    if (stored.title, stored.published) != (old.title, old.published):
                        self._update_rows(stored, skip=feed)
                    if article is not None and not self._replaces(old, entry, article):
                        merged.rejected.add(entry.id)
                        article = None
                else:
                    self._main.set(("entry", entry.id), entry.to_dict())
                    stored = entry
                    merged.new += 1
                if article is not None:
                    self._main.set(("article", entry.id), article.to_dict())
                rows[entry.id] = EntryRow.of(stored, feed).as_tuple()
                merged.entries[entry.id] = stored
            self._main.set(_rows_key(feed), sorted(rows.values(), key=lambda r: r[1], reverse=True))
            self._bump()
        return merged

    @staticmethod
    def _merged(old: Entry, new: Entry) -> Entry:
        merged = replace(
            old,
            feeds=tuple(dict.fromkeys(old.feeds + new.feeds)),
            via=tuple(dict.fromkeys(old.via + new.via)),
            has_article=old.has_article or new.has_article,
        )
        if not new.own or old.own:
            return merged
        return replace(
            merged,
            url=new.url,
            title=new.title or old.title,
            published=new.published if new.published <= old.fetched else old.published,
            author=new.author or old.author,
            site=new.site or old.site,
            summary=new.summary or old.summary,
            language=new.language or old.language,
            guid=new.guid or old.guid,
            own=True,
        )

    def _replaces(self, old: Entry, new: Entry, article: Article) -> bool:
        """Whether `article` (of `new`) replaces what is stored for the story `old`."""
        if article.source != "summary" and (new.own or not old.own):
            return True
        data = self._main.get(("article", old.id))
        return data is None or data.get("source") == "summary"

    def _update_rows(self, entry: Entry, skip: str) -> None:
        for other in entry.feeds:
            if other == skip:
                continue
            rows = self._main.get(_rows_key(other), [])
            if any(row[0] == entry.id for row in rows):
                rows = [
                    EntryRow.of(entry, other).as_tuple() if r[0] == entry.id else r for r in rows
                ]
                self._main.set(_rows_key(other), sorted(rows, key=lambda r: r[1], reverse=True))

    def rows(self, feed: str) -> list[EntryRow]:
        """A feed's entries, newest first, without loading a single entry or article."""
        return [EntryRow(*row) for row in self._main.get(_rows_key(feed), [])]

    def all_rows(self, feeds: Iterable[str]) -> list[EntryRow]:
        """Every entry of `feeds` once, newest first (a story in several feeds is listed once)."""
        seen: dict[str, EntryRow] = {}
        for feed in feeds:
            for row in self._main.get(_rows_key(feed), []):
                if row[0] not in seen:
                    seen[row[0]] = EntryRow(*row)
        return sorted(seen.values(), key=lambda r: r.published, reverse=True)

    def iter_entries(self) -> Iterator[Entry]:
        for key in self._main.iterkeys():
            if isinstance(key, tuple) and key[0] == "entry":
                data = self._main.get(key)
                if data is not None:
                    yield Entry.from_dict(data)

    def alias(self, entry_id: str) -> str | None:
        """The id of the article an aggregator's link led to, if it was followed before."""
        value = self._main.get(("alias", entry_id))
        return value if isinstance(value, str) else None

    def put_alias(self, entry_id: str, target_id: str) -> None:
        with _storage_errors(self.root):
            self._main.set(("alias", entry_id), target_id)

    def title_owner(self, key: str) -> tuple[str, float] | None:
        """The entry (id, published) first stored under a folded title, if it still exists."""
        value = self._main.get(("title", key))
        if value is None or not self.has_entry(value[0]):
            return None
        return value[0], float(value[1])

    def claim_titles(self, claims: dict[str, tuple[str, float]]) -> None:
        """Record which entry owns each folded title.

        For titles the caller found unowned (`title_owner`) while holding the fetch lock: an
        owner still stored keeps its claim because nobody else claims it.
        """
        with _storage_errors(self.root), self._main.transact():
            for key, claim in claims.items():
                self._main.set(("title", key), claim)

    # -- raw pages and feed content, for re-extraction --------------------------------------

    def put_raw(self, entry_id: str, html: str, source: str) -> None:
        self.put_raws([(entry_id, html, source)])

    def put_raws(self, raws: Iterable[tuple[str, str, str]]) -> None:
        """(id, html, source) of raw pages or feed content, in one transaction (a commit each
        cost more than the writes); an evictable cache may fail quietly."""
        with (
            contextlib.suppress(OSError, sqlite3.DatabaseError),
            self._pages.transact(),
        ):
            for entry_id, html, source in raws:
                self._pages.set(entry_id, (source, html))

    def raw(self, entry_id: str) -> tuple[str, str] | None:
        """(source, html) as fetched, or None once evicted."""
        value = self._pages.get(entry_id)
        return None if value is None else (value[0], value[1])

    def clear_page_cache(self) -> None:
        self._pages.clear()

    # -- per-site boilerplate statistics (opaque to the store) ------------------------------

    def site_stats(self, site: str) -> Any:
        blob = self._main.get(("sitestats", site))
        if blob is None:
            return None
        try:
            return pickle.loads(blob)
        except Exception:  # stats from an older version are relearned, not fatal
            return None

    def put_site_stats(self, site: str, stats: Any) -> None:
        with _storage_errors(self.root):
            self._main.set(
                ("sitestats", site), pickle.dumps(stats, protocol=pickle.HIGHEST_PROTOCOL)
            )

    # -- user state -------------------------------------------------------------------------

    def read_ids(self) -> set[str]:
        return set(self._read.iterkeys())

    def starred_ids(self) -> set[str]:
        return set(self._starred.iterkeys())

    def is_read(self, entry_id: str) -> bool:
        return entry_id in self._read

    def is_starred(self, entry_id: str) -> bool:
        return entry_id in self._starred

    def set_read(self, entry_ids: Iterable[str], read: bool = True) -> None:
        with _storage_errors(self.root), self._read.transact():
            for entry_id in entry_ids:
                if read:
                    self._read.set(entry_id, 1)
                else:
                    self._read.delete(entry_id)

    def set_starred(self, entry_id: str, starred: bool) -> None:
        with _storage_errors(self.root):
            if starred:
                self._starred.set(entry_id, 1)
            else:
                self._starred.delete(entry_id)

    def user_value(self, key: str, default: Any = None) -> Any:
        """Small user data that must never be evicted (e.g. state waiting for a first fetch)."""
        return self._user.get(("value", key), default)

    def set_user_value(self, key: str, value: Any) -> None:
        with _storage_errors(self.root):
            self._user.set(("value", key), value)

    def ui_position(self) -> dict[str, Any]:
        return dict(self._user.get("position", {}))

    def set_ui_position(self, position: dict[str, Any]) -> None:
        with _storage_errors(self.root):
            self._user.set("position", position)

    # -- change notification ----------------------------------------------------------------

    def generation(self) -> int:
        """A counter every write bumps: a reader polls it to see a cron fetch's new entries."""
        return int(self._main.get("generation", 0))

    def _bump(self) -> None:
        self._main.incr("generation", 1, default=0)

    # -- retention and repair ---------------------------------------------------------------

    def prune(
        self,
        feed_keep_days: dict[str, int],
        now: datetime | None = None,
        *,
        keep_entries: int = DEFAULT_KEEP_ENTRIES,
    ) -> list[str]:
        """Forget what the user no longer needs; return the ids of the entries dropped.

        A feed keeps its newest `keep_entries` entries whatever their age (a quiet blog's last
        posts stay) and every unread or starred one; only read, unstarred entries older than the
        feed's keep_days, past its newest `keep_entries`, go. Read and starred flags are user
        state and stay, so a story still in a feed that comes back after pruning is not shown as
        unread again.
        """
        now = now or utcnow()
        starred = self.starred_ids()
        read = self.read_ids()
        removed: list[str] = []
        for feed, days in feed_keep_days.items():
            cutoff = (now - timedelta(days=days)).timestamp()
            with _storage_errors(self.root), self._main.transact():
                rows = self._main.get(_rows_key(feed), [])
                drop = {
                    r[0]
                    for r in rows[keep_entries:]
                    if r[1] < cutoff and r[0] in read and r[0] not in starred
                }
                if not drop:
                    continue
                self._main.set(_rows_key(feed), [r for r in rows if r[0] not in drop])
                for eid in drop:
                    data = self._main.get(("entry", eid))
                    others = [f for f in (data or {}).get("feeds", []) if f != feed]
                    if data is not None and any(
                        any(r[0] == eid for r in self._main.get(_rows_key(f), [])) for f in others
                    ):
                        self._main.set(("entry", eid), data | {"feeds": others})
                        continue
                    self._main.delete(("entry", eid))
                    self._main.delete(("article", eid))
                    self._pages.delete(eid)
                    removed.append(eid)
                self._bump()
        return sorted(removed)

    def drop_feed(self, feed: str) -> None:
        """Forget a feed's index and state; entries shared with other feeds stay there."""
        with _storage_errors(self.root), self._main.transact():
            self._main.delete(_rows_key(feed))
            self._main.delete(("feed", feed))
            self._bump()

    def index_feeds(self) -> list[str]:
        return [k[1] for k in self._main.iterkeys() if isinstance(k, tuple) and k[0] == "index"]

    def check(self) -> list[str]:
        """Problems found: SQLite integrity, index rows naming missing entries, orphan entries."""
        problems: list[str] = []
        for name, cache in (("main", self._main), ("user", self._user), ("read", self._read),
                            ("starred", self._starred), ("pages", self._pages)):  # fmt: skip
            try:
                errors = cache.check(fix=False)
            except sqlite3.DatabaseError as exc:
                problems.append(f"{cache.directory}/cache.db: {exc}")
                continue
            problems.extend(f"{name}: {w.message}" for w in errors)
        indexed: set[str] = set()
        for feed in self.index_feeds():
            for row in self._main.get(_rows_key(feed), []):
                indexed.add(row[0])
                if not self.has_entry(row[0]):
                    problems.append(f"index of {feed} names missing entry {row[0]}")
        for entry in self.iter_entries():
            if entry.id not in indexed:
                problems.append(f"entry {entry.id} is in no feed index")
        return problems

    def rebuild_indexes(self) -> int:
        """Rebuild every per-feed index from the entries themselves; user state is untouched."""
        for cache in (self._main, self._user, self._read, self._starred, self._pages):
            cache.check(fix=True)
        rows: dict[str, list[tuple[str, float, str, str, str, str]]] = {}
        count = 0
        for entry in self.iter_entries():
            count += 1
            for feed in entry.feeds:
                rows.setdefault(feed, []).append(EntryRow.of(entry, feed).as_tuple())
        with _storage_errors(self.root), self._main.transact():
            for feed in self.index_feeds():
                if feed not in rows:
                    self._main.delete(_rows_key(feed))
            for feed, feed_rows in rows.items():
                self._main.set(_rows_key(feed), sorted(feed_rows, key=lambda r: r[1], reverse=True))
            self._bump()
        return count


def _integrity_problem(db: Path) -> str | None:
    try:
        with contextlib.closing(sqlite3.connect(db, timeout=SQLITE_TIMEOUT)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            conn.execute("SELECT count(*) FROM Cache").fetchone()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if result is None or result[0] != "ok":
        return str(result[0] if result else "integrity check failed")
    return None


def damaged_files(data_dir: Path, cache_dir: Path) -> list[Path]:
    """The store's cache.db files that fail SQLite's integrity check (for an error message)."""
    dirs = [data_dir / "store" / name for name in ("main", "user", "read", "starred")]
    dirs.append(cache_dir / "pages")
    return [
        d / "cache.db"
        for d in dirs
        if (d / "cache.db").exists() and _integrity_problem(d / "cache.db") is not None
    ]


def _readable_rowids(conn: sqlite3.Connection) -> set[int]:
    """Row ids of the attached `old.Cache` that can still be found, around damaged pages.

    A scan stops at the first damaged page, so the table is scanned from both ends, and through
    its key index, whose pages may be intact where the table's are not.
    """
    found: set[int] = set()
    for sql in (
        "SELECT rowid FROM old.Cache ORDER BY rowid",
        "SELECT rowid FROM old.Cache ORDER BY rowid DESC",
        "SELECT rowid FROM old.Cache INDEXED BY Cache_key_raw ORDER BY key, raw",
        "SELECT rowid FROM old.Cache INDEXED BY Cache_key_raw ORDER BY key DESC, raw DESC",
    ):
        try:
            for (rowid,) in conn.execute(sql):
                found.add(rowid)
        except sqlite3.DatabaseError:
            continue
    return found


def _salvage(old_db: Path, directory: Path) -> int:
    """Copy what rows can still be read from a damaged cache.db into a fresh one."""
    diskcache.Cache(str(directory), **MAIN_SETTINGS).close()
    copied = 0
    with contextlib.closing(
        sqlite3.connect(directory / "cache.db", timeout=SQLITE_TIMEOUT)
    ) as conn:
        try:
            conn.execute("ATTACH DATABASE ? AS old", (f"file:{old_db}?mode=ro",))
            columns = [row[1] for row in conn.execute("PRAGMA old.table_info(Cache)")]
        except sqlite3.DatabaseError:
            return 0
        rowids = sorted(_readable_rowids(conn))
        names = ", ".join(c for c in columns if c != "rowid")
        for rowid in rowids:
            try:
                conn.execute(
                    f"INSERT OR IGNORE INTO main.Cache ({names}) SELECT {names} FROM old.Cache WHERE rowid = ?",
                    (rowid,),
                )
                copied += 1
            except sqlite3.DatabaseError:
                continue
        conn.commit()
    return copied


def repair_files(data_dir: Path, cache_dir: Path) -> list[str]:
    """Find damaged store files, set each aside and salvage its readable rows; say what was done.

    Run before opening the Store (`tui-reader doctor`): a damaged `main` loses at worst entries
    that the next fetch brings back, while read and starred flags live in files of their own.
    """
    report: list[str] = []
    dirs = [data_dir / "store" / name for name in ("main", "user", "read", "starred")]
    dirs.append(cache_dir / "pages")
    for directory in dirs:
        db = directory / "cache.db"
        if not db.exists():
            continue
        problem = _integrity_problem(db)
        if problem is None:
            continue
        aside = db.with_name(f"cache.db.damaged-{int(utcnow().timestamp())}")
        db.rename(aside)
        for suffix in ("-wal", "-shm"):
            side = db.with_name(db.name + suffix)
            if side.exists():
                side.rename(aside.with_name(aside.name + suffix))
        copied = _salvage(aside, directory)
        report.append(f"{db}: {problem}; set aside as {aside.name}, {copied} rows salvaged")
    return report


def open_store(data_dir: Path, cache_dir: Path, page_cache_mb: int = 512) -> Store:
    return Store(data_dir, cache_dir, page_cache_bytes=page_cache_mb * 2**20)
