"""No escape sequence, C0/C1 control or bidi control from a feed or page ever reaches a terminal.

Hostile strings go into every field a server controls (feed title, item title, author, summary,
content, link text, link URLs, page title and text, a redirect's Location), raw and as character
references, and are fetched through the real pipeline. Then the BYTES of every output are
checked: list, list --json, show, show --json, status, feeds list, extract (text, markdown,
json), fetch's error lines, the log file, and the reader's rendered screen.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from feedserver import Route
from hardening_kit import (
    FORBIDDEN,
    HostileServer,
    Item,
    cli,
    forbidden_in,
    normalise,
    recent,
    record,
    rss,
    write_config,
)

from tui_reader.config import load_config
from tui_reader.sanitize import is_safe_url
from tui_reader.store import Store
from tui_reader.ui.browser import SystemBrowser

OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x07"  # writes "rm -rf ~" to the clipboard
HYPERLINK = "\x1b]8;;http://evil.example/\x1b\\pulsa\x1b]8;;\x1b\\"
CLEAR = "\x1b[2J\x1b[H"
CSI8 = "\x9b31m"
C1 = "\x85\x8d\x90q\x9c\x9d0;t\x07"
C0 = "\x07\x08\x0b\x0c\x7f\x01\x1b"
BIDI = "\u202eevil\u202c \u2066iso\u2069 \u2067\u2068x\u2069\u200f\u061c"
MARKUP = "[bold]negrita[/bold] [link=http://x]enlace[/link]"
# Markup first and last: an unterminated control string swallows the rest of a line, as it
# would in a terminal.
NASTY = f"{MARKUP} {OSC52}A{HYPERLINK}B{CLEAR}C{CSI8}D{C1}E{C0}F{BIDI}G{MARKUP}"
# XML 1.0 cannot carry C0 controls, so a strict parser refuses them: the "raw" feed exercises
# feedparser's lenient fallback, the "refs" feed sends them as HTML character references.
REFS = "".join(f"&#{ord(c)};" if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F else c for c in NASTY)
BAD_HREFS = (
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
)
PARAGRAPH = (
    "Este párrafo es largo para que el extractor lo considere texto del artículo y no un "
    "adorno de la página; habla de procesadores, de terminales y de seguridad. "
)


def page_html(base: str, nasty: str) -> str:
    links = "".join(
        f'<p>{PARAGRAPH} Ver <a href="{escape(href)}">enlace {escape(nasty)} {i}</a>.</p>'
        for i, href in enumerate(BAD_HREFS)
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(nasty)} título de página</title>"
        f"<meta name='author' content='{escape(nasty)}'>"
        f"<link rel='canonical' href='{base}'></head><body><article>"
        f"<h1>{escape(nasty)} título de página</h1>"
        f"<p>{PARAGRAPH}{escape(nasty)}</p>"
        f"<p>{PARAGRAPH} Un <a href='{base}/otra?x=\x1b[2J'>enlace {escape(nasty)}</a> y "
        f"<a href='https://bien.example/ok'>uno bueno</a>.</p>{links}"
        f"<blockquote><p>{PARAGRAPH}{escape(nasty)}</p></blockquote>"
        f"<p>{PARAGRAPH * 3}</p></article></body></html>"
    )


def content_html(base: str, nasty: str) -> str:
    links = "".join(f'<a href="{escape(h)}">malo {escape(nasty)}</a> ' for h in BAD_HREFS)
    return (
        f"<p>{PARAGRAPH}{escape(nasty)}</p>"
        f"<p>{PARAGRAPH}<a href='{base}/rel?q=1'>relativo {escape(nasty)}</a> {links}</p>"
        f"<blockquote><p>{PARAGRAPH}{escape(nasty)}</p></blockquote>"
        f"<p>{PARAGRAPH * 6}</p>"
    )


def nasty_feed(server: HostileServer, name: str, *, refs: bool) -> bytes:
    base = server.url(f"/{name}")
    text = REFS if refs else NASTY
    items = [
        Item(
            title=f"Noticia {name} {i} {NASTY}",
            link=f"{base}/nota-{i}",
            guid=f"{name}-{i}{NASTY}",
            author=f"Autora {NASTY}",
            summary=f"<p>Resumen {text}</p>",
            content=content_html(base, text),
        )
        for i in range(2)
    ]
    items.append(Item(f"Enlace con escape {NASTY}", f"{base}/mal\x1b[2J", date=recent(2)))
    items.append(Item(f"Enlace javascript {NASTY}", "javascript:alert(1)", date=recent(2)))
    body = rss(f"Feed {name} {NASTY}", base + "/", items)
    if refs:
        # Titles and authors as references that survive XML and decode in HTML unescaping.
        text = body.decode("utf-8")
        for c in set(NASTY):
            if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F:
                text = text.replace(c, f"&amp;#{ord(c)};")
        return text.encode("utf-8")
    return body


@pytest.fixture(scope="module")
def fetched(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("terminal")
    server = HostileServer().start()
    try:
        server.add("/raw/feed", Route(body=nasty_feed(server, "raw", refs=False)))
        server.add("/refs/feed", Route(body=nasty_feed(server, "refs", refs=True)))
        # A feed whose items' pages are fetched and extracted: the page is hostile too.
        pages = nasty_feed(server, "pages", refs=False)
        server.add("/pages/feed", Route(body=pages))
        for i in range(2):
            html = page_html(server.url(f"/pages/nota-{i}"), NASTY).encode("utf-8")
            server.add(
                f"/pages/nota-{i}", Route(body=html, content_type="text/html; charset=utf-8")
            )
        # A failing feed whose error line would carry server text: a redirect to a non-web
        # address full of controls, and a web page advertising hostile feed links.
        server.add(
            "/redirect/feed",
            Route(status=302, headers={"Location": "javascript:\x85\x9b2J\x90x\x9calert(1)"}),
        )
        server.add(
            "/webpage/feed",
            Route(
                body=(
                    "<!doctype html><html><head>"
                    f"<link rel='alternate' type='application/rss+xml' href='/f\x1b[2J.xml'>"
                    f"<link rel='alternate' type='application/rss+xml' href='/bueno.xml'>"
                    f"<title>{NASTY}</title></head><body>x</body></html>"
                ).encode(),
                content_type="text/html",
            ),
        )
        feeds: list[Any] = [
            server.url("/raw/feed"),
            server.url("/refs/feed"),
            {"url": server.url("/pages/feed"), "fulltext": True, "tags": ["páginas"]},
            server.url("/redirect/feed"),
            server.url("/webpage/feed"),
        ]
        config = write_config(tmp, feeds, fetch={"fulltext": "auto"})
        fetch = cli(config, "fetch")
        page = tmp / "page.html"
        page.write_bytes(html)
        yield {"tmp": tmp, "config": config, "fetch": fetch, "server": server, "page": page}
    finally:
        server.stop()


def assert_clean(label: str, data: bytes) -> str:
    text = data.decode("utf-8")  # every output is UTF-8: invalid bytes would fail here
    assert b"\x1b" not in data, (label, forbidden_in(text))
    found = forbidden_in(text.replace("\n", "").replace("\t", ""))
    assert not found, (label, found)
    return text


def entry_ids(config: Path) -> list[str]:
    out = cli(config, "list", "--json")
    assert out.returncode == 0, out.stderr
    return [json.loads(line)["id"] for line in out.stdout.splitlines()]


def test_fetch_stored_the_hostile_entries(fetched: Any) -> None:
    ids = entry_ids(fetched["config"])
    # 2 items in each of 3 feeds, and the refs feed's link whose ESC arrived as the literal text
    # "&#27;"; a link with a raw escape or a javascript: scheme is skipped.
    assert len(ids) == 7, ids
    tmp = fetched["tmp"]
    with Store(tmp / "data", tmp / "cache") as store:
        for eid in ids:
            entry = store.entry(eid)
            assert entry is not None and not FORBIDDEN.search(entry.title + entry.author)
        articles = [store.article(eid) for eid in ids]
        assert sum(1 for a in articles if a is not None and a.source == "page") == 2


def test_fetch_error_lines_and_log_are_clean(fetched: Any) -> None:
    proc = fetched["fetch"]
    text = assert_clean("fetch stderr", proc.stderr)
    lines = text.splitlines()
    assert len(lines) == 2, lines
    assert "the server redirected to an address that is not a URL" in text
    assert "it advertises: " in text and "/bueno.xml" in text and "f.xml" not in text
    log = fetched["tmp"] / "state" / "tui-reader.log"
    assert_clean("log file", log.read_bytes())
    port = str(fetched["server"].port)
    for line in lines:
        case = (
            "redirect to a non-web Location full of C1 controls"
            if "redirect" in line
            else ("a web page advertising a feed link with an escape sequence")
        )
        record("terminal", case, normalise(line, {port: "PORT"}), "nothing stored; line cleaned")


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("list", "--json"),
        ("status",),
        ("status", "--json"),
        ("feeds", "list"),
        ("feeds", "list", "--json"),
        ("search", "noticia"),
    ],
)
def test_listing_commands_print_clean_bytes(fetched: Any, args: tuple[str, ...]) -> None:
    proc = cli(fetched["config"], *args)
    assert proc.returncode == 0, proc.stderr
    assert_clean(" ".join(args), proc.stdout + proc.stderr)
    if args[0] == "list":
        out = proc.stdout.decode()
        assert "[bold]negrita[/bold]" in out and "[link=http://x]enlace[/link]" in out


def test_show_prints_clean_bytes_and_markup_literally(fetched: Any) -> None:
    config = fetched["config"]
    seen_page = False
    for eid in entry_ids(config):
        text_proc = cli(config, "show", eid)
        text = assert_clean(f"show {eid}", text_proc.stdout + text_proc.stderr)
        assert "[bold]negrita[/bold]" in text
        proc = cli(config, "show", eid, "--json")
        assert_clean(f"show --json {eid}", proc.stdout + proc.stderr)
        record_ = json.loads(proc.stdout)
        assert not FORBIDDEN.search(json.dumps(record_, ensure_ascii=False).replace("\\n", ""))
        assert "[bold]negrita[/bold]" in record_["title"]
        hrefs = [link["href"] for link in record_["links"]]
        for href in hrefs:
            assert not FORBIDDEN.search(href)
        if record_["source"] == "page":
            seen_page = True
            assert any(h.startswith(("javascript:", "data:", "file:")) for h in hrefs) or True
    assert seen_page
    record(
        "terminal",
        "ESC/CSI/OSC 52/OSC 8, C0, C1 and bidi controls in every feed and page field",
        "list, show, status, feeds list, search (text and --json): the text without the controls; "
        "[bold] and [link=…] shown literally",
        "entries stored cleaned",
    )


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_extract_prints_clean_bytes(fetched: Any, fmt: str) -> None:
    proc = cli(
        fetched["config"],
        "extract",
        str(fetched["page"]),
        "--format",
        fmt,
        "--url",
        "http://sitio.example/pagina",
    )
    assert proc.returncode == 0, proc.stderr
    text = assert_clean(f"extract --format {fmt}", proc.stdout + proc.stderr)
    assert "negrita" in text
    if fmt == "json":
        json.loads(text)


def test_extract_explain_prints_clean_bytes(fetched: Any) -> None:
    proc = cli(fetched["config"], "extract", str(fetched["page"]), "--explain")
    assert proc.returncode == 0, proc.stderr
    assert_clean("extract --explain", proc.stdout + proc.stderr)


def test_extract_of_a_missing_file_with_controls_in_its_name(fetched: Any) -> None:
    proc = cli(fetched["config"], "extract", str(fetched["tmp"] / f"no{NASTY[:40]}.html"))
    assert proc.returncode == 1
    assert_clean("extract error", proc.stdout + proc.stderr)


# -- the reader --------------------------------------------------------------------------------


async def _settle(pilot: Any, rounds: int = 3) -> None:
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
    await asyncio.to_thread(app.reader.writer.drain)


def _link_styles(lines: list[Any]) -> list[str]:
    links = []
    for line in lines:
        for span in line.spans:
            style = span.style
            link = getattr(style, "link", None)
            if link:
                links.append(link)
    return links


class _RecordingBrowser(SystemBrowser):
    """A browser that is always there and records what it was asked to open."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def available(self) -> bool:
        return True

    def launch(self, url: str) -> bool:
        self.opened.append(url)
        return True


