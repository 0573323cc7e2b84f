"""`tui-reader extract` over many pages learns each site from the batch, as a fetch does.

tests/data/extract/batch-site: four pages of one invented site (canonical, og:url, og:site_name)
whose related-article line has no separator and no lexicon word ("De paso, date una vuelta por
<a>…</a>") and whose support footer is plain text: on one page both look like prose, only the
site's repetition across its pages gives them away.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_reader.cli.extract_pages import run_extract
from tui_reader.extract import learnt_since, load_rules, update_site_stats
from tui_reader.extract.batch import extract_pages, site_groups
from tui_reader.models import Article, Block, Link, LinkRef

DATA = Path(__file__).resolve().parent.parent / "data" / "extract" / "batch-site"
PAGES = sorted(DATA.glob("huertadigital-*.html"))
BOX = "De paso, date una vuelta por"
FOOTER = "Huerta Digital se mantiene gracias"


def _records(capsys: pytest.CaptureFixture[str], files: list[Path]) -> list[dict[str, str]]:
    status = run_extract([str(f) for f in files], fmt="json", url=None, explain=False)
    assert status == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_the_command_removes_what_the_site_repeats_across_the_given_pages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    records = _records(capsys, PAGES)
    assert [r["source"] for r in records] == [str(f) for f in PAGES]
    for record in records:
        assert BOX not in record["text"]
        assert FOOTER not in record["text"]
        assert "\n" in record["text"] and len(record["text"]) > 300  # the article stays


def test_a_single_page_is_judged_alone(capsys: pytest.CaptureFixture[str]) -> None:
    (record,) = _records(capsys, PAGES[:1])
    assert BOX in record["text"]
    assert FOOTER in record["text"]


def test_explain_says_the_page_was_extracted_again(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_extract([str(f) for f in PAGES], fmt="text", url=None, explain=True) == 0
    out = capsys.readouterr().out
    assert out.count("extracted again with what 4 pages of its site here repeat") == len(PAGES)
    assert "[repeated] Huerta Digital se mantiene" in out


def test_pages_of_other_sites_do_not_teach_each_other() -> None:
    """The same pages claiming four different sites keep the box: nothing repeats per site."""
    rules = load_rules()
    pages = [
        (
            f.read_text(encoding="utf-8")
            .replace("huertadigital.example", f"huerta{n}.example")
            .replace("Huerta Digital", f"Huerta {n}"),
            "",
        )
        for n, f in enumerate(PAGES)
    ]
    for article, _ in extract_pages(pages, rules):
        assert "date una vuelta por" in article.text


def test_site_groups_from_what_pages_say_about_themselves() -> None:
    articles = [
        Article(url="https://www.a.example/1", site_name="A"),
        Article(url="https://a.example/2"),
        Article(url="", site_name="A"),  # no URL: joins by its site name
        Article(url="https://b.example/1", site_name="B"),
        Article(url=""),  # no evidence: alone
        Article(url=""),
    ]
    groups = site_groups(articles)
    assert groups[0] == groups[1] == groups[2]
    assert len({groups[0], groups[3], groups[4], groups[5]}) == 4


def _credited(n: int, href: str) -> Article:
    """Article `n` of a site: its own text, then a credit line the site repeats."""
    own = f"Texto propio del artículo número {n}, que ningún otro artículo del sitio repite."
    credit = "Fuente: heise.de"
    return Article(
        url=f"https://loctet.example/news/{n}",
        blocks=(
            Block(kind="paragraph", text=own),
            Block(kind="paragraph", text=credit, links=(LinkRef(8, 16, 1),)),
        ),
        links=(Link(1, "heise.de", href),),
    )


def test_a_repeated_credit_line_to_another_site_is_no_reason_to_extract_again() -> None:
    """`learnt_since` asks what the `repeated` rule would do: a block linking to another site
    stays however often the site repeats it, so extracting the page again would change nothing
    (4 of the 10 pages extracted again on tests/data/unseen-news were such)."""
    rules = load_rules()
    for href, again in (("https://www.heise.de/", False), ("https://loctet.example/tag/x", True)):
        stats = None
        for n in range(4):
            stats = update_site_stats(stats, _credited(n, href), rules.repetition)
        assert learnt_since(_credited(0, href), stats, rules) is again


def test_repeated_lines_that_are_most_of_the_article_are_no_reason_either() -> None:
    rules = load_rules()
    line = Block(kind="paragraph", text="Una línea que el sitio repite en cada artículo suyo.")
    stats = None
    for n in range(4):
        own = Block(kind="paragraph", text=f"Texto propio número {n} del artículo, largo.")
        article = Article(url=f"https://a.example/{n}", blocks=(own, line))
        stats = update_site_stats(stats, article, rules.repetition)
    short = Article(url="https://a.example/9", blocks=(Block(kind="paragraph", text="Hola."), line))
    assert not learnt_since(short, stats, rules)  # the rule would keep it: it is most of the page
    long = Article(
        url="https://a.example/9", blocks=(Block(kind="paragraph", text="Hola. " * 20), line)
    )
    assert learnt_since(long, stats, rules)
