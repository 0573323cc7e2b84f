"""Line shapes a site repeats: "<label> <a>another article of the site</a>" with a changing link.

A related-article box keeps its label ("Quizá quieras leer:", "No te vayas sin leer") from one
article to the next while its link changes, so its text never repeats but its shape does.  The
shape of a line is its label, folded; `repetition.update_site_stats` counts shapes per site like
it counts repeated blocks, and the block rules drop a line whose shape the site repeats.
Standard library only: imported with the package.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from urllib.parse import urlsplit

from tui_reader.extract.clean import fold

_HAS_WORD = re.compile(r"[^\W_]")
_EDGE = " \t:：|>-–—•·…»›→⇒⟶➔➜➝➞➡▶►▸⮕\u00a0"
_TAIL = re.compile(r"^[\s.!?»\"'”’)\]]*$")
MAX_LABEL_WORDS = 6
SHAPE_RULE = "site:shape:"


def site_key(host: str) -> str:
    """A crude registrable domain: the last two labels (three for short second levels)."""
    parts = host.split(".")
    if len(parts) >= 3 and len(parts[-2]) <= 3 and len(parts[-1]) == 2:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def url_site(url: str) -> str:
    """The site key of a URL ("" without a host), with only the standard library."""
    try:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
    except ValueError:
        return ""
    return site_key(host) if host else ""


def shape_label(text: str, links: Iterable[tuple[int, int, str]], site: str) -> str | None:
    """The folded label of a line "Label <a>Title</a>" linking into `site`, else None.

    `links`: (start, end, absolute href) spans of the line.  One link (or adjacent links with
    nothing but separators between them), reaching the end of the line, every one into the
    page's own site, after a label of 1-6 words; the link text has 2+ words (a title).
    """
    spans = sorted(links)
    if not spans or not site or "\n" in text:
        return None
    if not _TAIL.match(text[spans[-1][1] :]):
        return None
    for (_, end, _), (start, _, _) in pairwise(spans):
        if _HAS_WORD.search(text[end:start]):
            return None
    if any(url_site(href) != site for _, _, href in spans):
        return None
    if len(text[spans[0][0] : spans[0][1]].split()) < 2:
        return None
    label = text[: spans[0][0]]
    words = [w for w in label.split() if _HAS_WORD.search(w)]
    if not 1 <= len(words) <= MAX_LABEL_WORDS:
        return None
    key = fold(label).strip(_EDGE)
    return key or None


def shape_text(label: str) -> str:
    """The text a shape is counted under in `SiteStats` (apart from any block's own text)."""
    return "\x00shape\x00" + label