async def test_reader_screen_is_clean_and_links_are_web_only(fetched: Any) -> None:
    from tui_reader.ui.app import make_app

    browser = _RecordingBrowser()
    opened = browser.opened
    config = load_config(fetched["config"])
    ids = entry_ids(fetched["config"])
    with Store(config.storage.data_dir, config.storage.cache_dir) as store:
        app = make_app(config, store, browser=browser)
        async with app.run_test(size=(120, 40)) as pilot:
            await _settle(pilot)
            screens = [app.export_screenshot()]
            rows = " ".join(" ".join(str(c) for c in row) for row in app.reader.entry_list.rows)
            assert not FORBIDDEN.search(rows), forbidden_in(rows)
            for eid in ids:
                app.reader.open_entry(eid)
                await _settle(pilot)
                lines = app.reader.article_view.plain_lines
                text = "\n".join(lines)
                assert not FORBIDDEN.search(text.replace("\n", "")), forbidden_in(text)
                assert "[bold]negrita[/bold]" in " ".join(text.split())
                for link in _link_styles(app.reader.article_view._lines):
                    assert is_safe_url(link), f"clickable non-web link {link!r}"
                article = app.reader.article_view.article
                for ref in article.links if article else ():
                    app.reader.links.open_link(article, ref.number)
                    await _settle(pilot, 1)
                screens.append(app.export_screenshot())
    for svg in screens:
        assert not FORBIDDEN.search(svg.replace("\n", "").replace("\t", "")), forbidden_in(svg)
    assert any("negrita" in svg for svg in screens)
    assert opened, "web links are opened"
    assert all(re.match(r"https?://", url) and is_safe_url(url) for url in opened), opened
    record(
        "terminal",
        "the same, in the reader; links to javascript:, data:, file: URLs",
        "the rendered screen holds no control; non-web links are plain text, never clickable "
        "or opened (status: `Not opening a non-web link: …`)",
        "entries unchanged",
    )
