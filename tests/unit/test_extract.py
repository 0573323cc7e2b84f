"""Extraction: structure, links, the three boilerplate layers (fixtures in tests/data/extract)."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from tui_reader.extract import SiteStats, extract_article, load_rules, update_site_stats
from tui_reader.models import Article

DATA = Path(__file__).resolve().parent.parent / "data" / "extract"
BOXES_URL = "https://bitacora.example/como-elegir-portatil/"


def _load(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def boxes() -> Article:
    return extract_article(_load("boxes_es.html"), BOXES_URL)


@pytest.fixture(scope="module")
def structure() -> Article:
    return extract_article(_load("structure.html"), "https://example.org/awk/")


def _rules(article: Article) -> set[str]:
    return {r.rule for r in article.removed}


# ------------------------------------------------------------------ metadata and structure


def test_metadata(boxes: Article) -> None:
    assert boxes.title == "Cómo elegir un portátil para estudiar en 2024"
    assert boxes.author == "Lucía Ortega"
    assert boxes.site_name == "Bitácora Digital"
    assert boxes.language == "es"
    assert boxes.published is not None
    assert boxes.published.utcoffset() is not None
    assert boxes.published.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert (boxes.published.hour, boxes.published.minute) == (9, 15)


def test_title_is_not_a_block(boxes: Article) -> None:
    assert all(b.text != boxes.title for b in boxes.blocks)


def test_headings_lists_code(structure: Article) -> None:
    kinds = [(b.kind, b.level) for b in structure.blocks if b.kind == "heading"]
    assert kinds == [("heading", 2), ("heading", 3)]
    lst = next(b for b in structure.blocks if b.kind == "list")
    assert lst.text.split("\n") == ["Pipe the result into sort -n.", "Keep the top ten with head."]
    code = next(b for b in structure.blocks if b.kind == "code")
    assert code.text.startswith("awk '{ count[$9]++ }\nEND {")


def test_quote_with_cite_attribution(boxes: Article) -> None:
    quote = next(b for b in boxes.blocks if b.kind == "quote")
    assert quote.text == (
        "La batería es lo que más se nota en el día a día de un estudiante universitario."
    )
    assert quote.attribution == "— Marta Gil, profesora de informática"
    assert "Marta Gil" not in quote.text


def test_quote_with_dash_line_attribution(structure: Article) -> None:
    quote = next(b for b in structure.blocks if b.kind == "quote")
    assert quote.text == "Simple tools, combined well, beat complex tools used badly."
    assert quote.attribution == "— A sysadmin proverb"
    assert "— A sysadmin proverb" in structure.text.split("\n")


def test_quote_paragraph_after_blockquote_is_attribution() -> None:
    html = _page(
        "<blockquote><p>Nothing is as permanent as a temporary fix in production code.</p>"
        "</blockquote><p>— Anonymous engineer</p>"
    )
    art = extract_article(html, "https://example.org/x")
    quote = next(b for b in art.blocks if b.kind == "quote")
    assert quote.attribution == "— Anonymous engineer"


# ------------------------------------------------------------------ links


def test_adjacent_links_keep_a_space(structure: Article) -> None:
    para = next(b for b in structure.blocks if "ninth field" in b.text)
    assert "gawk manual POSIX awk for details" in para.text
    anchors = [para.text[r.start : r.end] for r in para.links]
    assert anchors == ["gawk manual", "POSIX awk", "our notes on fields"]


def test_formatting_split_inside_a_word_stays_one_word() -> None:
    # "<b>a</b><b>nd</b>" is one word on the page (a CNN page of newspaper4k's test suite,
    # a zyte-dev heading "Game D<span>ay</span>"): only adjacent links get a space back
    prose = "<p>" + "The storm moved east across the plains and the coast overnight. " * 12 + "</p>"
    html = (
        "<html><body><article>" + prose + "<p><strong>... </strong><strong>a</strong>"
        "<strong>nd automobiles</strong> were <em>un</em><em>affected</em> by "
        '<a href="/a">trains</a><a href="/b">planes</a> today.</p>'
        + prose
        + "</article></body></html>"
    )
    para = next(
        b for b in extract_article(html, "https://example.org/x").blocks if "automobiles" in b.text
    )
    assert para.text == "... and automobiles were unaffected by trains planes today."


def test_links_numbered_absolute_and_only_http(structure: Article) -> None:
    assert [lk.number for lk in structure.links] == [1, 2, 3]
    assert structure.links[2].href == "https://example.org/docs/fields.html"  # relative resolved
    assert all(lk.href.startswith(("http://", "https://")) for lk in structure.links)
    para = next(b for b in structure.blocks if "ninth field" in b.text)
    assert "this button" in para.text  # the javascript: link stays as plain text
    last = next(b for b in structure.blocks if b.text.startswith("Questions?"))
    assert last.links == ()  # mailto: is not a link


def test_link_refs_point_at_anchor_text(boxes: Article) -> None:
    for block in boxes.blocks:
        for ref in block.links:
            link = boxes.links[ref.number - 1]
            assert block.text[ref.start : ref.end] == link.text


def test_relative_links_without_url_use_canonical() -> None:
    html = _page(
        '<p>See <a href="/other/">the other story</a> for more background about it.</p>',
        head='<link rel="canonical" href="https://news.example/story/">',
    )
    art = extract_article(html, "")
    assert art.links and art.links[0].href == "https://news.example/other/"


# ------------------------------------------------------------------ layer (a): rules as data


@pytest.mark.parametrize(
    "needle",
    [
        "Los mejores ratones inalámbricos baratos",  # div box
        "Cómo limpiar el teclado del portátil",  # p > strong + a, between paragraphs
        "Guía de monitores para el escritorio",  # aside after a list
        "Tablets para tomar apuntes en clase",  # marker after a quote, no colon
        "Ofertas de la vuelta al cole",  # label + link, no known marker
        "Síguenos en Twitter",  # follow-me line
        "Etiquetas",  # tag list (selector)
        "Tecnología útil explicada con calma",  # tagline
    ],
)
def test_boilerplate_is_gone(boxes: Article, needle: str) -> None:
    assert needle not in boxes.text


def test_content_sentences_survive(boxes: Article) -> None:
    assert "Más información en la web del fabricante." in boxes.text
    assert "Una pantalla de 14 pulgadas" in boxes.text
    assert boxes.links[0].href == "https://tienda.example/portatiles"


def test_removals_name_their_rule(boxes: Article) -> None:
    rules = _rules(boxes)
    assert "marker:es:Te puede interesar" in rules
    assert "marker:es:Relacionado" in rules
    assert "structure:label-link" in rules
    assert any(r.startswith("follow:") for r in rules)
    assert any(r.startswith("selector:") for r in rules)


@pytest.mark.parametrize(
    ("box", "title", "lang_rule"),
    [
        (
            '<div class="box"><p><strong>À lire aussi :</strong> '
            '<a href="/a/">Un autre article sur les batteries</a></p></div>',
            "Un autre article",
            "marker:fr:",
        ),
        (
            '<p><b>Leggi anche:</b> <a href="/b/">Un altro articolo sulle batterie</a></p>',
            "Un altro articolo",
            "marker:it:",
        ),
        (
            '<p>Lesen Sie auch: <a href="/c/">Ein anderer Artikel über Akkus</a></p>',
            "Ein anderer Artikel",
            "marker:de:",
        ),
        (
            '<p>📌 LEIA TAMBÉM: <a href="/d/">Outra matéria sobre baterias</a></p>',
            "Outra matéria",
            "marker:pt:",
        ),
        (
            '<p><em>Read also</em> <a href="/e/">Another story about batteries</a></p>',
            "Another story",
            "marker:en:",
        ),
    ],
)
def test_marker_boxes_in_other_languages(box: str, title: str, lang_rule: str) -> None:
    art = extract_article(_page(box, between=True), "https://site.example/story/")
    assert title not in art.text
    assert _PARA_TEXT in art.text
    rules = [r.rule for r in art.removed if title in r.text]
    assert rules and rules[0].startswith(lang_rule), art.removed


def test_marker_word_inside_prose_is_kept() -> None:
    html = _page(
        "<p>Lee también el manual antes de tocar la configuración, que es lo más sensato.</p>"
    )
    art = extract_article(html, "https://site.example/story/")
    assert "Lee también el manual" in art.text


def test_feed_content_boxes_and_footer() -> None:
    art = extract_article(
        _load("feed_item.html"), "https://portal.example/pt/nova-versao/", source="feed"
    )
    assert art.source == "feed"
    assert "Outra notícia" not in art.text
    assert "appeared first on" not in art.text
    quote = next(b for b in art.blocks if b.kind == "quote")
    assert quote.attribution == "— Ana Souza, gerente de produto"
    assert [lk.href for lk in art.links] == ["https://empresa.example/blog/bateria"]
    assert {"marker:pt:Leia também", "footer:en:appeared first on"} <= _rules(art)


def test_user_selector_and_marker() -> None:
    rules = load_rules({"selectors": [".promo-x"], "markers": {"es": ["Chollo del día"]}})
    html = _page(
        '<div class="promo-x"><p>Compra ya este producto maravilloso con descuento.</p></div>'
        '<p>Chollo del día: <a href="/o/">Auriculares a mitad de precio</a></p>',
        between=True,
    )
    art = extract_article(html, "https://site.example/story/", rules=rules)
    assert "Compra ya" not in art.text
    assert "Auriculares a mitad" not in art.text
    assert "selector:.promo-x" in _rules(art)
    assert "marker:es:Chollo del día" in _rules(art)


def test_site_rules_apply_to_their_host_only() -> None:
    rules = load_rules({"sites": {"site.example": {"selectors": ["p.kicker"]}}})
    html = _page(
        '<p class="kicker">Exclusive scoop from our desk with many words here.</p>', between=True
    )
    hit = extract_article(html, "https://www.site.example/a", rules=rules)
    miss = extract_article(html, "https://other.example/a", rules=rules)
    assert "Exclusive scoop" not in hit.text
    assert "Exclusive scoop" in miss.text


# ------------------------------------------------------------------ layer (b): structure


def test_table_of_contents_duplicating_headings() -> None:
    html = _page(
        '<div class="toc-box"><ul><li><a href="#one">First part of the story</a></li>'
        '<li><a href="#two">Second part of the story</a></li></ul></div>'
        "<h2>First part of the story</h2>" + _PARA + "<h2>Second part of the story</h2>" + _PARA
    )
    art = extract_article(html, "https://site.example/story/")
    assert sum(1 for b in art.blocks if b.kind == "list") == 0


def test_translated_brand_names_are_content() -> None:
    html = _page(
        "<p>Abre Ventanas 11 y publica en Gorjeo tu captura, así de fácil es el proceso.</p>"
    )
    art = extract_article(html, "https://site.example/story/")
    assert "Ventanas 11" in art.text and "Gorjeo" in art.text


# ------------------------------------------------------------------ layer (c): repetition


def test_repetition_needs_several_articles() -> None:
    plug = "Nuestro equipo prueba cada producto durante dos semanas"  # a site-wide disclaimer
    stats: SiteStats | None = None
    for i in range(4):
        own = f"Noticia número {i} con su propio texto distinto del resto. " * 12
        html = _page(f"<p>{own}</p><p>{plug}</p>")
        art = extract_article(html, f"https://site.example/n{i}/", site_stats=stats)
        if i < 3:
            assert plug in art.text, i
        else:
            assert plug not in art.text
            assert ("repeated", plug) in {(r.rule, r.text) for r in art.removed}
        stats = update_site_stats(stats, art)
    assert stats is not None and stats.articles == 4
    assert pickle.loads(pickle.dumps(stats)) == stats


def test_a_section_heading_every_review_shares_is_kept_chrome_headings_are_not() -> None:
    """ "Conclusiones" opens this article's own text; "Artículos relacionados" opens links."""
    stats: SiteStats | None = None
    for i in range(6):
        own = f"Análisis número {i}: la batería dura lo que promete y la pantalla convence. " * 6
        related = "".join(
            f'<li><a href="https://site.example/otra-{i}-{k}/">Otra noticia {i}{k} del sitio</a></li>'
            for k in range(4)
        )
        html = _page(
            f"<p>{own}</p><h2>Conclusiones del análisis</h2><p>Veredicto {i}: {own}</p>"
            f"<h2>Artículos relacionados</h2><ul>{related}</ul>"
            f"<h2>Suscríbete al boletín</h2><p>Cada semana, lo mejor del sitio en tu correo.</p>"
        )
        art = extract_article(html, f"https://site.example/r{i}/", site_stats=stats)
        stats = update_site_stats(stats, art)
    removed = {r.text: r.rule for r in art.removed}
    assert "Conclusiones del análisis" in art.text and f"Veredicto {i}" in art.text
    assert removed.get("Suscríbete al boletín") == "repeated"
    assert removed.get("Cada semana, lo mejor del sitio en tu correo.") == "repeated"
    assert "Artículos relacionados" not in art.text and "Otra noticia" not in art.text


