"""Fuzzing: feed bytes -> the pipeline's per-feed update -> store; page HTML -> article -> output.

Deterministic (derandomize) and bounded, so it is CI-fast. The feed property runs the real
`pipeline.update` for one feed, with the HTTP fetcher replaced by one that returns the fuzzed
bytes, and a thread pool for parsing and extraction: everything after the socket is the code a
cron fetch runs. tests/unit/test_extract_props.py already fuzzes extract_article on fragments;
the page property here adds whole pages with hostile head metadata and checks the rendered
output the CLI prints.
"""

from __future__ import annotations

import asyncio
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hardening_kit import FORBIDDEN, forbidden_in, record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_reader import pipeline
from tui_reader.config import Config, FeedConfig, FetchConfig, StorageConfig
from tui_reader.feeds.fetch import FetchError, FetchResult
from tui_reader.feeds.politeness import Politeness
from tui_reader.models import FetchSummary
from tui_reader.render import article_markdown, article_text
from tui_reader.store import Store

FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEED_URL = "http://fuzz.example/feed"

NASTY = [
    "\x1b[31m",
    "\x1b]52;c;cm0gLXJm\x07",
    "\x1b]8;;http://evil/\x1b\\",
    "\x9b2J",
    "\x90dcs\x9c",
    "\x85",
    "\x00",
    "\x07",
    "\u202e",
    "\u2066",
    "\u200f",
    "\ufeff",
    "\ud800",
    "&#27;",
    "&#x9b;",
    "&#8238;",
    "&amp;#27;",
    "&lol;",
    "<![CDATA[",
    "]]>",
    "<b>",
    "</i>",
    "<",
    "&",
    "[bold]",
    "\r\n",
    "\t",
]
_text = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(NASTY)), max_size=6).map("".join)
_link = st.one_of(
    st.sampled_from(
        [
            "http://fuzz.example/a",
            "https://fuzz.example/b?utm_source=x",
            "/relativo",
            "relativo",
            "javascript:alert(1)",
            "data:text/html,x",
            "file:///etc/passwd",
            "http://fuzz.example/\x1b[2J",
            "http://[::1",
            "http://fuzz.example/" + "x" * 5000,
            "",
        ]
    ),
    _text.map(lambda t: "http://fuzz.example/" + t),
)
_date = st.sampled_from(
    [
        "Mon, 01 Jan 2024 10:00:00 GMT",
        "Tue, 31 Dec 2999 23:59:59 GMT",
        "2024-13-45T99:99:99Z",
        "",
        "ayer",
        "Mon, 31 Feb 99999 25:61:00 GMT",
        "0",
    ]
)


@st.composite
def feed_bytes(draw: Any) -> bytes:
    atom = draw(st.booleans())
    items = []
    for _ in range(draw(st.integers(0, 4))):
        title, link, guid = draw(_text), draw(_link), draw(st.one_of(st.none(), _text, _link))
        summary, content, author, date = draw(_text), draw(_text), draw(_text), draw(_date)
        if atom:
            items.append(
                f"<entry><title>{title}</title><link href='{link}'/><id>{guid or ''}</id>"
                f"<author><name>{author}</name></author><updated>{date}</updated>"
                f"<summary type='html'>{summary}</summary>"
                f"<content type='html'>{content}</content></entry>"
            )
        else:
            items.append(
                f"<item><title>{title}</title><link>{link}</link><guid>{guid or ''}</guid>"
                f"<author>{author}</author><pubDate>{date}</pubDate>"
                f"<description>{summary}</description>"
                f"<content:encoded><![CDATA[<p>{content}</p>]]></content:encoded></item>"
            )
    title = draw(_text)
    doctype = draw(
        st.sampled_from(
            ["", '<!DOCTYPE rss [<!ENTITY lol "lol&lol;"><!ENTITY x SYSTEM "file:///etc/passwd">]>']
        )
    )
    if atom:
        doc = (
            f'<?xml version="1.0" encoding="utf-8"?>{doctype}'
            f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>'
            f"<link href='http://fuzz.example/'/>{''.join(items)}</feed>"
        )
    else:
        doc = (
            f'<?xml version="1.0" encoding="utf-8"?>{doctype}<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>{title}</title><link>http://fuzz.example/</link>"
            f"{''.join(items)}</channel></rss>"
        )
    data = doc.encode("utf-8", "surrogatepass")
    mutation = draw(st.sampled_from(["none", "truncate", "flip", "latin1"]))
    if mutation == "truncate" and data:
        data = data[: draw(st.integers(0, len(data)))]
    elif mutation == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    elif mutation == "latin1":
        data = doc.encode("latin-1", "replace")
    return data


