"""Page structure: layout tables, tables inside quotes, teaser-card modules, carousels."""

from __future__ import annotations

from lxml import html as lxml_html

from tui_reader.extract import extract_article
from tui_reader.extract.layout import unmask_caption_wrappers, unwrap_layout_tables
from tui_reader.models import Article

URL = "https://weekly.example/articles/1234/"
PROSE = (
    "The project published its yearly report this week, and the figures show a steady rise in "
    "the number of people who send changes, most of them employed by a handful of companies."
)
PROSE2 = (
    "Volunteers still write a large share of the documentation, the report says, although their "
    "number has fallen since the last release and the maintainers would like to see it grow."
)
DATA = (
    "<table><tr><th>Contributor</th><th>Changes</th></tr>"
    "<tr><td>Maria Ortega</td><td>412</td></tr><tr><td>Kenji Sato</td><td>377</td></tr></table>"
)


def _page(body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Report</title></head>"
        f"<body>{body}</body></html>"
    )


def _texts(article: Article) -> str:
    return "\n".join(b.text for b in article.blocks)


def test_a_data_table_nested_in_a_layout_table_is_kept_in_its_place() -> None:
    side_by_side = f"<table><tr><td>{DATA}</td><td>{DATA.replace('Maria Ortega', 'Ana Lima')}</td></tr></table>"
    for inner in (side_by_side, f"<blockquote>{side_by_side}</blockquote>"):
        body = (
            "<table><tr><td class='nav'><a href='/'>Home</a></td></tr><tr><td>"
            f"<h1>Report</h1><p>{PROSE}</p>{inner}<p>{PROSE2}</p></td></tr></table>"
        )
        text = _texts(extract_article(_page(body), URL))
        # before: moved after the whole layout table, or (in a quote) lost
        assert text.index(PROSE) < text.index("Maria Ortega | 412") < text.index(PROSE2)
        assert text.index("Ana Lima | 412") < text.index(PROSE2)


def test_a_data_table_and_a_table_of_paragraphs_stay_tables() -> None:
    for markup in (
        f"<article><p>{PROSE}</p>{DATA}<p>{PROSE2}</p></article>",
        f"<table><tr><td><p>{PROSE}</p><p>{PROSE2}</p></td></tr></table>",
    ):
        root = lxml_html.fromstring(_page(markup))
        assert unwrap_layout_tables(root, markup) == 0
        assert root.find(".//table") is not None
    text = _texts(
        extract_article(_page(f"<article><p>{PROSE}</p>{DATA}<p>{PROSE2}</p></article>"), URL)
    )
    assert "Maria Ortega | 412" in text


def test_a_layout_table_becomes_containers_and_its_data_tables_stay() -> None:
    markup = f"<table><tr><td><p>{PROSE}</p>{DATA}</td></tr></table>"
    root = lxml_html.fromstring(_page(markup))
    assert unwrap_layout_tables(root, markup) == 1
    tables = root.findall(".//table")
    assert len(tables) == 1 and tables[0].find(".//td") is not None


def test_a_table_inside_a_quote_keeps_its_cells_apart() -> None:
    body = (
        f"<article><h1>Report</h1><p>{PROSE}</p><blockquote>"
        "<table><tr><th>Release</th><th>Date</th></tr>"
        "<tr><td><a href='https://blog.example/4-2-3/'>4.2.3</a></td><td>April 2014</td></tr>"
        f"</table></blockquote><p>{PROSE2}</p></article>"
    )
    text = _texts(extract_article(_page(body), URL))
    assert "4.2.3 | April 2014" in text  # before: "4.2.3April 2014"
    quote = f"<article><p>{PROSE}</p><blockquote><p>A <a href='/x/'>linked</a> word.</p></blockquote></article>"
    assert "A linked word." in _texts(extract_article(_page(quote), URL))


def _card(n: int, host: str = "") -> str:
    return (
        f"<h3><strong>Opinion</strong> <a href='{host}/articles/{n}/'>Another column number {n}</a></h3>"
        f"<p>A short standfirst of the column number {n}, the way a teaser sums it up in a line.</p>"
    )


def _article(after: str) -> str:
    return f"<article><h1>Report</h1><p>{PROSE}</p><p>{PROSE2}</p>{after}</article>"


def test_a_run_of_teaser_cards_goes_with_its_title() -> None:
    cards = "<h2>Other columns</h2>" + "".join(_card(n) for n in range(1, 5))
    art = extract_article(_page(_article(cards)), URL)
    text = _texts(art)
    assert PROSE in text and PROSE2 in text
    assert "Another column" not in text and "standfirst" not in text
    assert "Other columns" not in text
    rules = [r.rule for r in art.removed]
    assert rules.count("structure:teasers") == 8 and "structure:empty-heading" in rules


def test_linked_headings_over_sections_and_short_runs_stay() -> None:
    sections = "".join(
        f"<h2><a href='/articles/{n}/'>Section {n} of the weekly edition</a></h2>"
        f"<p>{PROSE.replace('this week', f'in week {n}')}</p>"
        f"<p>{PROSE2.replace('the report says', f'report {n} says')}</p>"
        for n in range(1, 5)
    )
    two_cards = _card(1) + _card(2)
    other_site = "".join(_card(n, "https://elsewhere.example") for n in range(1, 5))
    for after in (sections, two_cards, other_site):
        art = extract_article(_page(_article(after)), URL)
        assert "structure:teasers" not in [r.rule for r in art.removed]
    assert "Section 3 of the weekly edition" in _texts(
        extract_article(_page(_article(sections)), URL)
    )


def test_a_slide_show_list_repeating_its_controls_goes() -> None:
    slides = "".join(
        f"<li><span>Previous</span></li><li><span>Next</span></li><li>Slide {n} of the show</li>"
        for n in range(1, 4)
    )
    art = extract_article(_page(_article(f"<ul>{slides}</ul>")), URL)
    assert "Previous" not in _texts(art) and PROSE2 in _texts(art)
    assert "structure:carousel" in [r.rule for r in art.removed]


def test_a_list_that_repeats_an_item_or_two_stays() -> None:
    items = ["Two eggs", "Flour", "Milk", "Two eggs", "Sugar", "Butter", "Flour"]
    markup = "<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>"
    art = extract_article(_page(_article(markup)), URL)
    assert "Sugar" in _texts(art) and "structure:carousel" not in [r.rule for r in art.removed]


def test_a_list_item_named_no_caption_keeps_its_heading() -> None:
    lead = "The mother of the student has described how the pills she bought online burned her up."
    item = f"<div class='item item_image no_caption'><h2>{lead}</h2><div><img src='/a.jpg'></div></div>"
    more = "".join(
        f"<div class='item'><p>{PROSE.replace('this week', f'in week {n}')}</p>"
        f"<p>{PROSE2.replace('the report says', f'report {n} says')}</p></div>"
        for n in range(4)
    )
    page = _page(f"<article><h1>Report</h1><div class='list'>{item}{more}</div></article>")
    text = _texts(extract_article(page, URL))
    assert lead in text  # before: trafilatura's caption filter dropped the whole item
    assert "report 3 says" in text


def test_a_real_caption_is_still_left_to_trafilatura() -> None:
    caption = "<div class='photo-caption'><img src='/a.jpg' alt=''><p>A photo credit line</p></div>"
    markup = f"<article><p>{PROSE}</p>{caption}<p>{PROSE2}</p></article>"
    root = lxml_html.fromstring(_page(markup))
    assert unmask_caption_wrappers(root, markup) == 0
    assert "photo credit" not in _texts(extract_article(_page(markup), URL))
