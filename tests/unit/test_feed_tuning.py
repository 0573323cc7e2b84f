"""feedparser's tuning (`feeds.tuning`) changes what it costs, never what it makes."""

from __future__ import annotations

import copy
import xml.sax
import xml.sax.expatreader

import feedparser
import feedparser.api
import feedparser.mixin
import feedparser.urls
import feedparser.util
import pytest
from feedserver import render

from tui_reader.feeds import tuning
from tui_reader.feeds.parse import parse_feed

BASE = "https://bitacora.example"
LINES = "\n".join(
    f"<p>L\u00ednea {i} con &amp; y <a href='/r/{i}'>enlace</a></p>" for i in range(3000)
)
TRICKY = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://tricky.example/blog/" xml:lang="es">
  <title type="html">Caf&#233; &amp; m&#225;s</title>
  <link href="./" />
  <entry xml:base="/sub/">
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Uno <b>dos</b></div></title>
    <link href="uno.html" />
    <id>tag:tricky.example,2024:1</id>
    <updated>2024-05-01T10:00:00+02:00</updated>
    <author><name>Ana</name><email>ana@tricky.example</email></author>
    <summary type="html"><![CDATA[<p>Resumen
en varias
l\u00edneas</p>]]></summary>
    <content type="html" xml:lang="pt"><![CDATA[{LINES}]]></content>
    <source><link href="https://origen.example/"/><title>Origen</title></source>
  </entry>
  <entry>
    <title>Dos</title>
    <link href="//cdn.tricky.example///dos" />
    <id>tag:tricky.example,2024:2</id>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>a</p>
<p>b &amp; c</p></div></content>
  </entry>
</feed>
""".encode()
FEEDS = [
    (render("wordpress_es.rss", BASE), f"{BASE}/feed/"),
    (render("atom_es.xml", BASE), f"{BASE}/feed/atom/"),
    (render("aggregator_a.rss", BASE, "https://otro.example"), f"{BASE}/agg/"),
    (TRICKY, "https://tricky.example/feed/"),
]


def _stock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feedparser.api, "PREFERRED_XML_PARSERS", ["drv_libxml2"])
    monkeypatch.setattr(feedparser.mixin, "_urljoin", tuning._stock_urljoin)
    monkeypatch.setattr(feedparser.urls, "_urljoin", tuning._stock_urljoin)
    monkeypatch.delattr(feedparser.util.FeedParserDict, "__deepcopy__")


@pytest.mark.parametrize("options", [{}, {"sanitize_html": False, "resolve_relative_uris": False}])
def test_feedparser_makes_the_same_with_and_without_the_tuning(
    monkeypatch: pytest.MonkeyPatch, options: dict[str, bool]
) -> None:
    tuned = [feedparser.parse(content, **options) for content, _ in FEEDS]
    with monkeypatch.context() as stock:
        _stock(stock)
        plain = [feedparser.parse(content, **options) for content, _ in FEEDS]
    assert [repr(dict(r)) for r in tuned] == [repr(dict(r)) for r in plain]
    tricky = tuned[-1]
    assert tricky.entries[0].content[0].value.count("</p>") == 3000  # beyond expat's buffer
    assert tricky.entries[0].link == "https://tricky.example/sub/uno.html"


def test_parse_feed_makes_the_same_with_and_without_the_tuning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tuned = [parse_feed(content, url, {}) for content, url in FEEDS]
    with monkeypatch.context() as stock:
        _stock(stock)
        plain = [parse_feed(content, url, {}) for content, url in FEEDS]
    # `now` differs for an undated item: compare what does not depend on it.
    dated = [
        [(i.title, i.link, i.summary, i.content_html, i.language) for i in f.items] for f in tuned
    ]
    assert dated == [
        [(i.title, i.link, i.summary, i.content_html, i.language) for i in f.items] for f in plain
    ]


def test_the_buffered_expat_reader_is_the_one_feedparser_uses() -> None:
    assert feedparser.api.PREFERRED_XML_PARSERS[0] == tuning.__name__
    reader = xml.sax.make_parser(feedparser.api.PREFERRED_XML_PARSERS)
    assert isinstance(reader, tuning.BufferedExpatParser)
    pieces: list[str] = []

    class Texts(xml.sax.ContentHandler):
        def characters(self, content: str) -> None:
            pieces.append(content)

    reader.setContentHandler(Texts())
    reader.feed(b"<a><![CDATA[uno\ndos\ntres]]></a>")
    reader.close()
    # expat alone reports this as five pieces (each line and each line break).
    assert pieces == ["uno\ndos\ntres"]


def test_the_join_and_the_copy_agree_with_the_stock_ones() -> None:
    for base, uri in [("", ""), ("", "http:///x.example//a"), ("", "rel/x"), ("https://a.example/b/", "../c"),
                      ("https://a.example/", "")]:  # fmt: skip
        assert tuning._urljoin(base, uri) == tuning._stock_urljoin(base, uri)
    params = feedparser.util.FeedParserDict(type="text/html", language=None, base="", value="v")
    params["nested"] = feedparser.util.FeedParserDict(links=[{"href": "h"}])
    made = copy.deepcopy(params)
    assert made == params and type(made) is feedparser.util.FeedParserDict
    assert made["nested"] is not params["nested"] and made["nested"]["links"] == [{"href": "h"}]
    assert made["nested"]["links"] is not params["nested"]["links"]
