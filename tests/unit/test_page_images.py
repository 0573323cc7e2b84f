"""Images of web pages become image blocks without touching the text (extract/page_images.py).

The text blocks must come out byte-identical with and without the step: checked on a written
page with figures, a caption, a tracking pixel, share icons, an avatar and a related thumbnail,
on the repository's unseen corpora, and on ../shared/eval's zyte-dev and translated-dev (skipped
without it).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tui_reader.extract import extract_article, load_rules
from tui_reader.extract.rules import Rules
from tui_reader.models import Article
from tui_reader.render import article_text

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "tests" / "data" / "extract" / "page_images.html"
URL = "https://cienciahoje.example/2024/hielo"
EVAL = ROOT.parent / "shared" / "eval"
CORPORA = {
    "unseen-news": ROOT / "tests" / "data" / "unseen-news",
    "unseen-news-b": ROOT / "tests" / "data" / "unseen-news-b",
    "zyte-dev": EVAL / "zyte-dev",
    "translated-dev": EVAL / "translated-dev",
}


def _text_blocks(article: Article) -> list[tuple[Any, ...]]:
    """Every non-image block as it is stored, its links by target (numbers shift with images)."""
    hrefs = {link.number: (link.text, link.href) for link in article.links}
    return [
        (
            b.kind,
            b.text,
            b.level,
            b.attribution,
            [(r.start, r.end, hrefs[r.number]) for r in b.links],
        )
        for b in article.blocks
        if b.kind != "image"
    ]


def _without_step(rules: Rules) -> Rules:
    """The same rules, with the page images step left out."""
    return replace(rules, page_images=False)


def test_page_figures_become_numbered_image_blocks_in_place() -> None:
    article = extract_article(PAGE.read_text(encoding="utf-8"), URL)
    kinds = [b.kind for b in article.blocks]
    images = [b for b in article.blocks if b.kind == "image"]
    hrefs = {link.number: link.href for link in article.links}
    assert [(b.text, hrefs[b.links[0].number]) for b in images] == [
        # no alt: the figcaption
        (
            "El cohete despega desde la base de Kourou al amanecer del martes.",
            "https://cienciahoje.example/fotos/lanzamiento.jpg",
        ),
        # protocol-relative, inside its paragraph: after it
        (
            "El radar del satélite, en el laboratorio",
            "https://cdn.cienciahoje.example/fotos/radar.png",
        ),
        # a lazy loader's data-src, not its placeholder; the WordPress figure the caption replaced
        (
            "Mapa del hielo ártico con los primeros datos del radar.",
            "https://cienciahoje.example/fotos/mapa-hielo.jpg",
        ),
    ]
    assert kinds[0] == "image" and kinds[4:7] == ["image", "image", "caption"]
    shown = " ".join(hrefs.values())
    for chrome in ("logo", "avatar", "fb.png", "tw.png", "pixel", "data:", "sigue", "icon-mail"):
        assert chrome not in shown  # site chrome, sharing, tracking, follow buttons
    assert "relacionado" not in shown  # after the article's last paragraph
    assert "El radar del satélite" not in article.text  # alt text is not article text
    text = article_text(article)
    assert "[image 2: El radar del satélite, en el laboratorio][2]" in text
    assert "[2] https://cdn.cienciahoje.example/fotos/radar.png" in text


def test_the_written_page_text_is_unchanged() -> None:
    html = PAGE.read_text(encoding="utf-8")
    with_images = extract_article(html, URL)
    without = extract_article(html, URL, rules=_without_step(load_rules()))
    assert not [b for b in without.blocks if b.kind == "image"]
    assert _text_blocks(with_images) == _text_blocks(without)
    assert with_images.text == without.text


def test_a_page_without_images_is_left_alone() -> None:
    html = "<html><body><article>" + "<p>Un párrafo largo de verdad, con texto. </p>" * 4
    article = extract_article(html + "</article></body></html>", URL)
    assert article.blocks and all(b.kind != "image" for b in article.blocks)


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_text_blocks_are_byte_identical_on_real_pages(name: str) -> None:
    corpus = CORPORA[name]
    if not (corpus / "ground-truth.json").exists():
        pytest.skip(f"{corpus} is not here (../shared/eval is not checked out)")
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    rules = load_rules()
    pages = []
    for doc_id, meta in sorted(truth.items()):
        raw = gzip.decompress((corpus / "html" / f"{doc_id}.html.gz").read_bytes())
        pages.append((doc_id, raw.decode("utf-8", "replace"), meta.get("url", "")))
    with_images = {d: extract_article(h, u, rules=rules) for d, h, u in pages}
    text_only = _without_step(rules)
    changed = [
        d
        for d, h, u in pages
        if _text_blocks(with_images[d]) != _text_blocks(extract_article(h, u, rules=text_only))
    ]
    assert not changed, changed
    if name in ("zyte-dev", "translated-dev"):
        found = sum(b.kind == "image" for a in with_images.values() for b in a.blocks)
        assert found > 0  # the step does find images on real pages


def test_the_reader_shows_page_images_as_placeholders() -> None:
    from tui_reader.ui.render import article_lines

    article = extract_article(PAGE.read_text(encoding="utf-8"), URL)
    lines = [line.plain.rstrip() for line in article_lines(None, article, 80)]
    assert "[image 2: El radar del satélite, en el laboratorio][2]" in lines
    assert "    https://cdn.cienciahoje.example/fotos/radar.png" in lines
