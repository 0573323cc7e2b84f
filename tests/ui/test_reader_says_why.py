"""The reader says why: a failed feed's reason, an empty store's next step, a refresh's
failures, where `n` went, and why a copy or a browser did not happen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import WIDE, settle, status

from tui_reader.config import Config
from tui_reader.demo.sample import BROKEN, BYTE, make_config
from tui_reader.models import FeedResult, FetchSummary
from tui_reader.store import Store
from tui_reader.ui.app import make_app
from tui_reader.ui.messages import RefreshFinished


async def test_a_failed_feed_says_why(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.reader.go_to_feed(BROKEN)
        await settle(pilot)
        assert "Roto: last fetch failed: HTTP 500" in status(app)
        assert (
            "HTTP 500" in app.reader.entry_list.empty_message
            and "r" in app.reader.entry_list.empty_message
        )


async def test_an_empty_store_says_to_fetch(tmp_path: Path) -> None:
    config = make_config(tmp_path / "empty")
    with Store(config.storage.data_dir, config.storage.cache_dir) as store:
        app = make_app(config, store)
        async with app.run_test(size=WIDE) as pilot:
            await settle(pilot)
            assert "Nothing fetched yet: press R" in app.reader.entry_list.empty_message


async def test_a_refresh_says_why_a_feed_failed(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        summary = FetchSummary(
            (FeedResult(BYTE, "ok"), FeedResult(BROKEN, "failed", error="host name not found"))
        )
        app.reader.refresher.post_message(RefreshFinished(summary))
        await settle(pilot)
        assert "1 failed" in status(app) and "Roto: host name not found" in status(app)


async def test_n_goes_on_to_the_next_feed_with_unread_entries(config: Config, store: Store) -> None:
    store.set_read(["e0", "e1", "e5"])  # all of El Byte's
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.reader.go_to_feed(BYTE)
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.reader.state.feed_key != BYTE, "past El Byte's last entry, on to the next feed"
        current = app.reader.entry_list.current_id
        assert current is not None and current not in app.reader.state.read
        assert "Next feed with unread entries" in status(app)


async def test_y_inside_tmux_without_set_clipboard_says_it_was_not_copied(
    config: Config, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmux = tmp_path / "bin" / "tmux"
    tmux.parent.mkdir()
    tmux.write_text("#!/bin/sh\necho external\n", encoding="utf-8")
    tmux.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmux.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "not copied" in status(app) and "set-clipboard on" in status(app)


async def test_o_without_a_browser_says_none_was_found(
    config: Config, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX"):
        monkeypatch.delenv(name, raising=False)
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert "No browser found" in status(app) and "copied https://" in status(app)
