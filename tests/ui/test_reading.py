"""The moment of reading: the article's width and place at every terminal size, its header, its
styles with colour and without, repaired brand names, the credited original and images."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from helpers import RecordingBrowser, ids, index_sample, info_text, search_for, settle, status
from rich.cells import cell_len
from rich.style import Style
from textual.color import Color
from textual.pilot import Pilot
from textual.strip import Strip

from tui_reader.config import Config
from tui_reader.demo.sample import BASE, BYTE, FETCHED
from tui_reader.models import Article, Block, Entry, Link, LinkRef
from tui_reader.search import SearchIndex
from tui_reader.store import Store
from tui_reader.ui.app import ReaderApp, make_app
from tui_reader.ui.render import REPAIRED as REPAIRED_STYLE
from tui_reader.ui.widgets.feed_list import ALL, STARRED, TAG_PREFIX

LONG_URL = "https://cienciahoje.example/guia-comprar-portatil-2024-" + "muito-longo-" * 8 + "fim"
ORIGINAL = "https://techsource.example/2024/05/apple-icloud-twitter-outage"


def held_out_article() -> tuple[Entry, Article]:
    """A translated article as a held-out site publishes it: brand names rendered as words,
    an image, a credit line to the original and a link longer than any terminal."""
    p1 = "Los usuarios de Manzana iCloud se quejaron en Gorjeo de la caída del servicio."
    p2 = "Una manzana al día no arregla nada."
    credit = "Fuente: Tech Source"
    blocks = (
        Block("paragraph", p1),
        Block("image", "Captura del panel de estado", links=(LinkRef(0, 27, 1),)),
        Block("paragraph", p2),
        Block("paragraph", "La guía completa del portátil.", links=(LinkRef(3, 8, 2),)),
        Block("paragraph", credit, links=(LinkRef(8, 19, 3),)),
    )
    links = (
        Link(1, "Captura del panel de estado", "https://img.example/estado.png"),
        Link(2, "guía", LONG_URL),
        Link(3, "Tech Source", ORIGINAL),
    )
    url = "https://elbyte.example/2024/05/06/caida-de-manzana-icloud-y-gorjeo-lo-que-sabemos"
    entry = Entry(
        id="tr1",
        url=url,
        title="Caída de Manzana iCloud: los usuarios protestan en Gorjeo",
        feeds=(BYTE,),
        published=BASE + timedelta(hours=1),
        site="",  # the feed did not say: lists name the feed instead
        language="es",
        has_article=True,
        fetched=FETCHED,
    )
    article = Article(
        url=url, title=entry.title, language="es", blocks=blocks, links=links, site_name="El Byte"
    )
    return entry, article


@pytest.fixture
def reading_store(store: Store) -> Store:
    entry, article = held_out_article()
    store.add_entries(BYTE, [entry], {entry.id: article})
    return store


async def open_first(pilot: Pilot[int]) -> ReaderApp:
    app = pilot.app
    assert isinstance(app, ReaderApp)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert app.reader.article_view.entry_id == "tr1"
    return app


def screen_rows(app: ReaderApp) -> list[str]:
    return ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]


async def test_at_120x40_the_text_starts_in_the_top_six_rows_and_is_80_wide(
    config: Config, reading_store: Store
) -> None:
    app = make_app(config, reading_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        rows = screen_rows(app)
        first = next(i for i, row in enumerate(rows) if "Los usuarios de Apple" in row)
        assert first <= 5, rows[:8]
        assert app.reader.article_view.text_width == 80
        assert not app.reader.feed_list.display and not app.reader.entry_list.display  # folded away
        # centred: as much room left of the text as right of it (within the scrollbar)
        row = rows[first]
        left = len(row) - len(row.lstrip())
        assert abs(left - (120 - left - 80)) <= 2
        await pilot.press("q")
        await settle(pilot)
        assert (
            app.reader.feed_list.display
            and app.reader.entry_list.display
            and not app.reader.article_view.display
        )


async def test_from_80_to_200_columns_the_article_never_narrows_and_urls_stay_whole(
    config: Config, reading_store: Store
) -> None:
    app = make_app(config, reading_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        at_80 = app.reader.article_view.text_width
        assert at_80 >= 76
        for width in range(80, 201):
            await pilot.resize_terminal(width, 30)
            await pilot.pause()
            view = app.reader.article_view
            assert view.text_width >= min(at_80, view.measure), width
            assert view.text_width == min(view.measure, view.scrollable_content_region.width)
            lines = view.plain_lines
            assert all(cell_len(line) <= view.text_width for line in lines), width
            assert len(lines[0]) <= view.text_width  # one-row header: title, meta, URL
            start = lines.index("Links")
            joined = "".join(line.strip() for line in lines[start:])
            assert LONG_URL in joined and "…" not in joined, width


async def test_header_is_three_rows_and_a_rule(config: Config, reading_store: Store) -> None:
    app = make_app(config, reading_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        lines = app.reader.article_view.plain_lines
        assert lines[0].startswith("Caída de Apple iCloud")
        assert lines[1].startswith("El Byte · 2024-05-06 10:30 · es · 4 names repaired (t)")
        assert lines[2].startswith("original techsource.example/")
        assert "elbyte.example/" in lines[2] and len(lines[2]) <= app.reader.article_view.text_width
        assert set(lines[3]) == {"─"}
        assert lines[4].startswith("Los usuarios de Apple iCloud")


async def test_brand_names_are_repaired_marked_and_t_shows_the_published_text(
    config: Config, reading_store: Store
) -> None:
    app = make_app(config, reading_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        view = app.reader.article_view
        text = " ".join(view.plain_lines)
        assert "Los usuarios de Apple iCloud se quejaron en Twitter de la caída" in text
        assert "Una manzana al día" in text  # not the brand: left alone
        body = next(line for line in view._lines if line.plain.startswith("Los usuarios"))
        marked = {body.plain[s.start : s.end] for s in body.spans if s.style == REPAIRED_STYLE}
        assert marked == {"Apple", "Twitter"}
        await pilot.press("t")
        await settle(pilot)
        text = " ".join(view.plain_lines)
        assert "Los usuarios de Manzana iCloud se quejaron en Gorjeo" in text
        assert "as published (t)" in view.plain_lines[1]
        assert "as published" in status(app)
        await pilot.press("t")
        assert "Apple iCloud" in " ".join(view.plain_lines)
    stored = reading_store.article("tr1")
    assert stored is not None and "Manzana iCloud" in stored.blocks[0].text  # never changed


async def test_images_are_numbered_placeholders_openable_like_links(
    config: Config, reading_store: Store, opened: RecordingBrowser
) -> None:
    app = make_app(config, reading_store, browser=opened)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        lines = app.reader.article_view.plain_lines
        assert "[image 1: Captura del panel de estado][1]" in lines
        assert any(
            "[1] Captura del panel de estado https://img.example/estado.png" in x for x in lines
        )
        await pilot.press("1")
        await settle(pilot)
    assert opened.urls == ["https://img.example/estado.png"]


async def test_the_credited_original_opens_with_O_and_copies_with_Y(
    config: Config, reading_store: Store, opened: RecordingBrowser
) -> None:
    app = make_app(config, reading_store, browser=opened)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        assert app.reader.article_view.original == ORIGINAL
        await pilot.press("O")
        await settle(pilot)
        await pilot.press("Y")
        assert status(app) == f"Copied {ORIGINAL}"
        await pilot.press("i")
        await settle(pilot)
        info = info_text(app)
        assert f"original {ORIGINAL}" in info
        assert "names Manzana → Apple, Gorjeo → Twitter (repaired; t toggles)" in info
    assert opened.urls == [ORIGINAL]


async def test_keys_act_on_the_focused_pane(config: Config, reading_store: Store) -> None:
    """tab to the article, then space pages the article, not the list below the feeds."""
    app = make_app(config, reading_store)
    async with app.run_test(size=(120, 12)) as pilot:
        await open_first(pilot)
        await pilot.press("q")  # back to the list; the article stays loaded
        cursor = app.reader.entry_list.cursor
        await pilot.press("tab")  # entries -> article
        assert app.reader.state.pane == "article"
        assert app.focused is app.reader.article_view
        await pilot.press("space")
        await settle(pilot)
        assert app.reader.article_view.scroll_offset.y > 0
        assert app.reader.entry_list.cursor == cursor


async def test_every_list_that_mixes_feeds_names_the_site(
    config: Config, reading_store: Store
) -> None:
    app = make_app(config, reading_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)

        def row_of_tr1() -> str:
            index = app.reader.entry_list.index_of("tr1")
            assert index is not None
            return app.reader.entry_list.render_row(index, app.reader.entry_list.size.width).plain

        assert "Caída de Apple iCloud" in row_of_tr1()  # list titles are repaired too
        for key in (ALL, TAG_PREFIX + "es"):
            app.reader.go_to_feed(key)
            await settle(pilot)
            assert row_of_tr1().rstrip().endswith("El Byte 2024-05-06 10:30"), key
        app.reader.go_to_feed(BYTE)  # one feed: no site column, the title gets the room
        await settle(pilot)
        assert "El Byte" not in row_of_tr1()
        await pilot.press("s")
        app.reader.go_to_feed(STARRED)
        await settle(pilot)
        assert "El Byte" in row_of_tr1()
        await search_for(pilot, "Caída")
        assert "El Byte" in row_of_tr1()


async def test_search_finds_a_repaired_name_in_either_form(
    config: Config, reading_store: Store
) -> None:
    entry, article = held_out_article()
    index_sample(config, {})
    with SearchIndex.for_data_dir(config.storage.data_dir) as index:
        index.add(entry.id, entry.title, article.text, entry.feeds, entry.published)
    app = make_app(config, reading_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for query in ("twitter caída", "Gorjeo caída", "Apple iCloud", "Manzana iCloud"):
            await search_for(pilot, query)
            assert ids(app) == ["tr1"], query
            await pilot.press("escape")
            await settle(pilot)


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "no-color"])
async def test_title_headings_quotes_and_metadata_differ_by_style(
    config: Config, store: Store, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    """What the screen gets, segment by segment: with NO_COLOR (colours filtered out) the
    title is bold, headings bold and underlined, quotes italic behind a bar, metadata fainter
    and the header ends in a rule."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(config, store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.no_color is no_color
        # what reaches the terminal: the screen's lines through the app's filters (NO_COLOR's)
        strips = []
        for strip in app.screen._compositor.render_strips():
            segments = list(strip)
            for line_filter in app._filters:
                segments = line_filter.apply(segments, Color(0, 0, 0))
            strips.append(Strip(segments))

        def styles_of(text: str) -> list[Style]:
            for strip in strips:
                line = "".join(seg.text for seg in strip)
                if text in line:
                    return [s.style for s in strip if text[:4] in s.text and s.style is not None]
            raise AssertionError(f"{text!r} not on screen")

        title = styles_of("Linux 6.9 llega")
        assert title and all(s.bold for s in title)
        meta = styles_of("Ana Pérez")  # dim: Textual blends it to a fainter grey
        body = styles_of("La nueva versión")
        assert meta and not any(s.bold for s in meta)
        assert {s.color for s in meta}.isdisjoint({s.color for s in body})
        rule = styles_of("────")
        assert rule and [i for i, x in enumerate(strips) if "────" in x.text] == [4]
        heading = styles_of("Qué cambia")
        assert heading and all(s.bold and s.underline for s in heading)
        quote = styles_of("Es la mayor")
        assert quote and all(s.italic and not s.bold for s in quote)  # not the bar's style
        item = styles_of("Arranque")
        assert item and item[0].color in {s.color for s in body}  # not the bullet's colour
        assert any("▌" in "".join(seg.text for seg in strip) for strip in strips)
        assert body and not any(s.bold or s.underline or s.italic or s.dim for s in body)
        if no_color:  # greys only (Monochrome)
            colours = {s.color for strip in strips for seg in strip if (s := seg.style) and s.color}
            triplets = {c.triplet for c in colours if c.triplet}
            assert triplets and all(t.red == t.green == t.blue for t in triplets)


