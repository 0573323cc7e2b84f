"""The Store: feeds, entries, articles, user state and raw pages, and the search index beside them.

Layout under the data dir (`store/`), one diskcache directory each (`caches`):

- `main/`    feed states, entries, articles, per-feed indexes, per-site boilerplate stats;
             never evicted, pruned only by retention.
- `user/`, `read/`, `starred/`  the user's own state (`user`): never evicted or pruned.
- under the cache dir, `pages/`  raw pages and feed content for `reextract`: evictable (LRS).
- `search.sqlite` beside `store/`: the full-text index (`search`), derived data, owned here.

Values are data, never pickles (`disk`, `codec`). Every multi-key write runs in one SQLite
transaction, so another process (an open reader, a second fetch) sees all of it or none of it,
and a SIGKILL at any instant leaves the store as it was before the transaction. A large value is
written to its own file before the row that names it is committed, so a reader never sees half
an article.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tui_reader.models import Article, Entry, EntryRow, FeedState, utcnow
from tui_reader.store.caches import MAIN_SETTINGS, open_cache
from tui_reader.store.errors import storage_errors as _storage_errors
from tui_reader.store.lock import fetch_lock
from tui_reader.store.merge import Merged, merged_entry, replaces_unseen
from tui_reader.store.pages import RawPages, open_page_cache
from tui_reader.store.readonly import Places
from tui_reader.store.upkeep import Row, cache_problems, expired, index_problems, rows_by_feed
from tui_reader.store.user import UserState

if TYPE_CHECKING:
    from tui_reader.search import SearchIndex


# A feed keeps at least this many of its newest entries, however old (FreshRSS keeps 50).
DEFAULT_KEEP_ENTRIES = 50


def _rows_key(feed: str) -> tuple[str, str]:
    return ("index", feed)


class Store(UserState, RawPages):
    """Feeds, entries and articles for the fetcher and the reader, safe across processes; the
    user's own state (`UserState`) in directories of its own."""

    def __init__(
        self, data_dir: Path, cache_dir: Path, *, page_cache_bytes: int = 512 * 2**20
    ) -> None:
        self.data_dir, self.cache_dir = Path(data_dir), Path(cache_dir)
        # Read-only media: a temporary copy, said in `notices` (`readonly`); likewise the pages.
        self._places = Places(self.data_dir, self.cache_dir)
        self.read_only, self.notices = self._places.read_only, self._places.notices
        self._search: SearchIndex | None = None
        self._search_lock = threading.Lock()
        self._main = open_cache(self._places.cache("main"), **MAIN_SETTINGS)
        super().__init__(self._places.store_root())
        self.root = self.data_dir / "store"  # what messages name, even for a read-only copy
        self._pages = open_page_cache(self._places.pages, page_cache_bytes)
        self.page_cache = (self._places.pages, page_cache_bytes)  # for a page worker's writes
        self._later = {}  # pages waiting to be written (`put_raw_later`)

    def close(self) -> None:
        self.flush_raws()
        self.close_search_index()
        for cache in self._caches().values():
            cache.close()
        self._places.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the fetch lock ---------------------------------------------------------------------

    def fetch_lock(self) -> contextlib.AbstractContextManager[None]:
        """A non-blocking lock file beside the store; the kernel frees it if the holder dies."""
        return fetch_lock(self.data_dir)

    # -- the search index -------------------------------------------------------------------

    def search_index(self) -> SearchIndex:
        """The full-text index beside the store, opened on first use and kept until `close`:
        opening and closing it (a WAL checkpoint) for each feed cost a fetch more than the
        feed's own writes. Shared by the threads of one process (it locks itself)."""
        with self._search_lock:
            if self._search is None:
                from tui_reader.search import SearchIndex

                self._search = SearchIndex.for_data_dir(self._places.index_dir)
            return self._search

    def close_search_index(self) -> None:
        """Close the index (after an error too): the next `search_index()` opens it again."""
        with self._search_lock:
            index, self._search = self._search, None
        if index is not None:
            with contextlib.suppress(Exception):
                index.close()

    def rebuild_search_index(self) -> int:
        """A new index in place of the old one, even a damaged file, rebuilt from the entries."""
        from tui_reader.search import SearchIndex

        self.close_search_index()
        with SearchIndex.recreate(SearchIndex.path_for(self._places.index_dir)) as index:
            return index.rebuild(self)

    # -- feeds ------------------------------------------------------------------------------

    def feed_state(self, key: str) -> FeedState | None:
        data = self._main.get(("feed", key))
        return None if data is None else FeedState.from_dict(data)

    def put_feed_state(self, state: FeedState) -> None:
        with _storage_errors(self.root):
            self._main.set(("feed", state.key), state.to_dict())
            self._bump()

    def put_feed_states(self, states: Iterable[FeedState]) -> None:
        """Many feeds' states in one transaction (a run's unchanged feeds: one commit and one
        generation bump, not one each)."""
        states = list(states)
        if not states:
            return
        with _storage_errors(self.root), self._main.transact():
            for state in states:
                self._main.set(("feed", state.key), state.to_dict())
            self._bump()

    def feed_states(self, keys: Iterable[str]) -> dict[str, FeedState]:
        found = {key: self.feed_state(key) for key in keys}
        return {key: state for key, state in found.items() if state is not None}

    # -- entries and articles ---------------------------------------------------------------

    def has_entry(self, entry_id: str) -> bool:
        return ("entry", entry_id) in self._main

    def entry(self, entry_id: str) -> Entry | None:
        data = self._main.get(("entry", entry_id))
        return None if data is None else Entry.from_dict(data)

    def article(self, entry_id: str) -> Article | None:
        data = self._main.get(("article", entry_id))
        return None if data is None else Article.from_dict(data)

    def settle_article(self, entry_id: str, pending: Article, article: Article) -> Article | None:
        """Store `article`, made from the `pending` one, unless another process replaced that
        meanwhile (a fetch's page, a second reader); return the article as now stored."""
        with _storage_errors(self.root), self._main.transact():
            data = self._main.get(("article", entry_id))
            if data is None or data.get("pending") != pending.pending:
                return None if data is None else Article.from_dict(data)
            self._main.set(("article", entry_id), article.to_dict())
        return article

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
                    stored = merged_entry(old, entry)
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

    def _replaces(self, old: Entry, new: Entry, article: Article) -> bool:
        """Whether `article` (of `new`) replaces what is stored for the story `old`."""
        if replaces_unseen(old, new, article):
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

    def row_tuples(self, feed: str) -> list[Row]:
        """`rows` as plain tuples (id, published, title, site, feed, language), the form the
        reader lists: 50,000 of them load in about half the time without an EntryRow each."""
        stored: list[list[Any]] = self._main.get(_rows_key(feed), [])
        padded = [tuple(row) if len(row) == 6 else (*row, "") for row in stored]  # pre-language
        return cast("list[Row]", padded)

    def all_rows(self, feeds: Iterable[str]) -> list[EntryRow]:
        """Every entry of `feeds` once, newest first (a story in several feeds is listed once)."""
        seen: dict[str, EntryRow] = {}
        for feed in feeds:
            for row in self._main.get(_rows_key(feed), []):
                if row[0] not in seen:
                    seen[row[0]] = EntryRow(*row)
        return sorted(seen.values(), key=lambda r: r.published, reverse=True)

    def entry_ids(self, prefix: str = "") -> list[str]:
        """Ids of the stored entries starting with `prefix` (a scan of the keys, no values)."""
        return sorted(
            key[1]
            for key in self._main.iterkeys()
            if isinstance(key, tuple) and key[0] == "entry" and key[1].startswith(prefix)
        )

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

    # -- per-site boilerplate statistics (opaque to the store) ------------------------------

    def site_stats(self, site: str) -> dict[str, Any] | None:
        """A site's statistics as its owner (`extract.repetition`) wrote them, as data."""
        value = self._main.get(("sitestats", site))
        return value if isinstance(value, dict) else None  # bytes: an older form, relearned

    def put_site_stats(self, site: str, stats: dict[str, Any]) -> None:
        with _storage_errors(self.root):
            self._main.set(("sitestats", site), stats)

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
            rows = self._main.get(_rows_key(feed), [])
            if not expired(rows, keep_entries, cutoff, read, starred):
                continue  # read first: a run with nothing to drop takes no write lock
            with _storage_errors(self.root), self._main.transact():
                rows = self._main.get(_rows_key(feed), [])
                drop = expired(rows, keep_entries, cutoff, read, starred)
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

    def _caches(self) -> dict[str, Any]:
        return {"main": self._main, "user": self._user, "read": self._read,
                "starred": self._starred, "pages": self._pages}  # fmt: skip

    def check(self) -> list[str]:
        """Problems found: SQLite integrity, index rows naming missing entries, orphan entries."""
        rows = {feed: self._main.get(_rows_key(feed), []) for feed in self.index_feeds()}
        return cache_problems(self._caches()) + index_problems(
            rows, self.has_entry, (e.id for e in self.iter_entries())
        )

    def rebuild_indexes(self) -> int:
        """Rebuild every per-feed index from the entries themselves; user state is untouched."""
        for cache in self._caches().values():
            cache.check(fix=True)
        entries = list(self.iter_entries())
        rows = rows_by_feed(entries)
        with _storage_errors(self.root), self._main.transact():
            for feed in self.index_feeds():
                if feed not in rows:
                    self._main.delete(_rows_key(feed))
            for feed, feed_rows in rows.items():
                self._main.set(_rows_key(feed), feed_rows)
            self._bump()
        return len(entries)