class _BytesFetcher:
    """The run's retriever (`ports.Retriever`): the feed URL answers the fuzzed bytes, pages fail."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.politeness = Politeness(2)

    async def fetch(self, url: str, **kwargs: Any) -> FetchResult:
        if url != FEED_URL:
            raise FetchError("no network in the fuzzer")
        headers = {"content-type": "application/rss+xml"}
        return FetchResult(url, url, 200, headers, self.body, permanent_url=url)


def _update(data: bytes, tmp: Path, executor: ThreadPoolExecutor) -> tuple[FetchSummary, Store]:
    config = Config(
        storage=StorageConfig(data_dir=tmp / "data", cache_dir=tmp / "cache"),
        fetch=FetchConfig(workers=1, fulltext="auto"),
        feeds=(FeedConfig(url=FEED_URL, fulltext=False),),
    )
    store = Store(tmp / "data", tmp / "cache")
    summary = asyncio.run(
        pipeline.update(
            config, store, fulltext=False, executor=executor, retriever=_BytesFetcher(data)
        )
    )
    return summary, store


@pytest.fixture(scope="module")
def executor() -> Any:
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield pool


@FUZZ
@given(data=feed_bytes())
def test_any_feed_bytes_are_stored_clean_or_refused_in_one_line(
    data: bytes, executor: ThreadPoolExecutor
) -> None:
    with tempfile.TemporaryDirectory() as name:
        summary, store = _update(data, Path(name), executor)
        try:
            (result,) = summary.results
            assert result.outcome in ("ok", "failed"), result
            if result.outcome == "failed":
                assert result.error and "\n" not in result.error
                assert not FORBIDDEN.search(result.error), forbidden_in(result.error)
                assert store.rows(FEED_URL) == []
            for row in store.rows(FEED_URL):
                entry = store.entry(row.id)
                assert entry is not None
                line_fields = (entry.title, entry.author, entry.site, entry.url, row.title)
                for value in line_fields:
                    assert not FORBIDDEN.search(value), forbidden_in(value)
                assert not FORBIDDEN.search(entry.summary.replace("\n", "")), entry.summary
                article = store.article(row.id)
                if article is not None:
                    for out in (article_text(article, entry), article_markdown(article)):
                        clean = out.replace("\n", "").replace("\t", "")
                        assert not FORBIDDEN.search(clean), forbidden_in(out)
            assert not store.check()
        finally:
            store.close()


_page_text = st.lists(st.one_of(st.text(max_size=20), st.sampled_from(NASTY)), max_size=8).map(
    "".join
)


@st.composite
def page(draw: Any) -> str:
    head = "".join(
        draw(
            st.lists(
                st.sampled_from(
                    [
                        "<title>{t}</title>",
                        "<meta name='author' content='{t}'>",
                        "<meta property='og:site_name' content='{t}'>",
                        "<meta property='og:title' content='{t}'>",
                        "<link rel='canonical' href='{t}'>",
                        "<meta http-equiv='refresh' content='0;url=javascript:{t}'>",
                        "<base href='{t}'>",
                    ]
                ),
                max_size=5,
            )
        )
    ).format(t=draw(_page_text).replace("'", "&#39;"))
    paras = "".join(
        f"<p>{draw(_page_text)} {'texto del artículo ' * draw(st.integers(0, 20))}"
        f"<a href='{draw(_link)}'>{draw(_page_text)}</a></p>"
        for _ in range(draw(st.integers(0, 5)))
    )
    return f"<!doctype html><html><head>{head}</head><body><article>{paras}</article></body></html>"


@FUZZ
@given(html=page(), url=st.sampled_from(["http://fuzz.example/a", "", "javascript:x"]))
def test_any_page_extracts_to_clean_output(html: str, url: str) -> None:
    from tui_reader.extract import extract_article

    article = extract_article(html, url)
    for out in (article_text(article), article_markdown(article)):
        clean = out.replace("\n", "").replace("\t", "")
        assert not FORBIDDEN.search(clean), forbidden_in(out)
    for link in article.links:
        assert "://" not in link.href or link.href.startswith(("http://", "https://"))


def test_fuzz_row() -> None:
    record(
        "fuzzing",
        f"{FUZZ.max_examples} generated RSS/Atom documents (hostile text, links, dates, DTDs; "
        "truncated, byte-flipped, Latin-1) through `pipeline.update`; "
        f"{FUZZ.max_examples} hostile pages through extract and render",
        "a failing feed: one line without controls",
        "no exception escapes; stored and printed text holds no control; `doctor`'s check is clean",
    )
