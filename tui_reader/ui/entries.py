"""Acting on entries: opening one (its article read in a worker), read and starred flags, and
moving between unread entries."""

from __future__ import annotations

from textual import on, work

from tui_reader.credits import original_url
from tui_reader.glossary import repair_article
from tui_reader.models import Entry
from tui_reader.pending import settled_article
from tui_reader.ui.base import ReaderBase
from tui_reader.ui.messages import ArticleLoaded, EntryChosen, StoreFailed


class EntriesMixin(ReaderBase):
    """The entries list's keys and the article pane's content; flag changes are saved in order."""

    @on(EntryChosen)
    def entry_chosen(self, message: EntryChosen) -> None:
        self.open_entry(message.entry_id)

    def open_entry(self, entry_id: str, *, focus: bool = True) -> None:
        self.load_article(entry_id)
        if entry_id not in self.read:
            self.set_read(entry_id, True)
        if focus:
            self.set_pane("article")
        self.save_position()

    @work(thread=True, exclusive=True, group="article")
    def load_article(self, entry_id: str) -> None:
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
            repaired = repair_article(article, self.glossary(), language, title)
        url, declared = (entry.url, entry.original) if entry else ("", "")
        original = original_url(article, url, declared)
        self.post_message(ArticleLoaded(entry_id, entry, article, repaired, original))

    @on(ArticleLoaded)
    def article_loaded(self, message: ArticleLoaded) -> None:
        if message.entry is None and message.article is None:
            self.article_view.clear("This entry is no longer in the store.")
            return
        sources = self.source_names(message.entry) if message.entry else []
        self.article_view.show(
            message.entry_id,
            message.entry,
            message.article,
            sources,
            repaired=message.repaired,
            original=message.original,
        )
        self.refresh_bindings()  # the link keys and `O` mean something now

    def source_names(self, entry: Entry) -> list[str]:
        """Every feed that carried the story, by the name the feeds pane gives it."""
        names: list[str] = []
        for url in entry.feeds:
            name = self.feed_name(url)
            if name and name not in names:
                names.append(name)
        return names

    def target_id(self) -> str | None:
        """The entry a key acts on: the open article in the article pane, else the cursor's."""
        if self.pane == "article" and self.article_view.entry_id:
            return self.article_view.entry_id
        return self.entry_list.current_id

    # -- read and starred -------------------------------------------------------------------

    def set_read(self, entry_id: str, read: bool) -> None:
        if read:
            self.read.add(entry_id)
        else:
            self.read.discard(entry_id)
        self.write(self.store.set_read, [entry_id], read)
        self.after_flags_changed()

    def after_flags_changed(self) -> None:
        self.entry_list.refresh()
        self.rebuild_feed_list()
        self.update_title()

    def action_toggle_read(self) -> None:
        entry_id = self.target_id()
        if entry_id is not None:
            self.set_read(entry_id, entry_id not in self.read)

    def action_toggle_star(self) -> None:
        entry_id = self.target_id()
        if entry_id is None:
            return
        starred = entry_id not in self.starred
        if starred:
            self.starred.add(entry_id)
        else:
            self.starred.discard(entry_id)
        self.write(self.store.set_starred, entry_id, starred)
        self.status("Starred." if starred else "Unstarred.")
        self.after_flags_changed()

    def mark_all_read(self) -> None:
        ids = [r[0] for r in self.entry_list.rows if r[0] not in self.read]
        self.read.update(ids)
        if ids:
            self.write(self.store.set_read, ids, True)
        self.status(f"Marked {len(ids)} entries read.")
        self.after_flags_changed()

    # -- unread -----------------------------------------------------------------------------

    def _find_unread(self, step: int) -> int | None:
        rows = self.entry_list.rows
        index = self.entry_list.cursor + step
        while 0 <= index < len(rows):
            if rows[index][0] not in self.read:
                return index
            index += step
        return None

    def _move_to_unread(self, step: int) -> None:
        index = self._find_unread(step)
        if index is None and self._next_feed_with_unread(step):
            index = self._find_unread_from_end(step)
        if index is None:
            self.status("No more unread entries.")
            return
        self.entry_list.move_cursor(index)
        if self.pane == "article":
            entry_id = self.entry_list.current_id
            if entry_id is not None:
                self.open_entry(entry_id)

    def _next_feed_with_unread(self, step: int) -> bool:
        """Like newsboat: past a feed's last unread entry, go on to the next feed with unread
        entries (the feeds pane's order). Only from one feed, not from All or a search."""
        items = self.feed_list.items
        keys = [item.key for item in items]
        if self.search_rows is not None or self.feed_key not in keys:
            return False
        here = keys.index(self.feed_key)
        order = items[here + 1 :] if step > 0 else items[:here][::-1]
        target = next((i for i in order if i.kind == "feed" and i.unread), None)
        if target is None or items[here].kind != "feed":
            return False
        pane = self.pane
        self.go_to_feed(target.key)
        self.set_pane(pane if pane == "article" else "entries")
        self.status(f"Next feed with unread entries: {target.label}")
        return True

    def _find_unread_from_end(self, step: int) -> int | None:
        rows = self.entry_list.rows
        indexes = range(len(rows)) if step > 0 else range(len(rows) - 1, -1, -1)
        return next((i for i in indexes if rows[i][0] not in self.read), None)

    def action_next_unread(self) -> None:
        self._move_to_unread(1)

    def action_previous_unread(self) -> None:
        self._move_to_unread(-1)

    def action_toggle_unread_only(self) -> None:
        self.unread_only = not self.unread_only
        self.show_rows(keep_id=self.entry_list.current_id)
        self.status("Showing unread entries only." if self.unread_only else "Showing all entries.")
