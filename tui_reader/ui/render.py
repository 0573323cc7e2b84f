"""Article and entry text as Rich `Text` lines: built with `Text.append`, never from markup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text

from tui_reader.glossary import Repair, RepairedArticle
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
REPAIRED = Style(color="green", italic=True)
PUBLISHED_NOTE = Style(color="yellow")
ORIGINAL = Style(color="cyan", underline=True)
IMAGE = Style(color="magenta", bold=True)

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


def _block_text(
    block: Block,
    hrefs: dict[int, str],
    base: Style | None = None,
    marks: Sequence[Repair] = (),
) -> Text:
    """A block's text with `[n]` after every link anchor; feed text is plain text, never markup.
    `marks`: repaired brand names, styled so the reader can tell them from the published text."""
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
    if marks and len(out.plain) == len(raw) + sum(len(f"[{r.number}]") for r in block.links):
        _mark_repairs(out, block, marks)
    return out


def _mark_repairs(out: Text, block: Block, marks: Sequence[Repair]) -> None:
    """Style each repaired span; offsets move by the `[n]` markers inserted before them."""
    ends = sorted((min(r.end, len(block.text)), len(f"[{r.number}]")) for r in block.links)
    for mark in marks:
        shift = sum(size for end, size in ends if end <= mark.start)
        out.stylize(REPAIRED, mark.start + shift, mark.end + shift)


def _prefixed(lines: Iterable[Text], first: Text, rest: Text) -> list[Text]:
    """Each line after a prefix; the line keeps its own style (not the prefix's)."""
    result = []
    for i, line in enumerate(lines):
        out = Text()
        out.append_text(first if i == 0 else rest)
        out.append_text(line)
        result.append(out)
    return result


def shorten_url(url: str, width: int) -> str:
    """A URL in one row: no scheme or "www.", the middle of the path elided if it is long."""
    short = url.split("://", 1)[-1].removeprefix("www.")
    if cell_len(short) <= width:
        return short
    host, _, path = short.partition("/")
    room = width - len(host) - 2  # "/…"
    if room < 8:
        return short[: max(1, width - 1)] + "…"
    return f"{host}/…{path[-(room):]}"


def _one_row(text: Text, width: int) -> Text:
    text.truncate(width, overflow="ellipsis")
    return text


def header_lines(
    entry: Entry | None,
    article: Article | None,
    width: int,
    *,
    title: str = "",
    original: str = "",
    repaired: int = 0,
    published: bool = False,
) -> list[Text]:
    """Three rows and a rule: the title; site · author · date · language; the URL (and the
    original's) shortened to one row. The rest is in the info view (`i`)."""
    title = clean_line(
        title or (article.title if article else "") or (entry.title if entry else "")
    )
    lines = [_one_row(Text(title or "(untitled)", style=TITLE), width)]
    site = clean_line((article.site_name if article else "") or (entry.site if entry else ""))
    author = clean_line((article.author if article else "") or (entry.author if entry else ""))
    when = (article.published if article else None) or (entry.published if entry else None)
    language = clean_line(
        (article.language if article else "") or (entry.language if entry else "")
    )
    meta = Text(" · ".join(x for x in (site, author, format_date(when), language) if x))
    meta.stylize(META)
    if repaired:
        meta.append(" · ")
        label = "as published (t)" if published else f"{repaired} names repaired (t)"
        meta.append(label, PUBLISHED_NOTE if published else REPAIRED)
    lines.append(_one_row(meta, width))
    url = clean_line((entry.url if entry else "") or (article.url if article else ""))
    original = clean_line(original)
    row = Text()
    if original:
        half = max(10, (width - 11) // 2)
        row.append("original ", META)
        row.append(shorten_url(original, half), ORIGINAL + link_style(original))
        row.append("  ")
        row.append(shorten_url(url, width - cell_len(row.plain)), META + link_style(url))
    elif url:
        row.append(shorten_url(url, width), META + link_style(url))
    lines.append(_one_row(row, width))
    lines.append(Text("─" * width, style=RULE))
    return lines


def image_lines(block: Block, hrefs: dict[int, str], width: int, number: int) -> list[Text]:
    """An image as a numbered placeholder: `[image 2: alt or caption][5]`, link 5 its URL."""
    label = Text(f"[image {number}", style=IMAGE)
    alt = clean_line(block.text)
    if alt:
        label.append(": ")
        label.append(alt, CAPTION)
    label.append("]", IMAGE)
    for ref in block.links:
        href = hrefs.get(ref.number, "")
        label.append(f"[{ref.number}]", LINK_NUMBER + link_style(href))
    return _wrap(label, width)


def block_lines(
    block: Block, hrefs: dict[int, str], width: int, marks: Sequence[Repair] = ()
) -> list[Text]:
    """One block, wrapped to `width`; quotes get a left bar, lists bullets, code is not reflowed."""
    if block.kind == "heading":
        return _wrap(_block_text(block, hrefs, HEADING, marks), width)
    if block.kind == "quote":
        bar = Text("▌ ", style=QUOTE_BAR)
        body = _wrap(_block_text(block, hrefs, QUOTE_TEXT, marks), width - 2)
        lines = _prefixed(body, bar, bar)
        if block.attribution:
            who = clean_line(block.attribution).lstrip("—–-― ").strip()
            attribution = Text("— " + who, style=ATTRIBUTION)
            lines.extend(_prefixed(_wrap(attribution, width - 2), bar, bar))
        return lines
    if block.kind == "list":
        lines = []
        for item in _block_text(block, hrefs, None, marks).split("\n"):
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
        return _wrap(_block_text(block, hrefs, CAPTION, marks), width)
    return _wrap(_block_text(block, hrefs, None, marks), width)


def links_lines(article: Article, width: int) -> list[Text]:
    """The numbered links, each URL whole: wrapped under its number, never cut."""
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
        lines.extend(_prefixed(_wrap(line, width - 4), Text(), Text("    ")))
    return lines


def article_lines(
    entry: Entry | None,
    article: Article | None,
    width: int,
    repaired: RepairedArticle | None = None,
    *,
    original: str = "",
    published: bool = False,
) -> list[Text]:
    """The whole article view: header, body (or the entry's summary) and the numbered links.
    `repaired` (and not `published`): the text with brand names repaired, marked."""
    width = max(width, 10)
    shown = article if published or repaired is None else repaired.article
    count = repaired.count if repaired is not None else 0
    title = "" if published or repaired is None else repaired.title
    lines = header_lines(
        entry, shown, width, title=title, original=original, repaired=count, published=published
    )
    if shown is not None and shown.blocks:
        hrefs = article_links(shown)
        marks = {} if published or repaired is None else repaired.repairs
        images = 0
        for index, block in enumerate(shown.blocks):
            if index:
                lines.append(Text())
            if block.kind == "image":
                images += 1
                lines.extend(image_lines(block, hrefs, width, images))
            else:
                lines.extend(block_lines(block, hrefs, width, marks.get(index, ())))
        links = links_lines(shown, width)
        if links:
            lines.append(Text())
            lines.extend(links)
    else:
        summary = clean_text(entry.summary if entry else "").strip()
        if not summary:
            summary = "(no text: press o to open the article in the browser)"
        for index, para in enumerate(summary.split("\n\n")):
            if index:
                lines.append(Text())
            lines.extend(_wrap(Text(" ".join(para.split())), width))
    return lines


def article_links(article: Article | None) -> dict[int, str]:
    """An article's link numbers and their URLs, as the `[n]` markers and keys refer to them."""
    return {} if article is None else {link.number: link.href for link in article.links}
