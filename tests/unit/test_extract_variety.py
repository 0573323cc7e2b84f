"""Boxes, footers and promos in markups, words and languages that translated-dev does not show.

The pages of tests/data/extract/variety imitate the variety of the held-out translated set:
other sites, box markups, marker words and languages; each lists in checks.json the boilerplate
that must go and the content (hard negatives included) that must stay.  Set "A" was written
first and the rules were then generalised on it; set "B" was written afterwards as a check.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tui_reader.extract import extract_article
from tui_reader.extract.clean import fold
from tui_reader.models import Article

DATA = Path(__file__).resolve().parent.parent / "data" / "extract" / "variety"
CHECKS: dict[str, Any] = {
    k: v
    for k, v in json.loads((DATA / "checks.json").read_text(encoding="utf-8")).items()
    if not k.startswith("_")
}


@pytest.fixture(scope="module", params=sorted(CHECKS))
def page(request: pytest.FixtureRequest) -> tuple[str, Any, Article]:
    name = request.param
    check = CHECKS[name]
    art = extract_article((DATA / name).read_text(encoding="utf-8"), check["url"])
    return name, check, art


def test_boilerplate_is_removed(page: tuple[str, Any, Any]) -> None:
    name, check, art = page
    text = fold(art.text)
    leaked = [s for s in check["boilerplate"] if fold(s) in text]
    assert not leaked, (name, leaked)


def test_content_is_kept(page: tuple[str, Any, Any]) -> None:
    name, check, art = page
    text = fold(art.text)
    lost = [s for s in check["content"] if fold(s) not in text]
    assert not lost, (name, lost)


def test_author_has_no_byline_prefix(page: tuple[str, Any, Any]) -> None:
    _, check, art = page
    if check.get("author"):
        assert art.author == check["author"]


def test_every_removal_names_a_rule(page: tuple[str, Any, Any]) -> None:
    _, _, art = page
    assert all(r.rule for r in art.removed)


def test_sources_list_keeps_its_links() -> None:
    check = CHECKS["en_read_more_sources.html"]
    art = extract_article((DATA / "en_read_more_sources.html").read_text(), check["url"])
    hrefs = {lk.href for lk in art.links}
    assert "https://www.nao.org.uk/reports/update-on-the-rollout-of-smart-meters/" in hrefs
    heading = next(b for b in art.blocks if b.text == "Sources")
    following = art.blocks[art.blocks.index(heading) + 1]
    assert following.kind == "list" and "Smart meter statistics" in following.text


def test_sources_title_with_same_site_links_is_a_box() -> None:
    html = (
        "<html><body><article><h1>T</h1>"
        + "<p>Una frase de contenido bastante larga para que el artículo tenga cuerpo. </p>" * 4
        + "<h3>Fuentes</h3><ul><li><a href='/uno/'>Otra noticia de este mismo sitio web</a></li>"
        "<li><a href='/dos/'>Y otra más de este mismo sitio web</a></li></ul>"
        "</article></body></html>"
    )
    art = extract_article(html, "https://sitio.example/nota/")
    assert "Otra noticia de este mismo sitio" not in art.text


def test_titles_separated_by_line_breaks_are_a_box_but_sources_are_not() -> None:
    prose = "<p>" + "Una frase de contenido bastante larga para que el artículo tenga cuerpo. " * 3
    html = (
        "<html><body><article><h1>T</h1>"
        + prose.replace("Una", "Primera")
        + "</p>"
        + prose.replace("Una", "Segunda")
        + "</p>"
        + "<p><strong>Más sobre esto</strong><br><a href='/uno/'>Otra noticia de este mismo "
        "sitio web</a><br>» <a href='/dos/'>Y otra más de este mismo sitio web</a></p>"
        + prose.replace("Una", "Tercera")
        + "</p>"
        + "<p>Dos fuentes: <br><a href='https://ine.es/x'>Informe del INE sobre hogares</a>"
        "<br><a href='https://cnmc.es/y'>Panel de hogares CNMC</a></p>"
        + prose.replace("Una", "Cuarta")
        + "</p></article></body></html>"
    )
    art = extract_article(html, "https://sitio.example/nota/")
    assert "Más sobre esto" not in art.text and "Otra noticia" not in art.text
    assert "Informe del INE sobre hogares" in art.text
