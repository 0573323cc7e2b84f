"""Opening links: the entry's page or an article's numbered link in the browser (http(s) only,
in a worker), else shown and copied with OSC 52; over SSH nothing is launched (see browser.py)."""

from __future__ import annotations

from collections.abc import Callable

from textual import work

from tui_reader.models import Article, Entry
from tui_reader.sanitize import is_safe_url
from tui_reader.ui.flows.base import Flow
from tui_reader.ui.messages import LinkOpened, StoreFailed
from tui_reader.ui.render import article_links


class LinksFlow(Flow):
    """`o`, `y`, `O`, `Y`, `l` and the digits, given the entry or article they act on."""

    def open_entry(self, entry_id: str, entry: Entry | None) -> None:
        """The entry's page (`entry`: the open article's, else read from the store)."""
        self._with_entry(entry_id, entry, lambda e: self.open_url(e.url))

    def copy_entry(self, entry_id: str, entry: Entry | None) -> None:
        self._with_entry(entry_id, entry, lambda e: self.copy_url(e.url))

    def _with_entry(
        self, entry_id: str, entry: Entry | None, callback: Callable[[Entry], None]
    ) -> None:
        if entry is not None:
            callback(entry)
        else:
            self._entry_then(entry_id, callback)

    @work(thread=True, group="entry")
    def _entry_then(self, entry_id: str, callback: Callable[[Entry], None]) -> None:
        try:
            entry = self.store.entry(entry_id)
        except Exception as exc:  # a damaged store is shown, not raised into the UI
            self.post_message(StoreFailed(str(exc)))
            return
        if entry is not None:
            self.app.call_from_thread(callback, entry)

    def copy_url(self, url: str, why: str = "") -> None:
        """Copy with OSC 52 and say so, or say why it did not reach the clipboard."""
        self.app.copy_to_clipboard(url)
        self._say_copied(url, why)

    @work(thread=True, group="clipboard")
    def _say_copied(self, url: str, why: str) -> None:
        problem = self.context.browser.clipboard_problem()  # asks tmux: not on the event loop
        prefix = f"{why}: " if why else ""
        text = f"{prefix}{url} (not copied: {problem})" if problem else f"{prefix}copied {url}"
        self.say(text[:1].upper() + text[1:])

    def open_original(self, original: str) -> None:
        """`O`: the article this translation credits as its source."""
        if original:
            self.open_url(original)
        else:
            self.say("This article credits no original.")

    def copy_original(self, original: str) -> None:
        if original:
            self.app.copy_to_clipboard(original)
            self.say(f"Copied {original}")
        else:
            self.say("This article credits no original.")

    def open_link(self, article: Article | None, number: int) -> None:
        """The article's link `number`; an image's, inline if images are on and shown here."""
        url = article_links(article).get(number)
        if url is None:
            self.say(f"No link {number} in this article.")
            return
        blocks = article.blocks if article else ()
        image = next(
            (b for b in blocks if b.kind == "image" and any(r.number == number for r in b.links)),
            None,
        )
        if image is not None and self.config.reader.inline_images:
            from tui_reader.ui.images import ImageScreen, unavailable

            why = unavailable(self.config)
            if not why:
                self.app.push_screen(ImageScreen(url, image.text))
                return
            self.open_url(url)
            self.say(f"{why}; image {number} opened as a link: {url}")
            return
        self.open_url(url)

    def open_url(self, url: str) -> None:
        """Only http(s) is opened, in a thread; over SSH or without a browser: show and copy."""
        url = url.strip()
        if not is_safe_url(url):
            self.say(f"Not opening a non-web link: {url[:60]}")
            return
        if self.context.browser.available():
            self.say(f"Opening {url}")
            self._launch(url)
        else:
            self.copy_url(url, self.context.browser.no_browser_reason())
            self.post_message(LinkOpened(url, launched=False))

    @work(thread=True, group="browser")
    def _launch(self, url: str) -> None:
        launched = self.context.browser.launch(url)
        if not launched:
            self.app.call_from_thread(self.copy_url, url, "the browser could not be started")
        self.post_message(LinkOpened(url, launched=launched))
