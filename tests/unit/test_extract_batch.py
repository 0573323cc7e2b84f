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
from tui_reader.extract import load_rules
from tui_reader.extract.batch import extract_pages, site_groups
from tui_reader.models import Article

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
