"""A run's indexing: the entries each feed stored made searchable; a broken index fails nothing."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tui_reader.models import Article, Entry
from tui_reader.ports import RunStore
from tui_reader.sanitize import error_line
from tui_reader.search import Document, SearchIndexError

LOG = logging.getLogger("tui_reader.pipeline")


# Documents written to the index in one transaction: a transaction per feed was 200 commits of
# the search index for a fetch of 200 feeds, a seventh of its main process's CPU.
BATCH_DOCS = 1000


@dataclass
class RunIndex:
    """What the run indexed, so an entry met again in another feed is not read again.

    Documents are written `BATCH_DOCS` at a time, the rest by `flush` at the end of the run: the
    index is derived data (`doctor` rebuilds it), and an entry a crash left out is indexed again
    the next time its feed carries it.
    """

    store: RunStore
    # Entries indexed in this run (an entry met again has its text in the index already).
    indexed: set[str] = field(default_factory=set)
    waiting: list[Document] = field(default_factory=list)

    def add(self, entries: Iterable[Entry], articles: Mapping[str, Article]) -> None:
        """Make new and updated entries searchable; a broken index never fails a fetch."""
        for entry in entries:
            article = articles.get(entry.id)
            if (
                article is None
                and (entry.has_article or entry.id not in self.indexed)
                and self.store.has_entry(entry.id)
            ):
                # Stored before (an earlier run, or another feed of this one): its article
                article = self.store.article(entry.id)
            text = article.text if article is not None else entry.summary
            self.waiting.append(
                Document(entry.id, entry.title, text, entry.feeds, entry.published.timestamp())
            )
            self.indexed.add(entry.id)
        if len(self.waiting) >= BATCH_DOCS:
            self.flush()

    def flush(self) -> None:
        """Write the documents waiting, in one transaction."""
        docs, self.waiting = self.waiting, []
        if not docs:
            return
        try:
            self.store.search_index().add_many(docs)
        except (SearchIndexError, sqlite3.Error, OSError) as exc:
            LOG.warning("search index not updated: %s", error_line(exc))
            self.store.close_search_index()  # opened again for the next feed
