"""The reader app: the theme (app.tcss), the user's keymap, and the reader screen it opens
(ui/screens/reader.py), which holds the state, the panes and the flows.

The app is given its store, and may be given the fetch/sync service (`Updater`) and the browser
it hands links to; by default the real ones, so a test passes its own and patches nothing."""

from __future__ import annotations

from textual.app import App

from tui_reader.config import Config
from tui_reader.store import Store
from tui_reader.ui.browser import Browser, SystemBrowser
from tui_reader.ui.screens.reader import ReaderScreen
from tui_reader.ui.updates import PipelineUpdater, Updater


class ReaderApp(App[int]):
    """Opens one `ReaderScreen` over the store; dialogs are pushed over it."""

    CSS_PATH = "app.tcss"
    TITLE = "tui-reader"

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        updater: Updater | None = None,
        browser: Browser | None = None,
    ) -> None:
        super().__init__()
        self.animation_level = "none"
        self.reader = ReaderScreen(
            config,
            store,
            updater if updater is not None else PipelineUpdater(config, store),
            browser if browser is not None else SystemBrowser(),
        )
        if config.reader.keys:
            self.set_keymap(dict(config.reader.keys))

    def get_default_screen(self) -> ReaderScreen:
        return self.reader


def make_app(
    config: Config,
    store: Store,
    *,
    updater: Updater | None = None,
    browser: Browser | None = None,
) -> ReaderApp:
    """The one factory the CLI and the tests use."""
    return ReaderApp(config, store, updater=updater, browser=browser)