def test_repetition_ignores_long_blocks() -> None:
    long_text = _PARA_TEXT + " " + _PARA_TEXT.lower()
    html = _page(f"<p>{long_text}</p>")
    stats = SiteStats()
    for i in range(5):
        stats = update_site_stats(stats, extract_article(html, f"https://site.example/{i}/"))
    again = extract_article(html, "https://site.example/b/", site_stats=stats)
    assert long_text in again.text


def test_repetition_never_empties_an_article() -> None:
    html = _page("")
    stats = SiteStats()
    for i in range(5):
        stats = update_site_stats(stats, extract_article(html, f"https://site.example/{i}/"))
    again = extract_article(html, "https://site.example/b/", site_stats=stats)
    assert _PARA_TEXT in again.text


# ------------------------------------------------------------------ helpers

_PARA_TEXT = (
    "Los fabricantes han presentado esta semana sus novedades para el próximo trimestre, con "
    "precios más ajustados y una autonomía que por fin supera las diez horas de uso real en "
    "las pruebas que hemos hecho en la redacción durante varios días seguidos."
)
_PARA = f"<p>{_PARA_TEXT}</p>"


def _page(inner: str, *, head: str = "", between: bool = False) -> str:
    body = f"{_PARA}{inner}{_PARA}" if between else f"{_PARA}{_PARA}{inner}"
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Story</title>{head}</head>"
        f"<body><article><h1>Story</h1>{body}</article></body></html>"
    )


