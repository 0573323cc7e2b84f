"""Article and entry text as Rich `Text` lines: built with `Text.append`, never from markup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from rich.console import Console
from rich.style import Style
from rich.text import Text

from tui_reader.models import Article, Block, Entry
from tui_reader.sanitize import clean_line, clean_text, is_safe_url

TITLE = Style(bold=True)
META = Style(dim=True)
HEADING = Style(bold=True, underline=True)
LINK_NUMBER = Style(color="cyan", bold=True)
LINK_ANCHOR = Style(underline=True)
QUOTE_BAR = Style(color="magenta", bold=True)
QUOTE_TEXT = Style(italic=True)
ATTRIBUTION = Style(dim=True, italic=True)
CODE = Style(color="green")
CAPTION = Style(dim=True, italic=True)
BULLET = Style(color="cyan")
RULE = Style(dim=True)

SOURCE_LABELS = {
    "feed": "full text from the feed",
    "page": "full text from the page",
    "summary": "summary only (the page could not be extracted)",
}

_console = Console(width=200, color_system=None, legacy_windows=False, force_terminal=False)


def format_date(published: datetime | float | None, *, with_time: bool = True) -> str:
    """A fixed, locale-independent date in local time (tests pin TZ)."""
    if published is None:
        return ""
    stamp = published.timestamp() if isinstance(published, datetime) else published
    try:
        local = datetime.fromtimestamp(stamp, UTC).astimezone()
    except (OverflowError, OSError, ValueError):
        return ""
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def link_style(url: str) -> Style:
    """An OSC 8 hyperlink style, only for http(s) URLs."""
    return Style(link=url) if is_safe_url(url) else Style()


def _wrap(text: Text, width: int) -> list[Text]:
    if width < 1:
        width = 1
    lines: list[Text] = []
    for part in text.split("\n", allow_blank=True):
        wrapped = part.wrap(_console, width, overflow="fold")
        lines.extend(wrapped if len(wrapped) else [Text()])
    return lines


def _block_text(block: Block, hrefs: dict[int, str], base: Style | None = None) -> Text:
    """A block's text with ` [n]` after every link anchor; feed text is plain text, never markup."""
    raw = block.text
    out = Text(style=base or "")
    pos = 0
    for ref in sorted(block.links, key=lambda r: (r.end, r.start)):
        start = max(pos, min(ref.start, len(raw)))
        end = max(start, min(ref.end, len(raw)))
        out.append(clean_text(raw[pos:start]))
        href = hrefs.get(ref.number, "")
        out.append(clean_text(raw[start:end]), LINK_ANCHOR + link_style(href))
        out.append(f"[{ref.number}]", LINK_NUMBER + link_style(href))
        pos = end
    out.append(clean_text(raw[pos:]))
    return out


def _prefixed(lines: Iterable[Text], first: Text, rest: Text) -> list[Text]:
    result = []
    for i, line in enumerate(lines):
        prefix = (first if i == 0 else rest).copy()
        prefix.append_text(line)
        result.append(prefix)
    return result


def header_lines(
    entry: Entry | None, article: Article | None, width: int, sources: Sequence[str] = ()
) -> list[Text]:
    """Title, then site/author/date/language, the original URL, the feeds and aggregator links
    the story came through, and where its text came from."""
    title = clean_line((article.title if article else "") or (entry.title if entry else ""))
    lines = _wrap(Text(title, style=TITLE), width)
    meta: list[str] = []
    site = clean_line((article.site_name if article else "") or (entry.site if entry else ""))
    author = clean_line((article.author if article else "") or (entry.author if entry else ""))
    published = (article.published if article else None) or (entry.published if entry else None)
    language = clean_line(
        (article.language if article else "") or (entry.language if entry else "")
    )
    meta.extend(x for x in (site, author, format_date(published), language) if x)
    if meta:
        lines.extend(_wrap(Text(" · ".join(meta), style=META), width))
    url = clean_line((entry.url if entry else "") or (article.url if article else ""))
    if url:
        lines.extend(_wrap(Text(url, style=META + link_style(url)), width))
    names = [name for name in (clean_line(s) for s in sources) if name]
    if names:
        label = "from " if len(names) == 1 else f"from {len(names)} feeds: "
        lines.extend(_wrap(Text(label + " · ".join(names), style=META), width))
    for via in entry.via if entry else ():
        via = clean_line(via)
        line = Text("via ", style=META)
        line.append(via, META + link_style(via))
        lines.extend(_wrap(line, width))
    source = (
        SOURCE_LABELS.get(article.source, article.source) if article else "summary from the feed"
    )
    lines.append(Text(f"text: {source}", style=META))
    lines.append(Text("─" * min(width, 40), style=RULE))
    return lines


