"""Which entries have a whole article: stored before this run (read once), or made in it.

What a run asks before fetching or extracting anything: the answer never depends on which feed
of the run arrived first.
"""

from __future__ import annotations

from tui_reader.models import Entry
from tui_reader.ports import RunStore


class Ledger:
    """The run's record of whole articles, by entry id."""

    def __init__(self, store: RunStore) -> None:
        self.store = store
        # By entry id: (a whole article was stored before this run, by the story's own site).
        # Read before this run writes the id, so what another feed of the run wrote never shows.
        self.full: dict[str, tuple[bool, bool]] = {}
        # By entry id: the sources ("page", "feed") of whole articles made in this run.
        self.made: dict[str, set[str]] = {}
        # By entry id: whether the stored entry an identification read came from its own site.
        self.own_seen: dict[str, bool] = {}

    def seen(self, eid: str, stored: Entry | None) -> None:
        """What identifying an item read of its stored entry, kept so nothing reads it again."""
        if stored is None:
            # An article is only ever stored with its entry: none to look up.
            self.full.setdefault(eid, (False, False))
        else:
            self.own_seen.setdefault(eid, stored.own)

    def stored_before(self, eid: str) -> tuple[bool, bool]:
        """(A whole article of `eid` was stored before this run, by the story's own site)."""
        known = self.full.get(eid)
        if known is None:
            article = self.store.article(eid)
            whole = article is not None and article.source != "summary"
            own = self.own_seen.pop(eid, None)
            if whole and own is None:
                own = getattr(self.store.entry(eid), "own", False)
            known = self.full[eid] = (whole, bool(whole and own))
        return known

    def has_full_article(self, eid: str, source: str = "page", own: bool = False) -> bool:
        """Whether the article `eid` needs no fetch or extraction from `source` (again).

        Before this run: any whole article, but for the story's own site only its own (its
        text replaces an aggregator's). In this run: only one from the same source, so that
        which feed arrives first never changes what is fetched, extracted or counted.
        """
        whole, by_own = self.stored_before(eid)
        return (by_own if own else whole) or source in self.made.get(eid, ())

    def has_any_article(self, eid: str) -> bool:
        return self.stored_before(eid)[0] or bool(self.made.get(eid))

    def made_now(self, eid: str, source: str) -> None:
        """A whole article of `eid` from `source` was made in this run."""
        self.made.setdefault(eid, set()).add(source)
