"""Subscribing and unsubscribing: one service for the CLI (`feeds add/remove`, `import`) and the
reader ("Add feed…"), so both keep the store's subscriptions the same way.

The store holds the feeds added from the CLI, OPML, newsboat or the reader (the config's
[[feeds]] are the config's). Nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tui_reader.config import FeedConfig
from tui_reader.services import feed_to_dict
from tui_reader.store import Store


def subscribe(store: Store, feed: FeedConfig) -> bool:
    """Add `feed` to the store's subscriptions; False if a subscription has its URL already."""
    subs = store.subscriptions()
    if any(sub.get("url") == feed.url for sub in subs):
        return False
    store.set_subscriptions([*subs, feed_to_dict(feed)])
    return True


def unsubscribe(store: Store, urls: Iterable[str]) -> list[str]:
    """Forget the subscriptions to `urls` and each feed's index and state; return the URLs.

    Entries another feed also carries stay under that feed.
    """
    gone = list(dict.fromkeys(urls))
    store.set_subscriptions([s for s in store.subscriptions() if s["url"] not in set(gone)])
    for url in gone:
        store.drop_feed(url)
    return gone


def add_imported(store: Store, incoming: list[dict[str, Any]]) -> int:
    """Merge feeds read from an import file (OPML, newsboat) into the subscriptions; how many new."""
    from tui_reader.opml import merge_subscriptions

    merged, new = merge_subscriptions(store.subscriptions(), incoming)
    store.set_subscriptions(merged)
    return new