def block_lines(block: Block, hrefs: dict[int, str], width: int) -> list[Text]:
    """One block, wrapped to `width`; quotes get a left bar, lists bullets, code is not reflowed."""
    if block.kind == "heading":
        return _wrap(_block_text(block, hrefs, HEADING), width)
    if block.kind == "quote":
        bar = Text("▌ ", style=QUOTE_BAR)
        body = _wrap(_block_text(block, hrefs, QUOTE_TEXT), width - 2)
        lines = _prefixed(body, bar, bar)
        if block.attribution:
            who = clean_line(block.attribution).lstrip("—–-― ").strip()
            attribution = Text("— " + who, style=ATTRIBUTION)
            lines.extend(_prefixed(_wrap(attribution, width - 2), bar, bar))
        return lines
    if block.kind == "list":
        lines = []
        for item in _block_text(block, hrefs).split("\n"):
            if not item.plain.strip():
                continue
            wrapped = _wrap(item, width - 2)
            lines.extend(_prefixed(wrapped, Text("• ", style=BULLET), Text("  ")))
        return lines
    if block.kind == "code":
        lines = []
        for part in _block_text(block, hrefs, CODE).split("\n", allow_blank=True):
            lines.extend(_prefixed(_wrap(part, width - 2), Text("  "), Text("  ")))
        return lines
    if block.kind == "caption":
        return _wrap(_block_text(block, hrefs, CAPTION), width)
    return _wrap(_block_text(block, hrefs), width)


def links_lines(article: Article, width: int) -> list[Text]:
    if not article.links:
        return []
    lines = [Text("Links", style=HEADING)]
    for link in article.links:
        href = clean_line(link.href)
        line = Text(f"[{link.number}] ", style=LINK_NUMBER)
        text = clean_line(link.text)
        if text and text != href:
            line.append(text + " ")
        line.append(href, META + link_style(href))
        lines.extend(_prefixed(_wrap(line, width - 2), Text(), Text("    ")))
    return lines


def article_lines(
    entry: Entry | None, article: Article | None, width: int, sources: Sequence[str] = ()
) -> list[Text]:
    """The whole article view: header, body (or the entry's summary) and the numbered links."""
    width = max(width, 10)
    lines = header_lines(entry, article, width, sources)
    if article is not None and article.blocks:
        hrefs = article_links(article)
        for block in article.blocks:
            lines.append(Text())
            lines.extend(block_lines(block, hrefs, width))
        links = links_lines(article, width)
        if links:
            lines.append(Text())
            lines.extend(links)
    else:
        summary = clean_text(entry.summary if entry else "").strip()
        if not summary:
            summary = "(no text: press o to open the article in the browser)"
        for para in summary.split("\n\n"):
            lines.append(Text())
            lines.extend(_wrap(Text(" ".join(para.split())), width))
    return lines


def article_links(article: Article | None) -> dict[int, str]:
    """An article's link numbers and their URLs, as the `[n]` markers and keys refer to them."""
    return {} if article is None else {link.number: link.href for link in article.links}
