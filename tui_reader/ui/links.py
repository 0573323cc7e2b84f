"""Opening links: the entry's page or an article's numbered link in the browser (http(s) only,
in a worker), else shown and copied with OSC 52; over SSH nothing is launched (see browser.py)."""

from __future__ import annotations

from collections.abc import Callable

from textual import work

from tui_reader.models import Entry
from tui_reader.sanitize import is_safe_url
from tui_reader.ui import browser
from tui_reader.ui.base import ReaderBase
from tui_reader.ui.messages import LinkOpened, StoreFailed
from tui_reader.ui.render import article_links


class LinksMixin(ReaderBase):
    """`o`, `y`, `l` and the digit keys: open or copy the target entry's URL or an article link."""

    def with_entry(self, callback: Callable[[Entry], None]) -> None:
        """Call `callback` with the target entry, read from the store in a worker if needed."""
        entry_id = self.target_id()
        if entry_id is None:
            return
        if self.article_view.entry_id == entry_id and self.article_view.entry is not None:
            callback(self.article_view.entry)
            return
        self._entry_then(entry_id, callback)

    @work(thread=True, group="entry")
    def _entry_then(self, entry_id: str, callback: Callable[[Entry], None]) -> None:
        try:
            entry = self.store.entry(entry_id)
        except Exception as exc:  # a damaged store is shown, not raised into the UI
            self.post_message(StoreFailed(str(exc)))
            return
        if entry is not None:
            self.call_from_thread(callback, entry)

    def action_open_in_browser(self) -> None:
        self.with_entry(lambda entry: self.open_url(entry.url))

    def action_copy_url(self) -> None:
        self.with_entry(lambda entry: self.copy_url(entry.url))

    def copy_url(self, url: str, why: str = "") -> None:
        """Copy with OSC 52 and say so, or say why it did not reach the clipboard."""
        self.copy_to_clipboard(url)
        self._say_copied(url, why)

    @work(thread=True, group="clipboard")
    def _say_copied(self, url: str, why: str) -> None:
        problem = browser.clipboard_problem()  # asks tmux: not on the event loop
        prefix = f"{why}: " if why else ""
        text = f"{prefix}{url} (not copied: {problem})" if problem else f"{prefix}copied {url}"
        self.call_from_thread(self.status, text[:1].upper() + text[1:])

    def article_shown(self) -> bool:
        """Whether an article is on screen, so its link numbers mean something."""
        return self.article_view.entry_id is not None and self.pane == "article"

    def action_open_original(self) -> None:
        """`O`: the article this translation credits as its source."""
        if self.article_view.original:
            self.open_url(self.article_view.original)
        else:
            self.status("This article credits no original.")

    def action_copy_original(self) -> None:
        original = self.article_view.original
        if original:
            self.copy_to_clipboard(original)
            self.status(f"Copied {original}")
        else:
            self.status("This article credits no original.")

    def action_link_prompt(self) -> None:
        if self.article_shown():
            self.open_prompt("link")

    def action_link_digit(self, digit: int) -> None:
        if not self.article_shown():
            return
        article = self.article_view.article
        count = len(article.links) if article else 0
        if digit * 10 > count:  # no second digit can make a valid number: open now
            self.open_link(digit)
        else:
            self.open_prompt("link", str(digit))

    def submit_link(self, value: str) -> None:
        """Enter in the link prompt."""
        value = value.strip()
        if value.isdigit():
            self.open_link(int(value))
        elif value:
            self.status(f"Not a link number: {value}")

    def open_link(self, number: int) -> None:
        article = self.article_view.article
        url = article_links(article).get(number)
        if url is None:
            self.status(f"No link {number} in this article.")
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
                self.push_screen(ImageScreen(url, image.text))
                return
            self.open_url(url)
            self.status(f"{why}; image {number} opened as a link: {url}")
            return
        self.open_url(url)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Only http(s) is opened, in a thread; over SSH or without a browser: show and copy."""
        url = url.strip()
        if not is_safe_url(url):
            self.status(f"Not opening a non-web link: {url[:60]}")
            return
        if browser.browser_available():
            self.status(f"Opening {url}")
            self._launch(url)
        else:
            self.copy_url(url, browser.no_browser_reason())
            self.post_message(LinkOpened(url, launched=False))

    @work(thread=True, group="browser")
    def _launch(self, url: str) -> None:
        launched = browser.launch(url)
        if not launched:
            self.call_from_thread(self.copy_url, url, "the browser could not be started")
        self.post_message(LinkOpened(url, launched=launched))
