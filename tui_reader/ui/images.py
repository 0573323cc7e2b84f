"""Images shown in the terminal, when the user turns it on (`[reader] inline_images = true`) and
the terminal can show them (kitty graphics or sixel, through the textual-image package).

Never by default and never over SSH (the probe writes escape sequences and waits for the
terminal's answer). Everywhere else an image stays a numbered placeholder whose number opens
its URL like any link. The terminal is probed once, before Textual starts (`probe`)."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_reader.config import Config
from tui_reader.sanitize import clean_line, is_safe_url
from tui_reader.ui.browser import over_ssh

MAX_IMAGE_BYTES = 10_000_000
_probed: str | None = None  # None: not probed; "": images can be shown; else why not


def _terminal_support() -> str:
    """Ask the terminal (via textual-image) whether it shows kitty graphics or sixel."""
    try:
        from textual_image import renderable
        from textual_image.widget import Image  # noqa: F401  (caches the cell size: before Textual)
    except ImportError:
        return "textual-image is not installed (pip install 'tui-reader[images]')"
    if renderable.Image in (renderable.SixelImage, renderable.TGPImage):
        return ""
    return "this terminal shows no images (no kitty graphics or sixel)"


def probe(config: Config, environ: Mapping[str, str] | None = None) -> str:
    """Before the app starts: "" if images can be shown, else why not."""
    global _probed
    _probed = _not_here(config, environ) or _terminal_support()
    return _probed


def _not_here(config: Config, environ: Mapping[str, str] | None) -> str:
    if not config.reader.inline_images:
        return "images are off ([reader] inline_images = false)"
    if over_ssh(os.environ if environ is None else environ):
        return "over SSH images are not shown"
    return ""


def unavailable(config: Config, environ: Mapping[str, str] | None = None) -> str:
    """Why images are not shown here ("" if they may be): the setting, SSH, the probe."""
    if _probed is None:
        return _not_here(config, environ) or "the terminal was not asked (reader not started)"
    return _not_here(config, environ) or _probed


class ImageScreen(ModalScreen[None]):
    """One image, fetched in a worker (http(s) only, size-capped), drawn by textual-image."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="close_image")
    ]
    DEFAULT_CSS = """
    ImageScreen { align: center middle; }
    ImageScreen > Vertical { width: 90%; height: 90%; border: round $primary; }
    """

    def __init__(self, url: str, label: str) -> None:
        super().__init__()
        self.url = url
        self.label = clean_line(label)

    def compose(self) -> ComposeResult:
        box = Vertical()
        box.border_title = self.label or "image"
        with box:
            yield Static("Loading the image…", id="image-status")

    def on_mount(self) -> None:
        self.fetch()

    @work(thread=True, exclusive=True)
    def fetch(self) -> None:
        try:
            if not is_safe_url(self.url):
                raise ValueError("not a web address")
            with httpx.stream("GET", self.url, timeout=20, follow_redirects=True) as response:
                response.raise_for_status()
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > MAX_IMAGE_BYTES:
                        raise ValueError("larger than 10 MB")
            from PIL import Image as PILImage

            picture: Any = PILImage.open(io.BytesIO(bytes(data)))
            picture.load()
        except Exception as exc:  # a bad image is a line on screen, not a traceback
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, picture)

    def _failed(self, error: str) -> None:
        self.query_one("#image-status", Static).update(clean_line(f"Could not show it: {error}"))

    def _show(self, picture: Any) -> None:
        from textual_image.widget import Image

        self.query_one("#image-status").remove()
        self.query_one(Vertical).mount(Image(picture))

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
