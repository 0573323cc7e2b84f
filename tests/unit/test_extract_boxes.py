"""The box model: boxes inside paragraphs, the evidence guard, category links, site shapes."""

from __future__ import annotations

from tui_reader.extract import SiteStats, extract_article, load_rules, update_site_stats
from tui_reader.models import Article

URL = "https://noticias.example/2026/una-historia/"
PROSE = (
    "La empresa ha presentado esta semana su nuevo portátil, que llegará a las tiendas antes del "
    "verano con un precio contenido y una batería que dura más de lo habitual en su categoría."
)
PROSE2 = (
    "Los primeros análisis apuntan a un consumo menor que el del modelo anterior, y los técnicos "
    "consultados destacan que apenas se calienta durante las pruebas más exigentes de la semana."
)


def _page(body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>Historia</title>"
        f"{head}</head><body><article><h1>Historia</h1>{body}</article></body></html>"
    )


def _texts(article: Article) -> str:
    return "\n".join(b.text for b in article.blocks)


def _rules_of(article: Article) -> list[str]:
    return [r.rule for r in article.removed]


def test_a_box_after_a_line_break_goes_and_the_paragraph_stays() -> None:
    body = (
        f"<p>{PROSE}<br><span class='q81'>Lectura del día: "
        f"<a href='/2026/otra-historia-del-sitio/'>Otra historia del mismo sitio web</a>"
        f"</span></p><p>{PROSE2}</p>"
    )
    art = extract_article(_page(body), URL)
    text = _texts(art)
    assert PROSE in text and PROSE2 in text
    assert "Otra historia" not in text
    assert "structure:label-link" in _rules_of(art)


def test_an_inline_element_styled_as_a_block_is_a_box_of_its_own() -> None:
    styled = (
        f"<p>{PROSE} <small style='display: block; border: 1px solid'>Más aquí ⇒ "
        f"<a href='/2026/otra/'>Cómo elegir un portátil para estudiar</a></small></p>"
        f"<p>{PROSE2}</p>"
    )
    by_class = (
        f"<p>{PROSE} <span class='zz9'>Más aquí ⇒ "
        f"<a href='/2026/otra/'>Cómo elegir un portátil para estudiar</a></span></p>"
        f"<p>{PROSE2}</p>"
    )
    css = "<style>.zz9 { margin: 0; display:block }</style>"
    for page in (_page(styled), _page(by_class, css)):
        art = extract_article(page, URL)
        assert PROSE in _texts(art) and "Cómo elegir" not in _texts(art)


def test_the_same_inline_element_without_block_display_stays_in_the_text() -> None:
    body = (
        f"<p>{PROSE} <span class='zz9'>Más aquí ⇒ "
        f"<a href='/2026/otra/'>Cómo elegir un portátil para estudiar</a></span></p>"
    )
    art = extract_article(_page(body, "<style>.zz9 { color: red }</style>"), URL)
    assert "Cómo elegir un portátil" in _texts(art)


def test_a_label_line_and_the_link_line_under_it_go_together() -> None:
    body = (
        f"<p>{PROSE}<br><b>En la misma serie</b><br>"
        f"<a href='/2026/otra/'>Cómo elegir un portátil para estudiar</a></p><p>{PROSE2}</p>"
    )
    text = _texts(extract_article(_page(body), URL))
    assert PROSE in text and "En la misma serie" not in text and "Cómo elegir" not in text


def test_a_follow_footer_with_machine_translated_network_names_goes() -> None:
    body = (
        f"<p>{PROSE}</p><p>{PROSE2}</p><p><em>¿Te gustan nuestras historias? Síguenos en "
        "<a href='https://twitter.com/x'>Gorjeo</a> y <a href='https://facebook.com/x'>"
        "Facebook</a> o con nuestro <a href='/feed/'>RSS</a>.</em></p>"
    )
    art = extract_article(_page(body), URL)
    assert "Gorjeo" not in _texts(art)