def test_a_declared_feed_language_spares_the_detection_unless_the_text_contradicts_it() -> None:
    from tui_reader.extract import metadata as xp

    calls: list[str] = []

    def counted(text: str) -> str:
        calls.append(text)
        return xp.detect_language(text)

    fragment = "<p>" + "The fox jumps over the dog and the cat, and it is not the end. " * 60
    text = extract_article(fragment + "</p>", "https://a.example/1", source="feed").text
    # What extraction decides with the declaration it is handed (`checked_language`):
    assert xp.checked_language("en", text, detect=counted) == "en" and calls == []
    assert xp.checked_language("es", text, detect=counted) == "en" and len(calls) == 1, (
        "the text is plainly not Spanish"
    )
    assert xp.checked_language("", text, detect=counted) == "en" and len(calls) == 2
    # and that it is handed the feed's declaration, as a primary code:
    for declared in ("en-GB", "es-ES", ""):
        article = extract_article(
            fragment + "</p>", "https://a.example/1", source="feed", language=declared
        )
        assert article.language == "en"


def test_language_detection_reads_a_bounded_sample() -> None:
    import py3langid

    from tui_reader.extract import metadata as xp

    seen: list[int] = []

    def counted(text: str) -> Any:
        seen.append(len(text))
        return py3langid.classify(text)

    text = "Hola, esto es un texto en castellano. " * 400
    assert xp.detect_language(text, classify=counted) == "es"
    assert seen == [xp.LANGUAGE_SAMPLE]
