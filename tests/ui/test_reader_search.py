"""Pilot tests: `/` searches every stored article (FTS5 index), results as a pseudo-feed."""

from __future__ import annotations

import pytest
from helpers import WIDE, header, index_sample, search_for, settle, status, titles, until

from tui_reader.config import Config
from tui_reader.demo.sample import BYTE, CIENCIA
from tui_reader.search import SearchIndex
from tui_reader.store import Store
from tui_reader.ui.app import make_app

PORTATEIS = "Os melhores portáteis de 2024 para programar"
TECLADO = "Guía: cómo elegir un teclado mecánico ⌨️"


async def test_search_finds_an_accented_word_of_the_article_text(
    config: Config, store: Store
) -> None:
    index_sample(config, {"e6": "Un repaso a la informática portátil: teclados y pantallas."})
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await search_for(pilot, "informatica")
        assert titles(app) == [PORTATEIS]  # the word is only in its text, with an accent
        assert "Search: informatica" in header(app)
        assert "1 results" in header(app)
        assert app.reader.state.pane == "entries"
        await pilot.press("enter")  # the same keys as in a feed: enter opens the article
        await settle(pilot)
        assert app.reader.article_view.entry_id == "e6"
        await pilot.press("q")  # back to the results, not out of them
        assert app.reader.state.pane == "entries" and titles(app) == [PORTATEIS]
        await pilot.press("escape")  # leaves the results
        await settle(pilot)
        assert len(app.reader.entry_list.rows) == 8
        assert "Search" not in header(app)


async def test_results_are_ranked_title_matches_first(config: Config, store: Store) -> None:
    index_sample(config, {"e0": "Con un teclado cualquiera basta para compilar el núcleo."})
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await search_for(pilot, "TECLADO")
        # e0 is newer, but e5 has the word in its title
        assert [row[0] for row in app.reader.entry_list.rows] == ["e5", "e0"]


async def test_results_follow_the_typing_and_escape_in_the_prompt_restores_the_feed(
    config: Config, store: Store
) -> None:
    index_sample(config, {})
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await pilot.press("slash", *"teclado")
        await until(pilot, lambda: titles(app) == [TECLADO])  # once the typing pauses
        assert titles(app) == [TECLADO]
        assert app.reader.state.prompt_mode == "search"
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.reader.entry_list.rows) == 8
        assert app.reader.entry_list.current_id == "e2"  # where the cursor was before the search


async def test_keys_act_on_results_and_a_feed_choice_leaves_them(
    config: Config, store: Store
) -> None:
    index_sample(config, {})
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await search_for(pilot, "elegir")
        assert titles(app) == [TECLADO]
        await pilot.press("m", "s")
        await settle(pilot)
        assert "e5" in app.reader.state.read and "e5" in app.reader.state.starred
        app.reader.go_to_feed(CIENCIA)
        await settle(pilot)
        assert app.reader.state.search.rows is None
        assert {row[4] for row in app.reader.entry_list.rows} == {CIENCIA}
    assert store.is_read("e5") and store.is_starred("e5")


async def test_search_finds_stored_articles_of_feeds_no_longer_listed(
    config: Config, store: Store
) -> None:
    from dataclasses import replace

    index_sample(config, {})
    config = replace(config, feeds=tuple(f for f in config.feeds if f.url != BYTE))
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert "e5" not in [row[0] for row in app.reader.entry_list.rows]
        await search_for(pilot, "teclado mec")
        assert titles(app) == [TECLADO]


async def test_a_store_failure_reading_a_result_is_shown_not_raised(
    config: Config, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from tui_reader.store import StoreError

    def broken(entry_id: str) -> None:
        raise StoreError("store.db: database disk image is malformed")

    index_sample(config, {})
    config = replace(config, feeds=tuple(f for f in config.feeds if f.url != BYTE))
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(store, "entry", broken)  # e5 is not listed: read from the store
        await search_for(pilot, "teclado mec")
        assert app.is_running
        assert "malformed" in status(app)


async def test_a_query_of_fts_syntax_is_just_words(config: Config, store: Store) -> None:
    index_sample(config, {})
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *'"NEAR( title: AND *', "enter")
        await settle(pilot)
        assert titles(app) == []
        assert "Search:" in header(app)
        status = str(app.reader.query_one("#status").render())
        assert "0 results" in status and "index" not in status


async def test_a_damaged_index_still_matches_titles_and_says_so(
    config: Config, store: Store
) -> None:
    SearchIndex.path_for(config.storage.data_dir).write_bytes(b"not a database at all" * 100)
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await search_for(pilot, "satelite")
        assert titles(app) == ["Ciência: satélite português chega à órbita"]
        status = str(app.reader.query_one("#status").render())
        assert "by title only" in status and "doctor" in status
