"""Pilot tests: each entry's language, the language filter, and the feeds a story came through."""

from __future__ import annotations

from dataclasses import replace

from helpers import WIDE, choose_in_palette, header, ids, info_text, run_command, settle

from tui_reader.config import Config
from tui_reader.demo.sample import AGGREGATOR, BYTE
from tui_reader.store import Store
from tui_reader.ui.app import make_app
from tui_reader.ui.flows.languages import normalize_language


async def test_each_row_shows_its_language(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.reader.languages.fill()  # otherwise read a moment after start-up
        await settle(pilot)
        rows = {
            row[0]: app.reader.entry_list.render_row(i, 100).plain
            for i, row in enumerate(app.reader.entry_list.rows)
        }
        assert rows["e0"].startswith(" ● es Linux 6.9")
        assert rows["e2"].startswith(" ● pt Ciência")
        assert rows["e3"].startswith("   it Perché")  # read: no unread dot


async def test_L_cycles_all_and_each_language_and_the_header_says_which(
    config: Config, store: Store
) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("L")  # right after start: waits for the languages, then applies
        await settle(pilot)
        assert app.reader.state.language == "es"
        assert ids(app) == ["e0", "e1", "e5"]
        assert "All · es" in header(app)
        await pilot.press("L")
        await settle(pilot)
        assert ids(app) == ["e3", "e4", "e7"] and "All · it" in header(app)
        await pilot.press("L")
        await settle(pilot)
        assert ids(app) == ["e2", "e6"] and "All · pt" in header(app)
        await pilot.press("L")
        await settle(pilot)
        assert app.reader.state.language == "" and len(ids(app)) == 8
        assert "·" not in header(app)


async def test_language_filter_is_kept_with_the_position(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.reader.languages.fill()
        await settle(pilot)
        app.reader.languages.set_language("pt")
        await settle(pilot)
    assert store.ui_position()["language"] == "pt"
    again = make_app(config, store)
    async with again.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert again.reader.state.language == "pt"
        assert ids(again) == ["e2", "e6"]
        assert "All · pt" in header(again)


async def test_palette_filters_by_a_language_it_lists(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.reader.languages.fill()
        await settle(pilot)
        await run_command(pilot, "Filter by language")
        await choose_in_palette(pilot, "it")  # the languages, in a palette of their own
        await settle(pilot)
        assert app.reader.state.language == "it"
        assert ids(app) == ["e3", "e4", "e7"]


def test_language_tags_of_one_language_are_one_filter() -> None:
    assert normalize_language("es-ES") == normalize_language("ES_mx") == "es"
    assert normalize_language("") == ""
    assert normalize_language("\x1b[1mpt-BR") == "pt"
    assert normalize_language("[b]en[/b]") == "benb"  # junk stays junk, but inert


async def test_a_story_from_several_feeds_lists_every_one_in_its_header(
    config: Config, store: Store
) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert ids(app).count("e0") == 1  # one row for the story
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        info = info_text(app).splitlines()
        assert "2 feeds El Byte · Agregador" in info
        assert "via https://agregador.example/go/1" in info
        await pilot.press("escape", "q", "j", "enter", "i")
        await settle(pilot)
        assert "feed El Byte" in info_text(app).splitlines()


async def test_feed_names_in_the_header_are_plain_text(config: Config, store: Store) -> None:
    hostile = "[bold red]Agregador[/] \x1b[31m\u202eevil"
    feeds = tuple(replace(f, title=hostile) if f.url == AGGREGATOR else f for f in config.feeds)
    app = make_app(replace(config, feeds=feeds), store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        text = info_text(app)
        line = text[text.index("2 feeds") :]
        assert "[bold red]Agregador[/]" in line
        assert "\x1b" not in line and "\u202e" not in line
        assert app.reader.article_view.sources[0] == "El Byte"
        assert BYTE in app.reader.article_view.entry.feeds  # type: ignore[union-attr]
