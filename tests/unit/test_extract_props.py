"""Property tests: extract_article never raises and never returns control characters."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_reader.extract import extract_article
from tui_reader.models import Article

FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
FORBIDDEN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(art: Article) -> None:
    assert isinstance(art, Article)
    for block in art.blocks:
        assert not FORBIDDEN.search(block.text), repr(block.text)
        assert not FORBIDDEN_LINE.search(block.attribution)
        for ref in block.links:
            assert 0 <= ref.start < ref.end <= len(block.text)
            assert 1 <= ref.number <= len(art.links)
    for field in (art.title, art.author, art.site_name, art.language, art.url):
        assert not FORBIDDEN_LINE.search(field), repr(field)
    for link in art.links:
        assert not FORBIDDEN_LINE.search(link.text) and not FORBIDDEN_LINE.search(link.href)
        assert link.href.startswith(("http://", "https://")) or "://" not in link.href
    for r in art.removed:
        assert not FORBIDDEN.search(r.text)


_nasty = st.sampled_from(
    [
        "\x00",
        "\x1b[31m",
        "\x1b]0;title\x07",
        "\u202e",
        "\u2066",
        "\x9b2J",
        "\r\n",
        "\t",
        "\ud800",
        "\x85",
        "\u2028",
        "<",
        ">",
        "&",
        "&#0;",
        "&#x1b;",
        "&#x202e;",
        "<br>",
        "</p>",
        "<a href='",
    ]
)
_fragment = st.lists(
    st.one_of(
        st.text(max_size=30),
        _nasty,
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<a href='javascript:alert(1)'>",
                "<a href='/x'>",
                "</a>",
                "<blockquote>",
                "</blockquote>",
                "<ul><li>",
                "</li></ul>",
                "<h2>",
                "</h2>",
                "<pre>",
                "</pre>",
                "<cite>",
                "<script>",
                "</script>",
                "<title>",
                "</title>",
                "<table><tr><td>",
                "<figcaption>",
            ]
        ),
    ),
    max_size=40,
).map("".join)


@FAST
@given(_fragment, st.sampled_from(["page", "feed"]))
def test_never_raises_on_markup_soup(fragment: str, source: str) -> None:
    html = f"<html><head><title>{fragment}</title></head><body><article>{fragment * 3}</article></body></html>"
    _check(extract_article(html, "https://example.org/a", source=source))  # type: ignore[arg-type]


@FAST
@given(st.binary(max_size=2000), st.text(max_size=40))
def test_never_raises_on_binary(data: bytes, url: str) -> None:
    _check(extract_article(data, url))
    _check(extract_article(data, url, source="feed"))


@FAST
@given(st.text(max_size=300))
def test_never_raises_on_text(text: str) -> None:
    _check(extract_article(text, "http://example.org/"))


def test_enormous_input_is_bounded() -> None:
    para = "<p>" + "palabra " * 60 + "\x1b[2J\u202e</p>"
    html = "<html><body><article>" + para * 20000 + "</article></body></html>"  # ~10 MB
    art = extract_article(html, "https://example.org/big")
    _check(art)


def test_deep_nesting_does_not_raise() -> None:
    html = "<div>" * 5000 + "<p>deep text inside many divs</p>" + "</div>" * 5000
    _check(extract_article(html, "https://example.org/deep"))


def test_control_characters_in_content_are_removed() -> None:
    body = (
        "<p>Texto con escape \x1b[31mrojo\x1b[0m y bidi \u202eoculto\u202c y nulo \x00 aquí, "
        "con bastantes palabras para que el extractor lo considere el artículo principal.</p>"
    ) * 4
    html = f"<html><head><title>T\x1b]0;x\x07ítulo</title></head><body><article>{body}</article></body></html>"
    art = extract_article(html, "https://example.org/c")
    _check(art)
    assert "rojo" in art.text and "[31m" not in art.text


_URL_PIECES = st.lists(
    st.sampled_from(
        [
            "http://",
            "https://",
            "HTTP://",
            "a.example",
            "/",
            "//",
            "..",
            ".",
            "?",
            "#",
            ";",
            "x",
            "%2e",
            "[::1]",
            "@",
            ":80",
            " ",
            "\t",
            "\n",
            "ñ",
            "ａ",
            "=",
        ]
    ),
    max_size=8,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_URL_PIECES, st.sampled_from(["https://www.example.com/a/b.html", "http://example.com/"]))
def test_the_link_join_shortcut_gives_what_urljoin_gives(href: str, base: str) -> None:
    """`resolve._join` skips urljoin for absolute URLs its rebuild leaves as they are."""
    from urllib.parse import urljoin

    from tui_reader.extract.resolve import _join

    try:
        expected: str | None = urljoin(base, href)
    except ValueError:
        expected = None
    try:
        got: str | None = _join(base, href)
    except ValueError:
        got = None
    # where urljoin refuses the URL, `_resolve` still does: its urlsplit raises the same error
    assert got == expected or (expected is None and got == href)


def test_the_page_index_finds_what_each_walk_found() -> None:
    """`pageindex` walks the page once for what metadata steps used to find one walk each."""
    from tui_reader.extract.pageindex import index_page
    from tui_reader.extract.parse import parse_page

    page = (
        "<html lang='es'><head><meta charset='utf-8'><meta property='og:locale' content='es_ES'>"
        "<meta http-equiv='Content-Language' content='es'><base href='/x/'>"
        "<script type='application/ld+json'>{}</script><script>var a</script></head><body>"
        "<h1>Uno</h1><meta itemprop='datePublished' content='2026-01-02'><time>hoy</time>"
        "<article><h1>Dos</h1><time datetime='2026-01-02'>2 ene</time><base href='/y/'>"
        "<meta name='language' content='es'></article></body></html>"
    )
    root = parse_page(page)
    idx = index_page(root)
    assert idx.h1s == root.xpath("//h1") and len(idx.h1s) == 2
    assert idx.times == root.xpath("//time[@datetime]") and len(idx.times) == 1
    assert idx.bases == root.xpath("//base[@href]")
    assert idx.json_ld == root.xpath("//script[@type='application/ld+json']")
    assert idx.named_metas() == root.xpath("//meta[@property or @name or @itemprop]")
    assert len(idx.named_metas()) == 3
    assert idx.language_metas() == root.xpath(
        "//meta[@http-equiv='content-language' or @http-equiv='Content-Language'"
        " or @property='og:locale' or @name='language']"
    )
    assert len(idx.language_metas()) == 3


_QUOTE_SOUP = st.lists(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<blockquote>",
            "</blockquote>",
            "<figure>",
            "</figure>",
            "<cite>",
            "<cite class='c'>",
            "<cite style='display:block'>",
            "</cite>",
            "<footer>",
            "</footer>",
            "<span class='s'>",
            "<em style='x'>",
            "</span>",
            "</em>",
            "texto ",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_QUOTE_SOUP)
def test_one_walk_finds_what_the_two_walks_found(soup: str) -> None:
    """`repairs` splits one union's nodes into the inline-box candidates and the quote nodes,
    exactly as the two XPaths would each have found them."""
    from lxml import etree

    from tui_reader.extract import repairs
    from tui_reader.extract.parse import parse_page

    root = parse_page(f"<html><body>{soup}</body></html>")
    if root is None:
        return
    boxes, quotes = repairs._split(repairs._FIND[(True, True)](root))
    assert boxes == etree.XPath(repairs._BOXES)(root)
    assert quotes == etree.XPath(repairs._QUOTES)(root)