def test_a_category_link_alone_at_the_top_goes() -> None:
    body = f"<p><a href='/seccion/portatiles/'>Portátiles</a></p><p>{PROSE}</p><p>{PROSE2}</p>"
    art = extract_article(_page(body), URL)
    # trafilatura may drop it itself; either way it is not the article's first line
    assert _texts(art).split("\n")[0] == PROSE


def test_article_like_text_is_never_removed_as_a_share_bar() -> None:
    blog = (
        "En un artículo publicado en el <a href='https://blog.x.com/engineering/'>blog oficial</a>"
        " de la red social, sus ingenieros explican que la función llegará primero a Europa y que "
        "los resultados se compartirán con investigadores de la <a href='https://uni.example/'>"
        "universidad</a> antes de ampliarla al resto de países del mundo."
    )
    art = extract_article(_page(f"<p>{PROSE}</p><p>{blog}</p><p>{PROSE2}</p>"), URL)
    assert "blog oficial de la red social" in _texts(art)
    assert "https://blog.x.com/engineering/" in [lk.href for lk in art.links]


def test_a_credit_line_to_another_site_stays() -> None:
    credit = "<p>Fuente: <a href='https://agencia.example/n'>Agencia Norte</a></p>"
    body = f"<p>{PROSE}</p><p>{PROSE2}</p>{credit}"
    assert "Fuente: Agencia Norte" in _texts(extract_article(_page(body), URL))


def test_a_site_learns_a_box_label_the_lexicon_does_not_know() -> None:
    rules = load_rules()
    stats: SiteStats | None = None

    def page(k: int) -> str:
        return _page(
            f"<p>{PROSE} Número {k}.</p><p>Y no te vayas sin ver "
            f"<a href='/2026/historia-{k}/'>La historia número {k} de esta semana</a></p>"
            f"<p>{PROSE2} Fin {k}.</p>"
        )

    first = extract_article(page(0), f"{URL}0", rules=rules)
    assert "La historia número 0" in _texts(first)  # alone, nothing tells it is a box
    for k in range(1, 5):
        art = extract_article(page(k), f"{URL}{k}", rules=rules, site_stats=stats)
        stats = update_site_stats(stats, art, rules.repetition)
    last = extract_article(page(9), f"{URL}9", rules=rules, site_stats=stats)
    assert "La historia número 9" not in _texts(last)
    assert "site:shape:y no te vayas sin ver" in _rules_of(last)
    assert PROSE in _texts(last)


def test_a_credit_line_repeated_across_a_site_is_not_a_shape() -> None:
    rules = load_rules()
    stats: SiteStats | None = None
    for k in range(6):
        body = (
            f"<p>{PROSE} {k}.</p><p>{PROSE2}</p>"
            f"<p>Fuente: <a href='https://agencia{k}.example/n'>Agencia número {k}</a></p>"
        )
        art = extract_article(_page(body), f"{URL}{k}", rules=rules, site_stats=stats)
        assert f"Agencia número {k}" in _texts(art)
        stats = update_site_stats(stats, art, rules.repetition)


def test_the_fast_path_is_checked_for_little_text_links_and_navigation() -> None:
    from tui_reader.extract.convert import RawBlock, RawLink
    from tui_reader.extract.fallback import thin_reason

    article = [RawBlock("paragraph", PROSE), RawBlock("paragraph", PROSE2)] * 3
    assert thin_reason(article) == ""
    assert thin_reason([]) == "nothing found"
    assert "characters of prose" in thin_reason([RawBlock("paragraph", PROSE)])
    menu = [RawBlock("paragraph", w, links=[RawLink(0, len(w), "/x")]) for w in ["Inicio"] * 8]
    assert "links" in thin_reason(menu)
    nav = [RawBlock("paragraph", "Portada y más") for _ in range(12)] + article[:2]
    assert "navigation" in thin_reason(nav * 2)


