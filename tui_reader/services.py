"""Operations the CLI and the reader share: which feeds are subscribed, opening the store.

The reader calls these (in workers) exactly as the headless commands do; nothing here imports
Textual or trafilatura.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from tui_reader.config import Config, FeedConfig, _Checker, parse_feeds
from tui_reader.models import Entry
from tui_reader.store import Store, open_store


def store_for(config: Config) -> Store:
    return open_store(
        config.storage.data_dir, config.storage.cache_dir, config.storage.page_cache_mb
    )


def feed_to_dict(feed: FeedConfig) -> dict[str, Any]:
    data = asdict(feed)
    data["tags"] = list(feed.tags)
    data["extract"] = dict(feed.extract)
    data["filters"] = [asdict(f) for f in feed.filters]
    return {k: v for k, v in data.items() if v not in (None, "", [], {}) or k == "url"}


def effective_feeds(config: Config, store: Store) -> list[FeedConfig]:
    """The config's [[feeds]], then the store's subscriptions (seeded once from the defaults).

    Once the config lists its own [[feeds]], the default subscriptions seeded on an earlier run
    are left out (not deleted: they come back if the list goes), but not those the user added
    themselves with `feeds add` or an import.
    """
    if not config.feeds and config.default_feeds and not store.is_seeded():
        store.seed_subscriptions([feed_to_dict(f) for f in config.default_feeds])
    feeds = list(config.feeds)
    seen = {f.url for f in feeds}
    if config.feeds:
        seen |= seeded_defaults(store)
    subs = parse_feeds(_Checker(store.root / "user"), store.subscriptions(), "subscriptions")
    feeds.extend(f for f in subs if f.url not in seen)
    return feeds


def seeded_defaults(store: Store) -> set[str]:
    """URLs of the subscriptions that are there only because the store was seeded with them."""
    if not store.is_seeded():
        return set()
    urls = store.seeded_urls()
    if urls is None:  # seeded before the list was kept: the shipped list then
        from tui_reader.config import load_default_feeds

        urls = {f.url for f in load_default_feeds()}
    return urls


def find_feeds(
    feeds: list[FeedConfig], name_or_url: str, titles: Mapping[str, str] | None = None
) -> list[FeedConfig]:
    """Feeds matching a URL exactly, else a title or tag case-insensitively.

    `titles` (URL -> the title the feed gives itself, as `feeds list` shows it) makes those
    names work too, not only titles written in the config.
    """
    exact = [f for f in feeds if f.url == name_or_url]
    if exact:
        return exact
    wanted = name_or_url.casefold()
    titles = titles or {}
    return [
        f
        for f in feeds
        if wanted in (f.title.casefold(), titles.get(f.url, "").casefold())
        or wanted in (t.casefold() for t in f.tags)
    ]


def feed_titles(store: Store, feeds: Iterable[FeedConfig]) -> dict[str, str]:
    """URL -> the title each feed gave itself at its last fetch (for `find_feeds`)."""
    return {url: state.title for url, state in store.feed_states(f.url for f in feeds).items()}


def keep_days(config: Config, feed: FeedConfig) -> int:
    """How long a feed's entries are kept: its own setting, else the store's."""
    return feed.keep_days or config.storage.keep_days


def keep_days_by_feed(config: Config, feeds: list[FeedConfig]) -> dict[str, int]:
    return {f.url: keep_days(config, f) for f in feeds}


PENDING_STATE = "newsboat_pending_state"


def apply_pending_state(store: Store, entries: Iterable[Entry] | None = None) -> int:
    """Apply read/flagged state imported from newsboat to entries fetched since; return how many.

    `entries`: those a fetch just stored (an import passes none: every stored entry is read).
    """
    pending = store.user_value(PENDING_STATE)
    if not pending:
        return 0
    from tui_reader.newsboat import apply_pending, entry_url_index

    candidates = store.iter_entries() if entries is None else entries
    read_ids, starred_ids, remaining = apply_pending(
        {url: tuple(flags) for url, flags in pending.items()}, entry_url_index(candidates)
    )
    store.set_read(read_ids)
    for entry_id in starred_ids:
        store.set_starred(entry_id, True)
    store.set_user_value(PENDING_STATE, remaining)
    return len(read_ids | starred_ids)


class AmbiguousId(LookupError):
    """An id prefix that matches more than one entry."""


def resolve_entry_id(store: Store, text: str) -> str | None:
    """The entry `text` names: its full id, or the one id it is a prefix of; None if none.

    Raises AmbiguousId, listing a few, when several ids start with it.
    """
    text = text.strip()
    if not text:
        return None
    if store.has_entry(text):
        return text
    found = store.entry_ids(text)
    if len(found) > 1:
        shown = ", ".join(found[:4]) + (" …" if len(found) > 4 else "")
        raise AmbiguousId(f"{text!r} starts {len(found)} entry ids ({shown}); type more of it")
    return found[0] if found else None


def unread_count(store: Store, feeds: Iterable[FeedConfig]) -> int:
    """Unread entries of `feeds`, a story in several of them counted once."""
    read = store.read_ids()
    return sum(1 for row in store.all_rows(f.url for f in feeds) if row.id not in read)
