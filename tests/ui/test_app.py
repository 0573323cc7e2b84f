"""Pilot tests: every key path of the reader on a sample store."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from helpers import (
    NARROW,
    WIDE,
    RecordingBrowser,
    RecordingUpdater,
    info_text,
    run_command,
    search_for,
    settle,
    status,
    titles,
    until,
)

from tui_reader.config import Config, FeedConfig, ReaderConfig
from tui_reader.demo.sample import BASE, BIT_NOTIZIE_KEY, add_many
from tui_reader.models import Entry
from tui_reader.store import Store
from tui_reader.ui.app import make_app
from tui_reader.ui.widgets.feed_list import STARRED


async def test_start_lists_each_story_once_newest_first(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        ids = [row[0] for row in app.reader.entry_list.rows]
        assert ids == [f"e{i}" for i in range(8)]  # e0 came through two feeds: one row
        assert app.reader.entry_list.cursor == 0


async def test_vim_and_arrow_keys_move_the_cursor(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "down")
        assert app.reader.entry_list.cursor == 3
        await pilot.press("k", "up")
        assert app.reader.entry_list.cursor == 1
        await pilot.press("G")
        assert app.reader.entry_list.cursor == 7
        await pilot.press("g")
        assert app.reader.entry_list.cursor == 0
        await pilot.press("end", "home", "pagedown")
        assert app.reader.entry_list.cursor == 7


async def test_enter_opens_the_article_and_marks_it_read(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.reader.state.pane == "article"
        assert app.reader.article_view.entry_id == "e0"
        lines = app.reader.article_view.plain_lines
        assert lines[0].startswith("Linux 6.9")
        assert any("anuncio oficial[1]" in line for line in lines)
        assert any(line.startswith("▌ — María López") for line in lines)
        assert any(line.startswith("• Arranque") for line in lines)
        assert "Links" in lines
        assert not any("agregador.example" in line for line in lines[:4])  # in the info view
        await pilot.press("i")
        await settle(pilot)
        info = info_text(app)
        assert "via https://agregador.example/go/1" in info
        assert "text full text from the page" in info
        await pilot.press("i")
        assert app.reader.state.pane == "article" and len(app.screen_stack) == 1
    assert store.is_read("e0")


async def test_feed_text_is_shown_literally_never_as_markup(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        text = " ".join(" ".join(app.reader.article_view.plain_lines).split())
        assert "[bold]sin pérdidas[/bold]" in text
        assert "Qué cambia [bold]de verdad[/bold]" in text


async def test_entry_without_article_shows_its_summary(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        text = " ".join(" ".join(app.reader.article_view.plain_lines).split())
        assert "Resumen de la noticia 2. [red]no es markup[/red]" in text
        await pilot.press("i")
        await settle(pilot)
        assert "text summary from the feed" in info_text(app)


async def test_article_wraps_to_the_measure(store: Store, config: Config) -> None:
    config = replace(config, reader=ReaderConfig(measure=40))
    app = make_app(config, store)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert max(len(line) for line in app.reader.article_view.plain_lines) <= 40


async def test_digit_opens_that_link(
    config: Config, store: Store, opened: RecordingBrowser
) -> None:
    app = make_app(config, store, browser=opened)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
    assert opened.urls == ["https://docs.example/kernel"]


async def test_l_then_number_and_enter_opens_a_link(
    config: Config, store: Store, opened: RecordingBrowser
) -> None:
    app = make_app(config, store, browser=opened)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("l", "1", "enter")
        await settle(pilot)
    assert opened.urls == ["https://elbyte.example/anuncio"]


async def test_a_javascript_link_is_never_opened(
    config: Config, store: Store, opened: RecordingBrowser
) -> None:
    app = make_app(config, store, browser=opened)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert opened.urls == []
        assert "Not opening" in str(app.reader.query_one("#status").render())


async def test_o_opens_the_article_in_the_browser(
    config: Config, store: Store, opened: RecordingBrowser
) -> None:
    app = make_app(config, store, browser=opened)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "o")
        await settle(pilot)
    assert opened.urls == ["https://elbyte.example/articulo-1"]


async def test_over_ssh_links_are_shown_and_copied_not_launched(
    config: Config, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = RecordingBrowser(available=None)  # the real check: over SSH, no browser
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    monkeypatch.setenv("BROWSER", "firefox")
    app = make_app(config, store, browser=browser)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert app.clipboard == "https://elbyte.example/anuncio"
        assert "https://elbyte.example/anuncio" in str(app.reader.query_one("#status").render())
    assert browser.urls == []


async def test_a_store_failure_reading_the_entry_for_o_is_shown_not_raised(
    config: Config, store: Store, opened: RecordingBrowser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_reader.store import StoreError

    def broken(entry_id: str) -> Entry | None:
        raise StoreError("store.db: database disk image is malformed")

    app = make_app(config, store, browser=opened)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(store, "entry", broken)
        await pilot.press("o")  # no article is open: the entry is read from the store
        await settle(pilot)
        assert app.is_running
        assert "malformed" in status(app)
    assert opened.urls == []


async def test_y_copies_the_article_url(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == "https://elbyte.example/articulo-0"


async def test_m_toggles_read_and_s_stars_and_both_persist(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("m", "s")
        await settle(pilot)
        assert "e0" in app.reader.state.read and "e0" in app.reader.state.starred
        await pilot.press("j", "j", "j", "m")  # e3 was read: now unread
        await settle(pilot)
    assert store.is_read("e0") and store.is_starred("e0")
    assert not store.is_read("e3")


async def test_starred_pseudo_feed_lists_starred_entries(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "s")
        app.reader.go_to_feed(STARRED)
        await settle(pilot)
        assert [row[0] for row in app.reader.entry_list.rows] == ["e1"]


async def test_n_and_p_jump_between_unread_entries(config: Config, store: Store) -> None:
    store.set_read(["e1", "e2"])
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")  # e1, e2, e3 are read
        assert app.reader.entry_list.current_id == "e4"
        await pilot.press("p")
        assert app.reader.entry_list.current_id == "e0"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")  # in the article pane, n opens the next unread
        await settle(pilot)
        assert app.reader.article_view.entry_id == "e4"


async def test_u_shows_unread_only(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert "e3" not in [row[0] for row in app.reader.entry_list.rows]
        await pilot.press("u")
        await settle(pilot)
        assert len(app.reader.entry_list.rows) == 8


async def test_search_matches_unindexed_titles_accent_and_case_insensitively(
    config: Config, store: Store
) -> None:
    app = make_app(config, store)  # the sample store has no search index: titles still match
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await search_for(pilot, "CIENCIA")
        assert titles(app) == ["Ciência: satélite português chega à órbita"]
        assert app.reader.state.pane == "entries"
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.reader.entry_list.rows) == 8


async def test_tab_cycles_panes_and_q_goes_back_then_quits(config: Config, store: Store) -> None:
    app = make_app(config, store)

    def pane() -> str:  # read afresh each time (mypy would narrow the attribute)
        return app.reader.state.pane

    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert pane() == "entries"
        await pilot.press("tab")
        assert pane() == "feeds"  # no article open: nothing to tab to
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert pane() == "article"
        await pilot.press("tab")
        assert pane() == "feeds"
        await pilot.press("tab", "tab")
        assert pane() == "article"
        await pilot.press("q")
        assert pane() == "entries"
        await pilot.press("escape")
        assert pane() == "feeds"
        await pilot.press("escape")
        assert app.is_running
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_narrow_terminal_shows_one_pane_at_a_time(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)

        def visible() -> list[str]:
            return [
                w.id or ""
                for w in (app.reader.feed_list, app.reader.entry_list, app.reader.article_view)
                if w.display
            ]

        assert visible() == ["entries"]
        await pilot.press("enter")
        await settle(pilot)
        assert visible() == ["article"]
        await pilot.press("q", "q")
        assert visible() == ["feeds"]
        await pilot.press("j", "j", "j", "enter")  # the "es" tag
        await settle(pilot)
        assert visible() == ["entries"]
        assert {row[4] for row in app.reader.entry_list.rows} <= {
            f.url for f in config.feeds if "es" in f.tags
        }


async def test_feeds_pane_counts_unread_and_marks_failed_feeds(
    config: Config, store: Store
) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        items = {item.label: item for item in app.reader.feed_list.items}
        assert items["All"].unread == 7
        assert items["Bit Notizie"].unread == 2
        assert items["Roto"].failed and not items["El Byte"].failed
        labels = [item.label for item in app.reader.feed_list.items]
        assert labels[:3] == ["All", "Starred", "es"]


async def test_choosing_a_feed_lists_its_entries(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.reader.go_to_feed(BIT_NOTIZIE_KEY)
        await settle(pilot)
        assert [row[0] for row in app.reader.entry_list.rows] == ["e3", "e4", "e7"]


async def test_keymap_from_config_remaps_bindings(config: Config, store: Store) -> None:
    config = replace(config, reader=ReaderConfig(keys={"cursor_down": "x", "toggle_star": "f"}))
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("x", "x", "j")
        assert app.reader.entry_list.cursor == 2
        await pilot.press("f")
        assert "e2" in app.reader.state.starred
        await pilot.press("question_mark")
        await pilot.pause()
        from tui_reader.ui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        assert ("everywhere", "f", "Star  (toggle_star)") in app.screen.rows
        assert ("lists", "x", "Move  (cursor_down)") in app.screen.rows
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_screen_lists_bindings_with_their_ids(config: Config, store: Store) -> None:
    from tui_reader.ui.screens.help import binding_rows

    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        rows = binding_rows(
            [("everywhere", app.reader), ("lists", app.reader.entry_list)], {"next_unread": "N"}
        )
        by_id = {desc.rsplit("(", 1)[1].rstrip(")"): keys for _, keys, desc in rows}
        assert by_id["next_unread"] == "N"
        assert set(by_id["cursor_down"].split()) == {"j", "↓"}
        for binding_id in ("open", "page_down", "open_in_browser", "copy_url", "open_link",
                           "toggle_read", "toggle_star", "search", "unread_only", "refresh",
                           "refresh_all", "next_pane", "back", "top", "bottom"):  # fmt: skip
            assert binding_id in by_id


async def test_command_palette_jumps_to_a_feed(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await run_command(pilot, "Go to Bit Notizie")
        await settle(pilot)
        assert app.reader.state.feed_key == BIT_NOTIZIE_KEY


async def test_mark_all_read_command(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.reader.action_mark_all_read()
        await settle(pilot)
    assert all(store.is_read(f"e{i}") for i in range(8))


async def test_position_is_restored_on_the_next_start(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.reader.go_to_feed(BIT_NOTIZIE_KEY)
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
    again = make_app(config, store)
    async with again.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert again.reader.state.feed_key == BIT_NOTIZIE_KEY
        assert again.reader.entry_list.current_id == "e4"


def _new_entry(n: int) -> Entry:
    return Entry(
        id=f"new{n}",
        url=f"https://elbyte.example/nuevo-{n}",
        title=f"Noticia nueva {n}",
        feeds=("https://elbyte.example/feed.xml",),
        published=BASE + timedelta(hours=n + 1),
        site="El Byte",
    )


async def test_entries_from_a_cron_fetch_appear_and_the_cursor_stays(
    config: Config, store: Store
) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        assert app.reader.entry_list.current_id == "e2"
        cron = Store(config.storage.data_dir, config.storage.cache_dir)  # another process's view
        cron.add_entries("https://elbyte.example/feed.xml", [_new_entry(1)], {})
        cron.close()
        await until(pilot, lambda: len(app.reader.entry_list.rows) == 9)  # the poll found it
        assert app.reader.entry_list.rows[0][0] == "new1"
        assert app.reader.entry_list.current_id == "e2"


async def test_polling_reads_the_store_generation_off_the_event_loop(
    config: Config, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    threads: list[threading.Thread] = []
    generation = store.generation

    def recording_generation() -> int:
        threads.append(threading.current_thread())
        return generation()

    monkeypatch.setattr(store, "generation", recording_generation)
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: len(threads) > 2)  # the start-up load, then polls
    assert len(threads) > 2
    assert threading.main_thread() not in threads


async def test_refresh_runs_the_pipeline_in_a_worker(config: Config, store: Store) -> None:
    from tui_reader.models import FeedResult, FetchSummary

    def fetched(feeds: list[FeedConfig]) -> FetchSummary:
        store.add_entries("https://elbyte.example/feed.xml", [_new_entry(2)], {})
        result = FeedResult(feed="https://elbyte.example/feed.xml", outcome="ok", new_entries=1)
        return FetchSummary((result,))

    updater = RecordingUpdater(fetched)
    calls = updater.calls
    app = make_app(config, store, updater=updater)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("tab")  # from the article to the feeds pane
        await pilot.press("j", "j", "j")  # El Byte
        await pilot.press("r")
        await settle(pilot)
        assert calls == [["https://elbyte.example/feed.xml"]]
        assert "1 new entries" in str(app.reader.query_one("#status").render())
        assert app.reader.entry_list.rows[0][0] == "new2"
        assert app.reader.article_view.entry_id == "e1"  # the open article did not move
        await pilot.press("R")
        await settle(pilot)
        assert len(calls[1]) == len(config.feeds)


async def test_fifty_thousand_entries_render_only_visible_lines(
    config: Config, store: Store
) -> None:
    add_many(store, "https://elbyte.example/feed.xml", 50_000)
    app = make_app(config, store)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert len(app.reader.entry_list.rows) == 50_008
        app.reader.entry_list.lines_rendered = 0
        await pilot.press("j")
        await pilot.pause()
        assert app.reader.entry_list.lines_rendered <= 24
        await pilot.press("G")
        await pilot.pause()
        assert app.reader.entry_list.cursor == 50_007
        await search_for(pilot, "número 4999")
        assert len(app.reader.entry_list.rows) == 11  # 4999, 49990-49999


async def test_no_color_is_honoured(
    config: Config, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(config, store)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert app.no_color
        assert app.animation_level == "none"


async def test_refresh_while_another_fetch_holds_the_lock_says_so(
    config: Config, store: Store
) -> None:
    updater = RecordingUpdater()
    calls = updater.calls
    app = make_app(config, store, updater=updater)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        with store.fetch_lock():  # a cron fetch is running
            await pilot.press("R")
            await settle(pilot)
        assert calls == [], "the reader does not fetch while another fetch runs"
        assert "another fetch is running" in str(app.reader.query_one("#status").render())


async def test_the_headless_key_table_matches_the_live_bindings(
    config: Config, store: Store
) -> None:
    from textual.binding import Binding

    from tui_reader.keys import SCOPES
    from tui_reader.ui.screens.add_feed import AddFeedScreen, PickFeedScreen
    from tui_reader.ui.screens.help import HelpScreen
    from tui_reader.ui.screens.info import InfoScreen

    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        scopes = (
            (app.reader, app.reader.feed_list, app.reader.entry_list, app.reader.article_view),
            (HelpScreen,),
            (InfoScreen,),
            (AddFeedScreen, PickFeedScreen),
        )
        live: list[dict[str, str]] = []
        for owners in scopes:
            table: dict[str, str] = {}
            for owner in owners:
                for binding in owner.BINDINGS:
                    assert isinstance(binding, Binding)
                    if binding.id:  # only bindings with an id can be remapped
                        table[binding.id] = binding.key
            live.append(table)
        assert live == list(SCOPES)
