"""Opening an entry: its entry and article read in a worker, brand names repaired, the original
it credits found; the screen shows it (`ArticleLoaded`)."""

from __future__ import annotations

from textual import work

from tui_reader.credits import original_url
from tui_reader.glossary import repair_article
from tui_reader.pending import settled_article
from tui_reader.ui.flows.base import Flow
from tui_reader.ui.messages import ArticleLoaded, StoreFailed


class ArticleFlow(Flow):
    """One article read at a time: opening another cancels the one still being read."""

    @work(thread=True, exclusive=True, group="article")
    def load(self, entry_id: str) -> None:
        try:
            entry = self.store.entry(entry_id)
            article = settled_article(self.config, self.store, entry_id)  # in this worker
        except Exception as exc:
            self.post_message(StoreFailed(str(exc)))
            return
        repaired = None
        if article is not None:
            language = entry.language if entry else ""
            title = entry.title if entry else ""
            glossary = self.context.glossary.get()
            repaired = repair_article(article, glossary, language, title)
        url, declared = (entry.url, entry.original) if entry else ("", "")
        original = original_url(article, url, declared)
        self.post_message(ArticleLoaded(entry_id, entry, article, repaired, original))
