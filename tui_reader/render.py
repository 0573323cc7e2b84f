"""Plain-text and Markdown renderings of an Article, with `[n]` link markers and a link list.

Used by `tui-reader show` and `tui-reader extract`; the reader builds its own styled Text from
the same blocks. Every string is cleaned again here, so whatever reached the store cannot reach
the terminal as an escape sequence.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import datetime

from tui_reader.models import Article, Block, Entry
from tui_reader.sanitize import clean_line, clean_text


def with_link_markers(block: Block) -> str:
    """The block's text with ` [n]`-style markers after each link's anchor."""
    text = block.text
    out: list[str] = []
    pos = 0
    for ref in sorted(block.links, key=lambda r: r.end):
        end = max(pos, min(ref.end, len(text)))
        out.append(text[pos:end])
        out.append(f"[{ref.number}]")
        pos = end
    out.append(text[pos:])
    return clean_text("".join(out))


def _wrap(text: str, width: int, prefix: str = "", first: str | None = None) -> list[str]:
    lines: list[str] = []
    for i, para in enumerate(text.split("\n")):
        initial = first if (first is not None and i == 0) else prefix
        wrapped = textwrap.wrap(
            para,
            width=max(20, width),
            initial_indent=initial,
            subsequent_indent=prefix,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines.extend(wrapped or [initial.rstrip()])
    return lines


def block_lines(block: Block, width: int) -> list[str]:
    text = with_link_markers(block)
    if block.kind == "heading":
        return [clean_line(text).upper() if block.level <= 1 else clean_line(text)]
    if block.kind == "quote":
        lines = _wrap(text, width - 4, prefix="  │ ")
        if block.attribution:
            lines.extend(_wrap(clean_line(block.attribution), width - 4, prefix="  │ "))
        return lines
    if block.kind == "list":
        lines = []
        for item in text.split("\n"):
            lines.extend(_wrap(item, width, prefix="    ", first="  • "))
        return lines
    if block.kind == "code":
        return ["    " + line for line in clean_text(block.text).split("\n")]
    if block.kind == "caption":
        return _wrap(text, width, prefix="  ", first="  ")
    return _wrap(text, width)


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def image_line(block: Block, number: int) -> str:
    """An image as a numbered placeholder, its link number after it: `[image 2: alt][5]`."""
    alt = clean_line(block.text)
    markers = "".join(f"[{ref.number}]" for ref in block.links)
    return f"[image {number}{': ' + alt if alt else ''}]{markers}"


def article_text(
    article: Article,
    entry: Entry | None = None,
    width: int = 80,
    *,
    original: str = "",
    repaired: Sequence[tuple[str, str]] = (),
) -> str:
    """The article as a person reads it in a pager: header, wrapped blocks, numbered links.
    `original`: the article it credits; `repaired`: (published, brand) names it repaired."""
    title = clean_line(article.title or (entry.title if entry else ""))
    meta = [
        clean_line(article.site_name or (entry.site if entry else "")),
        clean_line(article.author or (entry.author if entry else "")),
        _date(article.published or (entry.published if entry else None)),
        clean_line(article.language),
    ]
    lines = [title, " · ".join(m for m in meta if m), clean_line(article.url)]
    if entry is not None:
        lines.extend(f"via {clean_line(v)}" for v in entry.via if v != article.url)
    if original:
        lines.append(f"original {clean_line(original)}")
    lines.append(f"text from the {article.source}")
    lines.append("")
    images = 0
    for block in article.blocks:
        if block.kind == "image":
            images += 1
            lines.append(image_line(block, images))
        else:
            lines.extend(block_lines(block, width))
        lines.append("")
    if article.links:
        lines.append("Links:")
        lines.extend(f"[{link.number}] {clean_line(link.href)}" for link in article.links)
    if repaired:
        names = ", ".join(f"{clean_line(p)} -> {clean_line(b)}" for p, b in repaired)
        lines += ["", f"Repaired names (machine translation): {names}; --published: as printed"]
    return "\n".join(lines).rstrip() + "\n"


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("`", "\\`")


def _md_links(block: Block, hrefs: dict[int, str]) -> str:
    """Block text, escaped, with each link as `[anchor](href)`."""
    text = clean_text(block.text)
    out: list[str] = []
    pos = 0
    for ref in sorted(block.links, key=lambda r: r.start):
        if ref.start < pos:
            continue
        out.append(_md_escape(text[pos : ref.start]))
        anchor = _md_escape(text[ref.start : ref.end]).replace("]", "\\]")
        href = clean_line(hrefs.get(ref.number, "")).replace(")", "%29").replace(" ", "%20")
        out.append(f"[{anchor}]({href})")
        pos = ref.end
    out.append(_md_escape(text[pos:]))
    return "".join(out)


def article_markdown(article: Article) -> str:
    hrefs = {lk.number: lk.href for lk in article.links}
    lines: list[str] = []
    if article.title:
        lines += [f"# {_md_escape(clean_line(article.title))}", ""]
    meta = [
        clean_line(article.author),
        _date(article.published),
        clean_line(article.site_name),
        clean_line(article.language),
    ]
    if any(meta):
        lines += [f"*{_md_escape(' · '.join(m for m in meta if m))}*", ""]
    for block in article.blocks:
        if block.kind == "code":
            code = clean_text(block.text)
            fence = "````" if "```" in code else "```"
            lines += [fence, code, fence, ""]
            continue
        body = _md_links(block, hrefs)
        if block.kind == "heading":
            lines.append("#" * max(2, min(block.level or 2, 6)) + " " + body.replace("\n", " "))
        elif block.kind == "list":
            lines.extend(f"- {item}" for item in body.split("\n"))
        elif block.kind == "quote":
            lines.extend(f"> {line}" for line in body.split("\n"))
            if block.attribution:
                lines += [">", f"> {_md_escape(clean_line(block.attribution))}"]
        elif block.kind == "caption":
            lines.append(f"*{body}*")
        else:
            lines.append(body.replace("\n", "  \n"))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
