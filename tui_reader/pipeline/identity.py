"""Story identity: an item's link made into its entry id and URL once, as a value.

The link is canonicalised here and nowhere else in the run; an id whose page redirected before
maps to the article's id (the store's aliases), and a near-identical title within a few days
makes two items one story.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from tui_reader.feeds.links import canonical_url, entry_id, kept_url, title_key
from tui_reader.feeds.parsed import ParsedItem
from tui_reader.models import Entry
from tui_reader.pipeline.ledger import Ledger
from tui_reader.ports import RunStore

# Two items with near-identical titles published this close together are one story.
STORY_WINDOW = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class StoryId:
    """Who an item is: its entry id (its page's, if that redirected before), its article's URL,
    whether that entry is stored already; and the link it came by, as an entry keeps it."""

    id: str
    url: str
    stored: bool
    link: str
    kept: str  # `kept_url(link)`: what the entry shows when its page is not followed


@dataclass
class Identities:
    """The run's identification of items and URLs, and the titles it claimed for stories."""

    store: RunStore
    ledger: Ledger
    # By title key: (entry id, published) of the story this run gave the title to.
    titles: dict[str, tuple[str, float]] = field(default_factory=dict)

    def resolve(self, eid: str) -> str:
        """An id whose page redirected elsewhere maps to the article's id (kept in the store)."""
        return self.store.alias(eid) or eid

    def of_url(self, url: str, canonical: str = "") -> str:
        """The entry id of a URL met on the way (a redirect, a page's final URL); `canonical`:
        the URL canonicalised already (by the worker that parsed its feed), if it was."""
        return self.resolve(entry_id(canonical or canonical_url(url)))

    def identify(self, link: str, canonical: str = "", kept: str = "") -> StoryId:
        """An item's identity; what it reads of the stored entry is kept in the ledger.
        `canonical`, `kept`: the link's, if the worker that parsed its feed made them."""
        eid = self.of_url(link, canonical)
        kept = kept or kept_url(link)
        stored = self.store.entry(eid)
        self.ledger.seen(eid, stored)
        if stored is None:
            return StoryId(eid, kept, False, link, kept)
        return StoryId(eid, stored.url, True, link, kept)

    def same_story(self, item: ParsedItem, eid: str) -> str | None:
        """An entry already stored (or claimed in this run) under a near-identical title.

        Only within STORY_WINDOW of each other: the same headline a year apart is a new story.
        """
        key = title_key(item.title)
        if not key:
            return None
        published = item.published.timestamp()
        owner = self.titles.get(key) or self.store.title_owner(key)
        if owner is not None and owner[0] != eid:
            if abs(owner[1] - published) <= STORY_WINDOW.total_seconds():
                return owner[0]
            return None
        self.titles.setdefault(key, (eid, published))
        return None

    def claims(self, entries: dict[str, Entry]) -> dict[str, tuple[str, float]]:
        """Titles this run found unowned (`same_story`) and gave to these entries."""
        return {
            key: claim
            for e in entries.values()
            if (key := title_key(e.title))
            and (claim := self.titles.get(key)) is not None
            and claim[0] == e.id
        }
