"""The terminal reader (Textual). `run_reader` is what a bare `tui-reader` runs."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui_reader.config import Config


def run_reader(config: Config) -> int:
    """Open the store and run the reader until the user quits; the exit code for the CLI."""
    from tui_reader.services import store_for
    from tui_reader.store import StoreError
    from tui_reader.terminal import degrade_for_dumb_terminal, terminal_problem

    problem = terminal_problem(sys.stdin, sys.stdout)
    if problem:
        print(f"tui-reader: {problem}", file=sys.stderr)
        return 2
    degrade_for_dumb_terminal()  # before Textual is imported
    if config.reader.inline_images:
        from tui_reader.ui.images import probe

        probe(config)  # asks the terminal, so before Textual owns it
    from tui_reader.ui.app import make_app

    try:
        store = store_for(config)
    except StoreError as exc:
        print(f"tui-reader: {exc}", file=sys.stderr)
        return 2
    try:
        app = make_app(config, store)
        app.run()
        return app.return_code or 0
    finally:
        store.close()