def test_inline_images_are_off_by_default_over_ssh_and_where_the_terminal_cannot(
    config: Config,
) -> None:
    """No terminal that draws images can be driven here (tmux 3.3 has no sixel, no kitty):
    what is tested is every way images stay off."""
    from tui_reader.ui import images

    assert "inline_images = false" in images.unavailable(config)
    on = replace(config, reader=replace(config.reader, inline_images=True))
    assert images.unavailable(on, {"SSH_CONNECTION": "1 2 3 4"}) == "over SSH images are not shown"
    assert images.probe(on, {"SSH_TTY": "/dev/pts/1"}) == "over SSH images are not shown"
    why = images.probe(on, {})  # pytest's stdout is no terminal: nothing to ask
    assert why in (
        "this terminal shows no images (no kitty graphics or sixel)",
        "textual-image is not installed (pip install 'tui-reader[images]')",
    )
    assert images.unavailable(on, {}) == why


async def test_with_images_on_but_no_support_an_image_number_opens_its_link(
    config: Config, reading_store: Store, opened: RecordingBrowser
) -> None:
    from tui_reader.ui import images

    on = replace(config, reader=replace(config.reader, inline_images=True))
    why = images.probe(on, {})
    app = make_app(on, reading_store, browser=opened)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert len(app.screen_stack) == 1  # no image screen
        assert status(app).startswith(why)
    assert opened.urls == ["https://img.example/estado.png"]


async def test_align_left_puts_the_column_at_the_left(config: Config, reading_store: Store) -> None:
    left = replace(config, reader=replace(config.reader, align="left"))
    app = make_app(left, reading_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        row = next(r for r in screen_rows(app) if "Los usuarios de Apple" in r)
        assert row.startswith(" Los usuarios")  # the pane's padding, then the text
        assert app.reader.article_view.text_width == 80 and not app.reader.entry_list.display
