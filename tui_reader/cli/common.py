"""What every command uses: the one-line error, the store opened and closed, feeds by name."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tui_reader.cli.parser import UserError
from tui_reader.config import Config, FeedConfig
from tui_reader.sanitize import clean_line
from tui_reader.store import Store


def err(message: str) -> None:
    """One line on stderr, control and escape sequences taken out."""
    print(f"tui-reader: {clean_line(message)}", file=sys.stderr)


@contextmanager
def open_store(config: Config, *, writing: bool = False) -> Iterator[Store]:
    """The store; a read-only one (or cache dir) said so in a line, unless writing will refuse."""
    from tui_reader.services import store_for

    store = store_for(config)
    try:
        if not (writing and store.read_only):
            for notice in store.notices:
                err(notice)
        yield store
    finally:
        store.close()


def say(args: Any, message: str) -> None:
    """An informational line on stdout ("subscribed: …"), unless -q."""
    if not getattr(args, "quiet", False):
        print(message)


def select_feeds(
    feeds: list[FeedConfig], names: list[str] | None, store: Store | None = None
) -> list[FeedConfig]:
    """The feeds `names` name (URL, title or tag; with `store`, also the title a feed gives
    itself, as `feeds list` shows it), all of them if none; UserError if one is unknown."""
    from tui_reader.services import feed_titles, find_feeds

    if not names:
        return feeds
    titles = feed_titles(store, feeds) if store is not None else {}
    chosen: dict[str, FeedConfig] = {}
    for name in names:
        found = find_feeds(feeds, name, titles)
        if not found:
            raise UserError(f"no subscribed feed matches {name!r} (see `tui-reader feeds list`)")
        chosen.update((f.url, f) for f in found)
    return list(chosen.values())


def origin(config: Config, feed: FeedConfig) -> str:
    return "config" if feed in config.feeds else "subscription"


def feed_title(feed: FeedConfig, state: Any) -> str:
    return clean_line(feed.title or (state.title if state is not None else "") or feed.url)
