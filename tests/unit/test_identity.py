"""Story identity (`pipeline/identity.py`): an item's link made into its entry id and URL once,
as a frozen value, against a real store on tmp_path."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from tui_reader.feeds.links import canonical_url, entry_id, kept_url
from tui_reader.models import Entry
from tui_reader.pipeline.identity import Identities, StoryId
from tui_reader.pipeline.ledger import Ledger
from tui_reader.store import Store

LINK = "https://Blog.example/2024/nota/?utm_source=rss&b=2&a=1"


def test_a_new_item_keeps_the_feeds_spelling_and_an_id_of_its_canonical_url(store: Store) -> None:
    sid = Identities(store, Ledger(store)).identify(LINK)
    assert sid == StoryId(
        entry_id(canonical_url(LINK)), kept_url(LINK), False, LINK, kept_url(LINK)
    )
    assert sid.id == entry_id(canonical_url("https://blog.example/2024/nota/?a=1&b=2"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        sid.id = "other"  # type: ignore[misc]


def test_a_stored_entry_and_an_alias_are_who_the_item_is(store: Store) -> None:
    article_id = entry_id(canonical_url("https://origen.example/articulo"))
    entry = Entry(id=article_id, url="https://origen.example/articulo", title="Nota",
                  feeds=("https://blog.example/feed",), published=datetime(2026, 1, 1, tzinfo=UTC),
                  own=True)  # fmt: skip
    store.add_entries(entry.feeds[0], [entry], {})
    store.put_alias(entry_id(canonical_url(LINK)), article_id)  # its page redirected there
    ledger = Ledger(store)
    sid = Identities(store, ledger).identify(LINK)
    assert (sid.id, sid.url, sid.stored) == (article_id, entry.url, True)
    assert sid.link == LINK
    assert ledger.own_seen == {article_id: True}, "read once: the ledger does not read it again"