def test_the_full_path_runs_only_when_the_page_has_more_paragraph_text() -> None:
    from lxml import html as lxml_html

    from tui_reader.extract.convert import RawBlock
    from tui_reader.extract.fallback import worth_the_full_path

    two = [RawBlock("paragraph", PROSE), RawBlock("paragraph", "Suscríbete al boletín.")]
    long_page = lxml_html.fromstring(_page("".join(f"<p>{PROSE} {k}</p>" for k in range(20))))
    short_page = lxml_html.fromstring(_page(f"<p>{PROSE}</p><p>Suscríbete al boletín.</p>"))
    assert "characters of prose" in worth_the_full_path(two, long_page)
    assert worth_the_full_path(two, short_page) == ""  # a short page is short
    assert worth_the_full_path([], short_page) == "nothing found"


def test_a_short_list_of_links_to_other_sites_under_a_label_stays() -> None:
    from tui_reader.extract.boilerplate import BlockContext, PreInfo, filter_blocks
    from tui_reader.extract.compiled import compile_rules
    from tui_reader.extract.convert import RawBlock, RawLink

    rules = load_rules()
    ctx = BlockContext(URL, "Historia", rules, compile_rules(rules), PreInfo(), None, "page")

    def blocks(href_a: str, href_b: str) -> list[RawBlock]:
        items = "Tienda Uno\nTienda Dos"
        links = [RawLink(0, 10, href_a), RawLink(11, 21, href_b)]
        return [
            RawBlock("paragraph", PROSE),
            RawBlock("paragraph", "Dónde comprarlo:"),
            RawBlock("list", items, links=links),
            RawBlock("paragraph", PROSE2),
        ]

    # trafilatura often drops such a list itself; the label rule must not
    elsewhere = blocks("https://tienda-uno.example/p/1", "https://tienda-dos.example/p/1")
    kept = filter_blocks(elsewhere, ctx, [])
    assert [b.text for b in kept] == [b.text for b in elsewhere]
    own = blocks("https://noticias.example/2026/a/", "https://noticias.example/2026/b/")
    assert [b.text for b in filter_blocks(own, ctx, [])] == [PROSE, PROSE2]


def test_a_box_marked_up_as_a_quote_or_with_the_label_after_the_link_goes() -> None:
    quote_box = (
        "<blockquote><p><strong>En la misma línea</strong></p>"
        "<p><a href='/2026/otra/'>Cómo elegir un portátil para estudiar</a></p></blockquote>"
    )
    label_after = (
        "<p><a href='/2026/otra/'>Cómo elegir un portátil para estudiar</a> (merece la pena)</p>"
    )
    real_quote = "<blockquote><p>Queremos que cualquiera pueda repararlo en casa</p></blockquote>"
    for box in (quote_box, label_after):
        art = extract_article(_page(f"<p>{PROSE}</p>{box}{real_quote}<p>{PROSE2}</p>"), URL)
        assert "Cómo elegir" not in _texts(art)
        assert "Queremos que cualquiera pueda repararlo en casa" in _texts(art)


def test_a_quote_that_is_only_a_box_label_goes_and_a_quote_that_starts_with_one_stays() -> None:
    """trafilatura drops the link of a quote-box and leaves its label as the quote: a quote
    whose only text is a lexicon label is chrome; a quote with words of its own is not."""
    link = "<p><a href='/2026/otra/'>Cómo elegir un portátil para estudiar</a></p>"
    for box in (
        f"<blockquote><p><strong>Te puede interesar</strong></p>{link}</blockquote>",
        "<blockquote><p>Te puede interesar:</p></blockquote>",
    ):
        art = extract_article(_page(f"<p>{PROSE}</p>{box}<p>{PROSE2}</p>"), URL)
        assert "interesar" not in _texts(art)
        assert "marker:es:Te puede interesar" in _rules_of(art)
        assert PROSE in _texts(art) and PROSE2 in _texts(art)
    words = "Te puede interesar saber que el equipo repara los portátiles en casa."
    art = extract_article(
        _page(f"<p>{PROSE}</p><blockquote><p>{words}</p></blockquote><p>{PROSE2}</p>"), URL
    )
    assert words in _texts(art)


