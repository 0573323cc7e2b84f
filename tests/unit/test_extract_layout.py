"""Layout tables (a table in a cell) and tables inside quotes: the article's tables survive."""

from __future__ import annotations

from lxml import html as lxml_html

from tui_reader.extract import extract_article
from tui_reader.extract.layout import unwrap_layout_tables
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