def test_a_box_title_on_its_own_line_may_be_longer_than_an_inline_label() -> None:
    """Above the line that is the link, the line break is the separator: a title of up to
    8 words (machine translation lengthens them), as a paragraph of its own or after the text
    of one, goes with the link; a longer line, or one that ends a sentence, is text: it stays."""
    link = "<a href='/2026/otra/'>Cómo elegir un portátil para estudiar</a>"
    title = "Otra lectura que de verdad no deberías perderte"  # 8 words
    alone = f"<p>{PROSE}</p><p><b>{title}</b><br>{link}</p>"
    after_text = f"<p>{PROSE}<br><b>{title}</b><br>{link}</p>"
    for body in (alone, after_text):
        text = _texts(extract_article(_page(f"{body}<p>{PROSE2}</p>"), URL))
        assert title not in text and "Cómo elegir" not in text
        assert PROSE in text and PROSE2 in text
    longer = "Otra lectura del mismo autor que de verdad no deberías perderte"  # 11 words
    sentence = "Lo explicamos con detalle en este otro artículo."
    for line in (longer, sentence):
        for body in (
            f"<p>{PROSE}</p><p><b>{line}</b><br>{link}</p>",
            f"<p>{PROSE}<br><b>{line}</b><br>{link}</p>",
        ):
            text = _texts(extract_article(_page(f"{body}<p>{PROSE2}</p>"), URL))
            assert line in text  # (the link line alone still goes: a same-site title)


def _comments_page(wrapper_class: str) -> str:
    comments = "".join(
        f"<div class='sf_comment_item'><p>Lector {i} · Hace {i} horas</p><p>{PROSE2} Opino {i}.</p></div>"
        for i in range(4)
    )
    return (
        "<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>Historia</title></head>"
        f"<body><div class='{wrapper_class}'><h1>Historia</h1><p>{PROSE}</p><p>{PROSE2}</p>"
        "<div class='inline-article-recirc'><h2>Lo más leído</h2><ul>"
        "<li><span>La otra </span><a href='/2026/otra/'>historia del día</a></li>"
        "<li><a href='/2026/mas/'>Más historias</a><span> de la semana</span></li></ul></div>"
        f"<p>{PROSE} Fin.</p></div><div id='sf_comment_list'>{comments}</div></body></html>"
    )


def test_comment_sections_and_recirculation_boxes_go_by_a_part_of_their_class_or_id() -> None:
    # "sf_comment_list": trafilatura's comment filter knows only names starting with "comment"
    art = extract_article(_comments_page("entry"), URL)
    text = _texts(art)
    assert PROSE in text and "Fin." in text
    assert "Opino" not in text and "Lector" not in text
    assert "Lo más leído" not in text and "historia del día" not in text
    assert {"selector:*comments*", "selector:*recirc*"} <= set(_rules_of(art))


def test_a_wrapper_of_the_headline_is_never_a_comment_box() -> None:
    # a theme's post wrapper whose class says comments are open holds the article itself
    art = extract_article(_comments_page("post comments-open"), URL)
    assert PROSE2 in _texts(art) and "Fin." in _texts(art)
    assert "Opino" not in _texts(art)


def test_a_heading_with_nothing_under_it_goes_and_a_section_heading_stays() -> None:
    body = (
        f"<h2>El precio</h2><p>{PROSE}</p><h2>La batería</h2><h3>En pruebas</h3><p>{PROSE2}</p>"
        f"<h2>Te puede gustar</h2><h2>Galerías</h2><p>{PROSE} Galería.</p>"
    )
    art = extract_article(_page(body), URL)
    headings = [b.text for b in art.blocks if b.kind == "heading"]
    # the title of a box trafilatura dropped goes; an h2 over an h3 is a section and stays
    assert headings == ["El precio", "La batería", "En pruebas", "Galerías"]
    assert "structure:empty-heading" in _rules_of(art)


def test_an_opinion_body_marked_as_the_article_is_never_a_comment_box() -> None:
    # "content-type--comment": an opinion column's body, the headline outside it
    page = (
        "<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>Opinión</title></head>"
        "<body><h1>Opinión</h1><div class='content-type--comment' itemprop='articleBody'>"
        f"<p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE} Fin.</p></div></body></html>"
    )
    art = extract_article(page, URL)
    assert "Fin." in _texts(art) and PROSE2 in _texts(art)
